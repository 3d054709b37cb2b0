/**
 * The withdrawal fee options document an operator stores (type -> country -> fees), and the fee summary as
 * the withdrawal routes answer it (for their contracts and the OpenAPI document).
 */
import * as z from 'zod/mini';
import { amountTextOf, isAmountInput, type AmountInput } from '../ledger/money.js';
import { COINS_DIGITS, coinsOfText, notCoins } from '../ledger/coins-schema.js';
import { cashoutAccountSchema } from '../cashout-accounts/schema.js';
import { transferViewSchema, userUrn } from '../coins/schema.js';
import { COIN_CURRENCIES } from '../rates/currencies.js';
import { feeEntryProblem, WITHDRAWAL_TYPES, type FeeOptionsDocument, type FeeOptionsEntry } from './fees.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const number = (description: string) =>
  z.custom<AmountInput>(isAmountInput, { error: 'must be a number' }).register(z.globalRegistry, { type: 'number', minimum: 0, description });

const entrySchema = z.strictObject({
  gas_fee_precent: number('Percent of gas_coins (the network cost of one transfer) charged as the gas fee: 0 to 100, at most 2 decimals.'),
  transaction_fee: number("A fixed fee per withdrawal in the country's currency, at most 2 decimals."),
  min_transfer_coins_value: z.optional(
    z.string().register(z.globalRegistry, { description: "The least a transfer may deliver, in the token's smallest unit (decimal string)." }),
  ),
});

/** The fee options document as an operator writes it; the output has every number as its exact decimal text. */
export const feeOptionsDocumentSchema = schema(() =>
  z.pipe(
    z.strictObject(
      Object.fromEntries(WITHDRAWAL_TYPES.map((type) => [type, z.optional(z.record(z.string(), entrySchema))])) as Record<
        (typeof WITHDRAWAL_TYPES)[number],
        z.ZodMiniOptional<z.ZodMiniRecord<z.ZodMiniString<string>, typeof entrySchema>>
      >,
      { error: `fee options must be an object of withdrawal types (${WITHDRAWAL_TYPES.join(', ')}), each an object of countries` },
    ),
    z.transform((doc, ctx): FeeOptionsDocument => {
      const out: FeeOptionsDocument = {};
      for (const type of WITHDRAWAL_TYPES) {
        const countries = doc[type];
        if (!countries) continue;
        const entries: Record<string, FeeOptionsEntry> = {};
        for (const [country, entry] of Object.entries(countries)) {
          const normalized: FeeOptionsEntry = {
            gas_fee_precent: amountTextOf(entry.gas_fee_precent) ?? '',
            transaction_fee: amountTextOf(entry.transaction_fee) ?? '',
            ...(entry.min_transfer_coins_value !== undefined ? { min_transfer_coins_value: entry.min_transfer_coins_value } : {}),
          };
          const problem = feeEntryProblem(country, normalized);
          if (problem) ctx.issues.push({ code: 'custom', message: `${type}.${country}: ${problem}`, input: entry, path: [type, country] });
          entries[country] = normalized;
        }
        out[type] = entries;
      }
      return out;
    }),
  ),
);

const coins = (description: string) =>
  z.union([z.string().check(z.regex(/^[0-9]+$/)), z.number()]).register(z.globalRegistry, {
    description: `${description} A decimal string of the token's smallest unit; 0 and negative amounts are bare JSON integers.`,
  });
const value = (description: string) => z.number().register(z.globalRegistry, { description: `${description} In the currency, to the cent.` });

const summaryFields = {
  coins: coins('The coins asked for.'),
  coins_with_fee: coins('coins + fee_coins.'),
  coins_without_fee: coins('coins - fee_coins (0 instead of negative unless negative_values).'),
  fee_coins: coins('gas_fee_coins + transaction_fee_coins.'),
  fee_value: value('gas_fee_value + transaction_fee_value.'),
  gas_coins: coins('The network cost of one transfer, in coins.'),
  gas_fee_coins: coins('gas_fee_precent of gas_coins.'),
  gas_fee_precent: z.number().register(z.globalRegistry, { description: 'Percent of gas_coins charged as the gas fee.' }),
  gas_fee_value: value('The value of gas_fee_coins.'),
  transaction_fee: z.number().register(z.globalRegistry, { description: 'The fixed fee per withdrawal, in the currency.' }),
  transaction_fee_coins: coins('transaction_fee in coins.'),
  transaction_fee_value: value('transaction_fee.'),
  value: value('value_without_fee, for older clients.'),
  value_with_fee: value('The value of coins.'),
  value_without_fee: value('value_with_fee - fee_value (0 instead of negative unless negative_values).'),
};

