/**
 * Requests and responses of coin top-ups, also the source of their OpenAPI schemas. Fiat amounts are integer
 * cents of the participant's currency (510 = 5.10); coins are decimal strings of the token's smallest unit
 * (18 decimals). History v2 writes a chain's outer `amount` in major units as a JSON number (5.1), formatted
 * from the exact cents.
 */
import * as z from 'zod/mini';
import { coinsOut, coinsText } from '../ledger/coins-schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

/** The largest charge in cents: what a card payment provider takes in one charge (999,999.99). */
export const MAX_TOPUP_CENTS = 99_999_999;

export const TOPUP_FREQUENCIES = ['daily', 'weekly', 'monthly'] as const;
export type TopUpFrequency = (typeof TOPUP_FREQUENCIES)[number];
export const TOPUP_STATUSES = ['active', 'inactive'] as const;
export type TopUpSettingsStatus = (typeof TOPUP_STATUSES)[number];

const cents = (field: string, description: string) => {
  const message = `${field} must be a non-negative integer number of cents, at most ${MAX_TOPUP_CENTS}`;
  return z
    .custom<number>((v) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 && v <= MAX_TOPUP_CENTS, { error: message })
    .register(z.globalRegistry, { type: 'integer', minimum: 0, maximum: MAX_TOPUP_CENTS, description });
};

// --- Requests ----------------------------------------------------------------------------------------

export const topUpSettingsInputSchema = schema(() =>
  z.object({
    amount: z.optional(cents('amount', 'Top-up amount in cents of the participant currency (510 = 5.10), at least min_amount unless minimal_amount is true.')),
    minimal_amount: z.optional(
      z.boolean({ error: 'minimal_amount must be true or false' }).register(z.globalRegistry, { description: 'When true, every top-up is for min_amount at the time (amount is ignored). Default false.' }),
    ),
    coins_threshold: coinsText('coins_threshold', "Required. A top-up is requested when the participant's deposit coins are at or below this (a decimal string of the token's smallest unit)."),
    frequency: z._default(
      z.enum(TOPUP_FREQUENCIES, { error: 'frequency must be daily, weekly or monthly' }).register(z.globalRegistry, {
        description: 'At most one automatic top-up per 1 (daily, the default), 7 (weekly) or 30 (monthly) days.',
      }),
      'daily',
    ),
    status: z._default(z.enum(TOPUP_STATUSES, { error: 'status must be active or inactive' }).register(z.globalRegistry, { description: 'Default active.' }), 'active'),
  }),
);
export type TopUpSettingsInput = z.output<typeof topUpSettingsInputSchema>;

export const manualTopUpSchema = schema(() =>
  z.object({
    amount: cents('amount', 'Required. Top-up amount in cents of the participant currency (510 = 5.10), at least min_amount.'),
  }),
);
export type ManualTopUpInput = z.output<typeof manualTopUpSchema>;

const DIGITS = /^\d{1,4}$/;
export const MAX_HISTORY_LIMIT = 100;

export const topUpHistoryQuerySchema = schema(() =>
  z.object({
    format: z.literal('v2', { error: 'format must be v2 (the only top-up history format served)' }).register(z.globalRegistry, { description: 'Required: v2.' }),
    limit: z.optional(
      z
        .string({ error: `limit must be 1 to ${MAX_HISTORY_LIMIT}` })
        .check(z.refine((v) => DIGITS.test(v) && Number(v) >= 1 && Number(v) <= MAX_HISTORY_LIMIT, { error: `limit must be 1 to ${MAX_HISTORY_LIMIT}` }))
        .register(z.globalRegistry, { description: `Chains per page, 1 to ${MAX_HISTORY_LIMIT} (default ${MAX_HISTORY_LIMIT}).` }),
    ),
    offset: z.optional(
      z
        .string({ error: 'offset must be 0 to 9999' })
        .check(z.refine((v) => DIGITS.test(v), { error: 'offset must be 0 to 9999' }))
        .register(z.globalRegistry, { description: 'Chains to skip, newest first (default 0).' }),
    ),
  }),
);
export type TopUpHistoryQuery = z.output<typeof topUpHistoryQuerySchema>;

// --- Responses (documentation only: handlers build them) ---------------------------------------------

const wei = schema(() => coinsOut());
const seconds = schema(() => z.string().register(z.globalRegistry, { description: 'ISO 8601 UTC time, whole seconds.' }));
const centsOut = schema(() => z.int().register(z.globalRegistry, { description: 'Cents of the currency (510 = 5.10).' }));
const currency = schema(() => z.string().register(z.globalRegistry, { description: 'The participant currency, lower case (aud, sgd, usd).' }));

