/** Requests and responses of the cashback cards API, also the source of their OpenAPI schemas. */
import * as z from 'zod/mini';
import { amountTextOf, decimalAtMost, isAmountInput, MAX_FIAT_AMOUNT, type AmountInput } from '../ledger/money.js';
import { METADATA_LIMITS, metadataProblem } from './metadata.js';
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

const PHONE = /^\+?[0-9]{6,15}$/;
const DECIMAL = /^\d{1,15}(\.\d{1,6})?$/;

const required = (field: string, kind: string) => (i: { input: unknown }) => (i.input === undefined ? `${field} is required` : `${field} must be ${kind}`);

/** Integer ids: JSON numbers, or digit strings (query strings, forms). */
export const id = (field: string, description: string) =>
  z
    .pipe(
      z.union([z.number(), z.string()], { error: required(field, 'a positive integer') }),
      z.transform((v) => (typeof v === 'string' && /^\d{1,15}$/.test(v.trim()) ? Number(v) : v)),
    )
    .check(z.refine((v) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0, `${field} must be a positive integer`))
    .register(z.globalRegistry, { description, type: 'integer' }) as unknown as z.ZodMiniType<number, number | string>;

/** The largest card amount, in major units of the card currency (the platform's fiat maximum, 10^12). */
export const MAX_CARD_AMOUNT = Number(MAX_FIAT_AMOUNT);

/** A positive amount: a finite JSON number (JsonNumber: one a float cannot hold, kept as its text) or a DECIMAL string. */
const positive = (v: AmountInput) =>
  typeof v === 'string' ? DECIMAL.test(v.trim()) && Number(v) > 0 : typeof v === 'number' ? Number.isFinite(v) && v > 0 : Number(v.text) > 0;

/** Whether a positive amount is at most MAX_CARD_AMOUNT: exactly, or by its float when its text is too long to expand (1e400). */
function withinMax(v: AmountInput): boolean {
  const text = amountTextOf(v);
  return text !== undefined && /^\d+(\.\d+)?$/.test(text) ? decimalAtMost(text, MAX_FIAT_AMOUNT) : Number(typeof v === 'object' ? v.text : v) <= MAX_CARD_AMOUNT;
}

const amount = (field: string, description: string) =>
  z
    .custom<AmountInput>(isAmountInput, { error: required(field, 'a number') })
    .check(
      z.refine(positive, { error: `${field} must be a positive number`, abort: true }),
      z.refine(withinMax, `${field} must be at most ${MAX_CARD_AMOUNT}`),
    )
    .register(z.globalRegistry, { description: `${description} At most ${MAX_CARD_AMOUNT} (10^12), with at most the currency's decimals; a JSON number is read exactly as written.`, type: ['number', 'string'], maximum: MAX_CARD_AMOUNT });

const metadata = schema(() => z
  .record(z.string(), z.unknown(), { error: 'metadata must be an object' })
  .check(
    z.superRefine((v, ctx) => {
      const problem = metadataProblem(v);
      if (problem) ctx.addIssue({ code: 'custom', message: problem, input: v });
    }),
  )
  .register(z.globalRegistry, {
    description: `Your data about the purchase, kept as sent: a JSON object of at most ${METADATA_LIMITS.bytes} bytes, ${METADATA_LIMITS.depth} levels deep, ${METADATA_LIMITS.keys} keys of 1 to ${METADATA_LIMITS.keyLength} characters.`,
  }));

const text = (field: string, max: number, description: string) =>
  z
    .string({ error: required(field, 'a string') })
    .check(z.trim(), z.minLength(1, `${field} must not be empty`), z.maxLength(max, `${field} must be at most ${max} characters`))
    .register(z.globalRegistry, { description });

const email = schema(() => z
  .string({ error: required('email', 'a string') })
  .check(z.trim(), z.toLowerCase(), z.maxLength(254, 'email must be at most 254 characters'), z.regex(EMAIL_ADDRESS, 'email must be a valid email address'))
  .register(z.globalRegistry, { description: 'Member email (alternative to member_id).' }));

const phone = schema(() => z
  .string({ error: required('phone', 'a string') })
  .check(z.trim(), z.regex(PHONE, 'phone must be 6-15 digits, optionally starting with +'))
  .register(z.globalRegistry, { description: 'Member phone, international digits (alternative to member_id).' }));