/** A conversion answer's fee fields (convert_coins). */
export const withdrawalQuoteViewSchema = schema(() =>
  z.object({
    ...summaryFields,
    currency: z.string().register(z.globalRegistry, { description: 'The currency of the values (upper case).' }),
    min_transfer_coins_value: z.optional(coins('The least a transfer may deliver.')),
  }),
);

/** The `fee` / `fee_summary` object of a transfer and of the withdrawal history. */
export const withdrawalFeeSummarySchema = schema(() =>
  z.object({
    ...summaryFields,
    pay_fee_with_coins: z.boolean().register(z.globalRegistry, { description: 'true: the fee was paid on top of coins; false: taken out of them.' }),
  }),
);

// --- Profiles, limits, earnings statement, convert_coins -----------------------------------------------

const decimalInput = (field: string, description: string) =>
  z
    .custom<AmountInput>((v) => isAmountInput(v) && /^\d{1,6}(\.\d{1,2})?$/.test(amountTextOf(v) ?? ''), { error: `${field} must be a non-negative number with at most 2 decimals (at most 999999.99)` })
    .register(z.globalRegistry, { type: 'number', minimum: 0, description });

/** What the system sets of a user's profile (beyond the contract); fields left out keep their value. */
export const profileSetSchema = schema(() =>
  z.strictObject({
    user: userUrn(),
    country: z.optional(z.string().check(z.regex(/^\d{3}$/, 'country must be a numeric country code like 036')).register(z.globalRegistry, { description: 'ISO 3166-1 numeric country (036, 702, 840): the currency of limits and quotes.' })),
    level: z.optional(z.string().check(z.regex(/^[a-z_]{1,32}$/, 'level must be a level name like basic')).register(z.globalRegistry, { description: 'One of the levels of the limits table (basic, bronze, silver, gold, platinum, ambassador by default).' })),
    karma: z.optional(decimalInput('karma', 'Karma: withdrawals lock below karma_value_lock_before and unlock at karma_value_unlock.')),
    booster: z.optional(decimalInput('booster', "Booster multiplier: the level's limit grows by booster x level_max_value, at most level_max_booster.")),
  }),
);
export type ProfileSetInput = z.output<typeof profileSetSchema>;

export const profileQuerySchema = schema(() => z.object({ user: userUrn() }));

export const profileViewSchema = schema(() =>
  z.object({
    user: z.string(),
    country: z.string(),
    level: z.string(),
    karma: z.number(),
    booster: z.number(),
    karma_value_withdrawal_enabled: z.boolean().register(z.globalRegistry, { description: 'false while karma keeps withdrawals locked.' }),
    updated_at: z.nullable(z.string()).register(z.globalRegistry, { description: 'When the system last set the profile; null: the defaults apply.' }),
  }),
);

const coinsOrZero = (description: string) =>
  z.union([z.string().check(z.regex(/^[0-9]+$/)), z.number()]).register(z.globalRegistry, { description: `${description} A decimal string of the token's smallest unit; 0 and negative amounts are bare JSON integers.` });

export const limitsResponseSchema = schema(() =>
  z.object({
    currency: z.string(),
    currency_low: z.string(),
    currency_symbol: z.string(),
    current_limit: z.object({
      coins_limit_based_on_earnings: coinsOrZero('What earlier months left unwithdrawn plus what this month earned.'),
      coins_transfered: coinsOrZero('Coins withdrawn this period.'),
      coins_transfered_wo_boosters: coinsOrZero("The part of coins_transfered within the level's base value (level_max_value); the rest used the booster."),
      current_booster: z.number(),
      current_coins_price: z.number().register(z.globalRegistry, { description: 'The price of the smallest unit of the token in the currency.' }),
      current_level: z.string(),
      current_level_max_value: z.number().register(z.globalRegistry, { description: "The level's limit with the booster, in the currency." }),
      current_level_max_value_earnings: z.number().register(z.globalRegistry, { description: 'current_level_max_value as far as the earnings reach it.' }),
      current_rest: z.number().register(z.globalRegistry, { description: 'The value of current_rest_coins, to the cent.' }),
      current_rest_coins: coinsOrZero('What may still be withdrawn this period: the tighter bound.'),
      current_rest_type: z.enum(['rest_based_earnings', 'rest_based_limits']),
      current_value: z.number().register(z.globalRegistry, { description: 'The value of coins_transfered at the current price, to the cent.' }),
      ts_from: z.string(),
      ts_to: z.string(),
    }),
    levels_limits: z.array(z.object({ level: z.string(), level_max_booster: z.number(), level_max_value: z.number(), level_max_value_with_booster: z.number() })),
    start_ts: z.string(),
  }),
);