export const minAmountSchema = schema(() =>
  z.object({
    amount: centsOut,
    coins: wei,
    currency,
  }),
);
export type MinAmount = z.output<typeof minAmountSchema>;

export const topUpSettingsSchema = schema(() =>
  z.object({
    amount: centsOut,
    coins_threshold: wei,
    currency,
    frequency: z.enum(TOPUP_FREQUENCIES),
    minimal_amount: z.boolean(),
    status: z.enum(TOPUP_STATUSES),
  }),
);
export type TopUpSettingsView = z.output<typeof topUpSettingsSchema>;

const chainId = schema(() => z.string().register(z.globalRegistry, { description: 'The chain: urn:authenticateit:transaction_request:<uuid>' }));

/** One step of a chain: the charge, the on-chain top-up, the refund. */
export const topUpStepSchema = schema(() =>
  z.object({
    amount: centsOut,
    charge_id: z.nullable(z.string()).register(z.globalRegistry, { description: "The card payment provider's charge id; null before a charge." }),
    coins: z.optional(wei).register(z.globalRegistry, { description: 'The coins sent: on a successful topup step only.' }),
    currency,
    hash: z.nullable(z.string()).register(z.globalRegistry, { description: 'The chain transaction hash on the topup step; null otherwise.' }),
    id: chainId,
    reason: z.optional(z.string()).register(z.globalRegistry, { description: 'Why the step failed, with when: on failures only.' }),
    status: z.enum(['success', 'failure', 'pending']),
    sub_type: z.enum(['charge', 'topup', 'refund']),
    ts: seconds,
    type: z.literal('topup'),
  }),
);

export const topUpChainSchema = schema(() =>
  z.object({
    amount: z.number().register(z.globalRegistry, { description: 'The amount in major units of the currency (510 cents: 5.1), exact.' }),
    history: z.array(topUpStepSchema).register(z.globalRegistry, { description: 'The chain steps, newest first.' }),
    id: chainId,
    status: z.enum(['success', 'failure', 'pending']),
    ts: seconds,
  }),
);
export type TopUpStep = z.output<typeof topUpStepSchema>;
export type TopUpChainView = z.output<typeof topUpChainSchema>;

export const topUpHistorySchema = schema(() => z.array(topUpChainSchema).register(z.globalRegistry, { description: 'Top-up chains, newest first.' }));

// --- Examples (from the payments service's documentation) --------------------------------------------

export const minAmountExample = { amount: 510, coins: '100000000000000000000', currency: 'aud' };
export const settingsRequestExample = { minimal_amount: true, coins_threshold: '10000000000000000000000', frequency: 'daily', status: 'active' };
export const settingsExample = { amount: 0, coins_threshold: '10000000000000000000000', currency: 'aud', frequency: 'daily', minimal_amount: true, status: 'active' };
export const storedSettingsExample = { amount: 109, coins_threshold: '10000000000000000000000', currency: 'aud', frequency: 'daily', minimal_amount: false, status: 'active' };

const SUCCESS_ID = 'urn:authenticateit:transaction_request:eaf3a0f7-a970-49b0-88c4-1a1b0198b93c';
export const successfulChainExample = {
  amount: 5.1,
  history: [
    { amount: 510, charge_id: 'ch_1E57IDEFVOePY2EFzWCnzEgW', coins: '10631000000000000000000', currency: 'aud', hash: '0x082c32930eb493f481fe686d8b03f683082c32930eb493f481fe686d8b03f683', id: SUCCESS_ID, status: 'success', sub_type: 'topup', ts: '2019-02-18T08:16:00Z', type: 'topup' },
    { amount: 510, charge_id: 'ch_1E57IDEFVOePY2EFzWCnzEgW', currency: 'aud', hash: null, id: SUCCESS_ID, status: 'success', sub_type: 'charge', ts: '2019-02-18T08:16:00Z', type: 'topup' },
  ],
  id: SUCCESS_ID,
  status: 'success',
  ts: '2019-02-18T08:16:00Z',
};

const DECLINED_ID = 'urn:authenticateit:transaction_request:26819ece-5d6f-4f4e-9a64-9f3176956830';
export const historyExample = [
  {
    amount: 5.1,
    history: [
      { amount: 510, charge_id: null, currency: 'aud', hash: null, id: DECLINED_ID, reason: 'The card was declined. 2019-02-18T08:18:00Z', status: 'failure', sub_type: 'charge', ts: '2019-02-18T08:18:00Z', type: 'topup' },
    ],
    id: DECLINED_ID,
    status: 'failure',
    ts: '2019-02-18T08:18:00Z',
  },
  successfulChainExample,
];