const reference = schema(() => z.optional(text('reference', 128, 'Your transaction reference: repeating it returns the first transaction instead of a second one.')));

const memberSelector = schema(() => ({
  member_id: z.optional(id('member_id', 'Member ID.')),
  email: z.optional(email),
  phone: z.optional(phone),
}));

const oneMember = schema(() => z.refine<{ member_id?: number; email?: string; phone?: string }>(
  (v) => v.member_id !== undefined || v.email !== undefined || v.phone !== undefined,
  { message: 'one of member_id, email or phone is required', path: ['member_id'] },
));

export const earnSchema = schema(() => z
  .object({
    card_id: id('card_id', 'The cashback card ID.'),
    ...memberSelector,
    member_name: z.optional(text('member_name', 128, 'Name for member auto-creation.')),
    purchase_amount: amount('purchase_amount', 'Purchase amount in the card currency.'),
    reference,
    metadata: z.optional(metadata),
  })
  .check(oneMember));

export const redeemSchema = schema(() => z.object({
  card_id: id('card_id', 'Cashback card ID.'),
  amount: amount('amount', 'Amount to redeem, in the card currency.'),
  pin: z.optional(z.string({ error: 'pin must be a string' }).check(z.regex(/^\d{4,8}$/, 'pin must be 4 to 8 digits'))),
  reference,
}));

export const balanceQuerySchema = schema(() => z.object({
  card_id: id('card_id', 'Cashback card ID.'),
  member_id: id('member_id', 'Member ID.'),
}));

const boundedInt = (field: string, min: number, max: number, fallback: number) =>
  z
    .pipe(
      z.optional(z.string({ error: `${field} must be an integer` })),
      z.transform((v) => (v === undefined || v === '' ? fallback : /^\d{1,6}$/.test(v) ? Number(v) : NaN)),
    )
    .check(z.refine((v) => Number.isInteger(v) && v >= min && v <= max, `${field} must be an integer from ${min} to ${max}`))
    .register(z.globalRegistry, { description: `${min}-${max}, default ${fallback}`, type: 'integer' }) as unknown as z.ZodMiniType<number, string | undefined>;

export const historyQuerySchema = schema(() => z.object({
  ...balanceQuerySchema.shape,
  limit: boundedInt('limit', 1, 100, 20),
  offset: boundedInt('offset', 0, 100_000, 0),
}));

export const refundSchema = schema(() => z
  .object({
    card_id: id('card_id', 'Cashback card ID.'),
    ...memberSelector,
    refund_amount: amount('refund_amount', 'Refunded part of the purchase, in the card currency.'),
    cashback_to_deduct: z.optional(amount('cashback_to_deduct', 'Explicit cashback to deduct instead of the proportional amount.')),
    transaction_id: z.optional(id('transaction_id', 'The earning being refunded (its transaction_id). Optional; see original_reference.')),
    original_reference: z.optional(text('original_reference', 128, 'The reference of the earning being refunded (alternative to transaction_id).')),
    reference,
  })
  .check(oneMember));

const contact = schema(() => z
  .object({ card_id: id('card_id', 'Card the member uses.'), email: z.optional(email), phone: z.optional(phone) })
  .check(z.refine((v) => (v.email === undefined) !== (v.phone === undefined), { message: 'exactly one of email or phone is required', path: ['email'] })));

export const otpRequestSchema = contact;

export const otpVerifySchema = schema(() => z
  .object({ ...contact.shape, code: z.string({ error: required('code', 'a string') }).check(z.regex(/^\d{6}$/, 'code must be the 6 digits received')) })
  .check(z.refine((v) => (v.email === undefined) !== (v.phone === undefined), { message: 'exactly one of email or phone is required', path: ['email'] })));

const pinText = (field: string, description: string) =>
  z
    .string({ error: required(field, 'a string') })
    .check(z.regex(/^\d{4,8}$/, `${field} must be 4 to 8 digits`))
    .register(z.globalRegistry, { description });

