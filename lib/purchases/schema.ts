/** The /new_purchase request as the partner API defines it; also the source of its OpenAPI schema. */
import * as z from 'zod/mini';
import { amountTextOf, decimalAtMost, isAmountInput, MAX_FIAT_AMOUNT, type AmountInput } from '../ledger/money.js';
import { EMAIL_ADDRESS } from '../mail/address.js';

/**
 * Top-level schemas are built in `schema(() => ...)` so that a bundle keeps only those it uses. esbuild takes
 * zod's factories and `.check()` for side effects (it honours no-side-effects annotations within a module
 * only, evanw/esbuild#4369): a bare top-level schema is in every bundle that imports the module.
 */
/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

export const CURRENCIES = ['USD', 'EUR', 'RUR', 'GBYTE', 'BTC'] as const;
export type Currency = (typeof CURRENCIES)[number];
/** Minor-unit precision accepted for each purchase currency. */
export const CURRENCY_DECIMALS: Record<Currency, number> = { USD: 2, EUR: 2, RUR: 2, GBYTE: 9, BTC: 8 };

const ETH_ADDRESS = /^0x[0-9a-fA-F]{40}$/;
/** The decimal text of an amount (its size is bounded by the maximum, its decimals by the currency). */
const DECIMAL = /^\d+(\.\d+)?$/;

const text = (field: string, max: number, description: string) =>
  z
    .string({ error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a string`) })
    .check(z.trim(), z.minLength(1, `${field} is required`), z.maxLength(max, `${field} must be at most ${max} characters`))
    .register(z.globalRegistry, { description });

/**
 * The largest currency_amount, in any currency: 10^12. With the largest percentages (20% GBYTE base + 50% partner
 * + 10% match) and a token price of at least 1 in the currency, the cashback stays below 10^30 token units
 * (lib/purchases/cashback.ts MAX_CASHBACK_UNITS caps it for any price): far inside DynamoDB's 38 digits.
 */
export const MAX_CURRENCY_AMOUNT = MAX_FIAT_AMOUNT;

/** A non-negative decimal: a JSON number (kept exact by the body parser), or a decimal string (forms). */
const decimal = (field: string, description: string, max?: string) =>
  z
    .custom<AmountInput>(isAmountInput, {
      error: (i) => (i.input === undefined ? `${field} is required` : `${field} must be a number`),
    })
    .check(
      z.refine((v) => DECIMAL.test(amountTextOf(v) ?? ''), { error: `${field} must be a non-negative decimal number`, abort: true }),
      z.refine((v) => max === undefined || decimalAtMost(amountTextOf(v)!, max), `${field} must be at most ${max}`),
    )
    .register(z.globalRegistry, { description, type: ['number', 'string'], ...(max === undefined ? {} : { maximum: Number(max) }) });

/** Checked first: an unauthenticated caller learns nothing about the other fields. */
export const partnerCredentialsSchema = schema(() => z.object({
  partner: text('partner', 64, 'Partner name assigned at sign-up.'),
  partner_key: text('partner_key', 256, 'Partner key used to authenticate the request.'),
}));

export const newPurchaseSchema = schema(() => z.object({
  ...partnerCredentialsSchema.shape,
  customer: text('customer', 256, 'Any stable id of the customer.'),
  order_id: text('order_id', 128, 'Unique id of the order; an order pays cashback at most once.'),
  description: z.optional(text('description', 1024, 'Description of the purchase.')),
  merchant: z.optional(text('merchant', 256, 'Payment processors only: the individual merchant.')),
  address: text('address', 254, 'Ethereum address (cashback sent on chain) or email address (a claim link is mailed).').check(
    z.refine((v) => ETH_ADDRESS.test(v) || EMAIL_ADDRESS.test(v), 'address must be an Ethereum address (0x + 40 hex digits) or an email address'),
  ),
  currency: z
    .string({ error: (i) => (i.input === undefined ? 'currency is required' : 'currency must be a string') })
    .check(z.refine((v) => (CURRENCIES as readonly string[]).includes(v), `currency must be one of ${CURRENCIES.join(', ')}`))
    .register(z.globalRegistry, { description: 'Currency of the purchase.', enum: [...CURRENCIES] }),
  currency_amount: decimal(
    'currency_amount',
    `Amount of the purchase in \`currency\`, at most ${MAX_CURRENCY_AMOUNT} (10^12) and at most the currency's decimals (USD, EUR, RUR 2, BTC 8, GBYTE 9). A JSON number is read exactly as written, never rounded; more decimals are refused. A purchase whose cashback would exceed 10^30 token units (10^12 tokens) is refused.`,
    MAX_CURRENCY_AMOUNT,
  ),
  partner_cashback_percentage: z.optional(
    decimal(
      'partner_cashback_percentage',
      "Extra percentage paid from the partner deposit and matched from the distribution fund: from 0 to the deployment's MAX_PARTNER_PERCENT (50 unless configured), at most 4 decimals. Default 0.",
      '100',
    ),
  ),
  purchase_unit: z.optional(
    z
      .string()
      .check(z.regex(/^[A-Za-z0-9+/]{43}=$/, 'purchase_unit must be an Obyte unit (44-character base64 hash)'))
      .register(z.globalRegistry, { description: 'Unit of the purchase when it was paid in GBYTE.' }),
  ),
}));

export type NewPurchaseInput = z.infer<typeof newPurchaseSchema>;

/**
 * An exact integer that may be beyond a float's safe range (token amounts have 18 decimals): z.int() would refuse
 * what a JSON parser reads from it, so any whole number passes; the document says integer.
 */
export const bigInteger = () => z.number().check(z.refine((v) => Number.isInteger(v), 'must be an integer'));

export const newPurchaseResponseSchema = schema(() => z.object({
  result: z.literal('ok'),
  cashback_amount: bigInteger().register(z.globalRegistry, {
    type: 'integer',
    description: 'Cashback in the smallest unit of the cashback token (18 decimals), written as an exact JSON integer; at most 10^30 (10^12 tokens).',
  }),
  unit: z.string().register(z.globalRegistry, { description: 'Id of the payout (base64 hash).' }),
}));