export const earningsStatementSchema = schema(() =>
  z.object({
    result: z.array(
      z.object({
        balance: coinsOrZero('Everything earned minus everything withdrawn, up to the end of the month.'),
        balance_ts: z.string().register(z.globalRegistry, { description: 'The month\'s last earning or withdrawal; 0000-01-01T00:00:00Z when none.' }),
        balance_type: z.enum(['earnings', 'transfers']).register(z.globalRegistry, { description: 'Which moved the balance last in the month.' }),
        earn_coins: coinsOrZero('Coins earned in the month (rewards, deposits).'),
        month: z.number(),
        period: z.string(),
        transfer_coins: coinsOrZero('Coins withdrawn in the month.'),
        year: z.number(),
      }),
    ),
  }),
);

export const CONVERT_ACCOUNT_TYPES = ['ethereum_account', 'cashout_account', 'coinbase_account', 'poloniex_account'] as const;

const flag = (field: string, description: string) =>
  z
    .custom<boolean | string>((v) => v === true || v === false || v === 'true' || v === 'false', { error: `${field} must be true or false` })
    .register(z.globalRegistry, { anyOf: [{ type: 'boolean' }, { type: 'string', enum: ['true', 'false'] }], description });

/** Coins asked for: a decimal string (or a JSON integer) of the token's smallest unit, as a bigint. */
const coinsInput = (description: string) =>
  z
    .pipe(
      z.custom<AmountInput>(isAmountInput, { error: notCoins('coins') }),
      z.transform((value, ctx): bigint => {
        const text = amountTextOf(value);
        const coins = text === undefined ? { refused: notCoins('coins') } : coinsOfText(text, 'coins');
        if (typeof coins === 'bigint') return coins;
        ctx.issues.push({ code: 'custom', message: coins.refused, input: value });
        return z.NEVER;
      }),
    )
    .register(z.globalRegistry, { anyOf: [{ type: 'string', pattern: COINS_DIGITS.source }, { type: 'integer', minimum: 0 }], description }) as unknown as z.ZodMiniType<bigint, AmountInput>;

export const convertCoinsRequestSchema = schema(() =>
  z.object({
    coins: z.optional(coinsInput("Coins to convert (the token's smallest unit). coins or value is required.")),
    value: z.optional(
      z
        .custom<AmountInput>((v) => isAmountInput(v) && /^\d{1,12}(\.\d{1,2})?$/.test(amountTextOf(v) ?? ''), { error: 'value must be a non-negative amount with at most 2 decimals' })
        .register(z.globalRegistry, { type: 'number', minimum: 0, description: 'A fiat value in your country\'s currency: converted to the fewest coins worth it. coins or value is required.' }),
    ),
    type: z.optional(z.enum(CONVERT_ACCOUNT_TYPES, { error: `type must be one of ${CONVERT_ACCOUNT_TYPES.join(', ')}` }).register(z.globalRegistry, { description: 'Target account type (its fees); absent: ethereum_account.' })),
    id: z.optional(z.string().check(z.maxLength(200, 'id must be at most 200 characters')).register(z.globalRegistry, { description: 'Target account id (not needed for a quote).' })),
    negative_values: z.optional(flag('negative_values', 'true: amounts after the fee may be negative; false (default): they show 0.')),
    rule_karma_value_include: z.optional(flag('rule_karma_value_include', 'true: the answer includes the karma_* fields.')),
  }),
);
export type ConvertCoinsRequest = z.output<typeof convertCoinsRequestSchema>;