export const setPinSchema = schema(() => z.object({
  pin: pinText('pin', 'The new PIN, 4 to 8 digits.'),
  current_pin: z.optional(
    pinText(
      'current_pin',
      'The member\'s current PIN, to replace it without a fresh OTP verification. A wrong one counts as a wrong PIN (the PIN locks after PIN_MAX_FAILURES); refused while the PIN is locked. Not needed with a member token issued at most PIN_CHANGE_FRESH_SECONDS (300) ago.',
    ),
  ),
}));

export const cardPathSchema = schema(() => z.object({ id: id('id', 'Card ID.') }));

export type EarnInput = z.infer<typeof earnSchema>;
export type RedeemInput = z.infer<typeof redeemSchema>;
export type RefundInput = z.infer<typeof refundSchema>;
export type HistoryQuery = z.infer<typeof historyQuerySchema>;

// Responses (documentation only: handlers build them from exact values).
const ok = <T extends z.ZodMiniType>(data: T) => z.object({ success: z.literal(true), data });
const num = schema(() => z.number());

/** The error statuses every cards route can answer, with the route's own. */
export const cardErrors = (extra: Record<number, string> = {}) => ({
  400: 'Invalid parameter (error.details lists each field)',
  401: 'Missing or invalid X-App-Id / X-Api-Key',
  403: 'The API key lacks the scope',
  404: "Card or member not found (another app's cards are not found)",
  ...extra,
});

export const earnResponseSchema = schema(() => ok(
  z.object({
    transaction_id: z.nullable(z.int()),
    purchase_amount: num,
    cashback_percentage: num,
    cashback_earned: num,
    new_balance: num,
    member_id: z.int(),
    card_id: z.int(),
    earned_at: z.string(),
    reference: z.nullable(z.string()),
    cashback_skipped_reason: z.optional(z.string()),
  }),
));

export const redeemResponseSchema = schema(() => ok(
  z.object({ transaction_id: z.int(), amount_redeemed: num, new_balance: num, member_id: z.int(), card_id: z.int(), redeemed_at: z.string(), reference: z.nullable(z.string()) }),
));

export const balanceResponseSchema = schema(() => ok(
  z.object({ card_id: z.int(), member_id: z.int(), cashback_balance: num, cashback_percentage: num, reward_system: z.literal('cashback'), currency: z.string(), queried_at: z.string() }),
));

export const historyResponseSchema = schema(() => ok(
  z.object({
    card_id: z.int(),
    member_id: z.int(),
    transactions: z.array(
      z.object({ id: z.int(), type: z.enum(['earning', 'redemption', 'refund']), amount: num, points: z.int(), event: z.string(), reference: z.nullable(z.string()), created_at: z.string() }),
    ),
    pagination: z.object({ limit: z.int(), offset: z.int(), total: z.int(), has_more: z.boolean() }),
  }),
));

export const refundResponseSchema = schema(() => ok(
  z.object({
    transaction_id: z.int(),
    cashback_deducted: num,
    refund_amount: num,
    previous_balance: num,
    new_balance: num,
    currency: z.string(),
    member_id: z.int(),
    card_id: z.int(),
    reference: z.nullable(z.string()),
    balance_warning: z.nullable(z.string()),
    refunded_at: z.string(),
  }),
));

const cardSchema = schema(() => z.object({
  id: z.int(),
  unique_identifier: z.string(),
  name: z.string(),
  description: z.string(),
  reward_system: z.literal('cashback'),
  currency: z.string(),
  cashback_config: z.object({
    cashback_percentage: num,
    cashback_min_amount: num,
    cashback_max_amount: z.nullable(num),
    allows_pin_redemption: z.boolean(),
    pin_required: z.boolean(),
  }),
}));

export const cardsResponseSchema = schema(() => ok(z.object({ cards: z.array(cardSchema), total: z.int() })));
export const cardResponseSchema = schema(() => ok(cardSchema));
export const otpRequestResponseSchema = schema(() => ok(z.object({ sent: z.literal(true), channel: z.enum(['email', 'phone']), expires_at: z.string() })));
export const otpVerifyResponseSchema = schema(() => ok(z.object({ member_token: z.string(), member_id: z.int(), expires_at: z.string() })));
export const setPinResponseSchema = schema(() => ok(z.object({ member_id: z.int(), pin_set: z.literal(true) })));