export const convertCoinsAnswerSchema = schema(() =>
  z.object({
    ...withdrawalQuoteViewSchema.shape,
    karma_value: z.optional(z.number()),
    karma_value_lock_before: z.optional(z.number()),
    karma_value_unlock: z.optional(z.number()),
    karma_value_withdrawal_enabled: z.optional(z.boolean().register(z.globalRegistry, { description: 'false while karma keeps withdrawals locked (locks below karma_value_lock_before, unlocks at karma_value_unlock).' })),
  }),
);

// --- Bank cash-out: convert_coins and transfer ---------------------------------------------------------------

export const cashoutConvertQuerySchema = schema(() =>
  z.object({
    coins: coinsInput("Coins to convert (the token's smallest unit)."),
    country: z.optional(z.string().check(z.regex(/^\d{3}$/, 'country must be a numeric country code like 036')).register(z.globalRegistry, { description: "A country bank cash-outs are paid in (GET /cashout/countries); absent: your profile's." })),
    negative_values: z.optional(z.enum(['true', 'false'], { error: 'negative_values must be true or false' }).register(z.globalRegistry, { description: 'true: amounts after the fee may be negative; false (default): they show 0.' })),
  }),
);
export type CashoutConvertQuery = z.output<typeof cashoutConvertQuerySchema>;

/** An exchange quote's query (GET /payments-service/coinbase/convert_coins): the profile's country and currency. */
export const exchangeConvertQuerySchema = schema(() => {
  const { coins, negative_values } = cashoutConvertQuerySchema.shape;
  return z.object({ coins, negative_values });
});

export const cashoutTransferSchema = schema(() =>
  z.object({
    // The contract's clients send the whole account: its other fields are allowed, and not read.
    account: z.looseObject({
      id: z.string().check(z.minLength(1, 'account.id is required'), z.maxLength(200, 'account.id must be at most 200 characters')).register(z.globalRegistry, { description: 'The id of one of your stored cash-out accounts; its stored details are paid (the other fields are not read).' }),
    }),
    coins: coinsInput("Coins (the token's smallest unit): delivered with the fee on top (pay_fee_with_coins true), or with the fee taken out of them."),
    version: z.optional(z.unknown().register(z.globalRegistry, { type: 'string', enum: ['v2'], description: 'Only v2 is served; without it, or another value: payments-bad_version.' })),
    pay_fee_with_coins: z.optional(flag('pay_fee_with_coins', 'true: the fee is paid with coins on top of coins; false (default): it is taken out of them.')),
  }),
);
export type CashoutTransferInput = z.output<typeof cashoutTransferSchema>;

export const cashoutTransferAnswerSchema = schema(() =>
  z.object({
    account: cashoutAccountSchema,
    coins: z.string().register(z.globalRegistry, { description: 'The coins that left your balance (coins + fee_coins when paying the fee with coins, else coins).' }),
    converted_usd_value: z.nullable(z.number()).register(z.globalRegistry, { description: 'converted_value in US dollars at the time; null without a usd price.' }),
    converted_value: z.number().register(z.globalRegistry, { description: 'What the bank account is paid, in currency.' }),
    currency: z.string().register(z.globalRegistry, { description: "The account country's currency (lower case)." }),
    fee: withdrawalFeeSummarySchema,
    hash: z.null(),
    id: z.string(),
    status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: 'pending until the bank payout is paid (success) or refused (failure: the coins are back in your balance).' }),
    stored_account: z.string().register(z.globalRegistry, { description: 'The id of the account paid.' }),
    ts: z.string(),
  }),
);

// --- Exchange transfers (Coinbase, Poloniex) ---------------------------------------------------------------

export const exchangeTransferSchema = schema(() =>
  z.object({
    coins: coinsInput("Coins (the token's smallest unit): delivered with the fee on top (pay_fee_with_coins true), or with the fee taken out of them."),
    id: z.string().check(z.minLength(1, 'id is required'), z.maxLength(200, 'id must be at most 200 characters')).register(z.globalRegistry, { description: 'Your connected Coinbase account id, or your Poloniex account id.' }),
    pay_fee_with_coins: z.optional(flag('pay_fee_with_coins', 'true: the fee is paid with coins on top of coins; false (default): it is taken out of them.')),
  }),
);
export type ExchangeTransferRequest = z.output<typeof exchangeTransferSchema>;

export const exchangeTransferAnswerSchema = schema(() =>
  z.object({
    account: z.record(z.string(), z.unknown()).register(z.globalRegistry, { description: 'The account as it was when the transfer was asked for (the Coinbase profile, or the Poloniex address).' }),
    coins: z.string().register(z.globalRegistry, { description: 'The coins that left your balance.' }),
    fee: withdrawalFeeSummarySchema,
    hash: z.nullable(z.string()).register(z.globalRegistry, { description: "The exchange's id of the send or withdrawal, once made." }),
    id: z.string(),
    status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: 'pending until the exchange completes it (success) or it fails or is rejected (failure: the coins are back in your balance).' }),
    ts: z.string(),
  }),
);

export const exchangeTransferDecisionSchema = schema(() =>
  z.object({
    id: z.string().check(z.regex(/^urn:authenticateit:transaction_request:[0-9a-f-]{36}(:manual)?$/, 'id must be a transfer id (urn:authenticateit:transaction_request:<uuid>[:manual])')).register(z.globalRegistry, { description: "The transfer's manual code (or its id)." }),
  }),
);

// --- Withdrawal history ---------------------------------------------------------------------------------------

export const withdrawalHistoryRequestSchema = schema(() =>
  z.object({
    chunk_id: z.optional(
      z.nullable(z.string().check(z.maxLength(500, 'chunk_id must be at most 500 characters'))).register(z.globalRegistry, { description: 'The `next` of the previous answer; absent or null: the newest chunk.' }),
    ),
    limit: z.optional(
      z.int({ error: 'limit must be a whole number from 1 to 100' }).check(z.minimum(1, 'limit must be a whole number from 1 to 100'), z.maximum(100, 'limit must be a whole number from 1 to 100')).register(z.globalRegistry, { description: 'Entries per chunk, 1 to 100; absent: 20.' }),
    ),
  }),
);
export type WithdrawalHistoryRequest = z.output<typeof withdrawalHistoryRequestSchema>;

const convertedValues = Object.fromEntries(
  COIN_CURRENCIES.map((c) => [`converted_${c}_value`, z.optional(z.number().register(z.globalRegistry, { description: `(currency ${c}) The coins that left your balance at the transfer's price, floored to the cent.` }))]),
) as Record<`converted_${(typeof COIN_CURRENCIES)[number]}_value`, z.ZodMiniOptional<z.ZodMiniNumber>>;

export const cashoutHistoryEntrySchema = schema(() => {
  const { fee, stored_account: _stored, converted_usd_value: _usd, ...fields } = cashoutTransferAnswerSchema.shape;
  return z.object({ ...fields, ...convertedValues, fee_summary: fee, type: z.literal('cashout') });
});

export const exchangeHistoryEntrySchema = schema(() => {
  const { fee, ...fields } = exchangeTransferAnswerSchema.shape;
  return z.object({ ...fields, ...convertedValues, fee_summary: fee, type: z.enum(['coinbase', 'poloniex']) });
});

/** A retail session the user paid in (coins at a store terminal) and the rebate it brought. */
export const retailHistoryEntrySchema = schema(() =>
  z.object({
    account: z.object({ card_id: z.string(), participant_id: z.string() }).register(z.globalRegistry, { description: 'The store card and the participant whose store took the payment.' }),
    coins: z.string().register(z.globalRegistry, { description: 'The coins paid (smallest unit; "0" when the purchase was paid in money only).' }),
    coins_rebate: z.nullable(z.string()).register(z.globalRegistry, { description: 'The rebate credited once the terminal confirmed the purchase; null before.' }),
    hash: z.null(),
    id: z.string().register(z.globalRegistry, { description: 'The payment (urn:authenticateit:transaction_request:<uuid>).' }),
    session_id: z.string(),
    status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: 'pending until the terminal confirms (success); failure: the session was terminated or expired and the coins came back.' }),
    ts: z.string(),
    type: z.literal('retail_connect'),
  }),
);

export const withdrawalHistorySchema = schema(() =>
  z.object({
    history: z.array(
      z.union([cashoutHistoryEntrySchema, exchangeHistoryEntrySchema, retailHistoryEntrySchema, transferViewSchema]).register(z.globalRegistry, { description: 'A bank cash-out (type cashout), a Coinbase or Poloniex transfer (type coinbase, poloniex), a payment at a store (type retail_connect), or an Ethereum transfer (no type, as in the transfer history).' }),
    ),
    next: z.nullable(z.string()).register(z.globalRegistry, { description: 'The chunk_id of the next (older) chunk; null on the last.' }),
  }),
);
