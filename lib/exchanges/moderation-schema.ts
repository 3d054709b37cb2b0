/**
 * The moderators' views of exchange transfers (the list and a transfer's review), also the source of their OpenAPI
 * schemas. Apart from schema.ts: the fee summary comes from the withdrawals' schemas, which import schema.ts.
 */
import * as z from 'zod/mini';
import { userUrn } from '../coins/schema.js';
import { withdrawalFeeSummarySchema } from '../withdrawals/schema.js';
import { EXCHANGES, MODERATION_STATUSES } from './schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const time = (field: string, description: string) =>
  z.optional(
    z
      .string({ error: `${field} must be a time like 2022-05-01T04:23:56Z` })
      .check(z.refine((v) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(v) && !Number.isNaN(Date.parse(v)), `${field} must be a time like 2022-05-01T04:23:56Z`))
      .register(z.globalRegistry, { description }),
  );

const listOf = <T extends readonly [string, ...string[]]>(field: string, values: T, description: string) => {
  const message = `${field} must be a list of ${values.join(', ')}`;
  return z.optional(z.array(z.enum(values, { error: message }), { error: message }).check(z.maxLength(values.length * 2, message)).register(z.globalRegistry, { description }));
};

const LIMIT = 'limit must be a whole number from 1 to 100';
const OFFSET = 'offset must be a whole number from 0';

export const transferListRequestSchema = schema(() =>
  z.object({
    user_id: z.optional(userUrn('Only this user’s transfers.', 'user_id')),
    account_email: z.optional(z.string({ error: 'account_email must be a string' }).check(z.maxLength(320, 'account_email must be at most 320 characters')).register(z.globalRegistry, { description: 'Only transfers to the Coinbase account with this email (case-insensitive).' })),
    ts_from: time('ts_from', 'Only transfers asked for at or after this time.'),
    ts_to: time('ts_to', 'Only transfers asked for at or before this time.'),
    status: listOf('status', MODERATION_STATUSES, 'Only transfers in these moderation statuses (absent or empty: all).'),
    type: listOf('type', EXCHANGES, 'Only transfers to these exchanges (absent or empty: both).'),
    order_type: z.optional(z.enum(['asc', 'desc'], { error: 'order_type must be asc or desc' }).register(z.globalRegistry, { description: 'asc: oldest first; desc (default): newest first.' })),
    order_by: z.optional(z.enum(['ts'], { error: 'order_by must be ts' }).register(z.globalRegistry, { description: 'The only order is by the time of the request.' })),
    limit: z.optional(z.int({ error: LIMIT }).check(z.minimum(1, LIMIT), z.maximum(100, LIMIT)).register(z.globalRegistry, { description: 'Rows in the answer, 1 to 100; absent: 20.' })),
    offset: z.optional(z.int({ error: OFFSET }).check(z.minimum(0, OFFSET), z.maximum(1_000_000, OFFSET)).register(z.globalRegistry, { description: 'Rows skipped first; absent: 0.' })),
  }),
);
export type TransferListRequest = z.output<typeof transferListRequestSchema>;

const text = (description: string) => z.nullable(z.string()).register(z.globalRegistry, { description });
const serviceResponse = () => z.nullable(z.record(z.string(), z.unknown())).register(z.globalRegistry, { description: "What the exchange answered about the transfer (`status` completed or failure, with the exchange's errors); null until it was sent." });

export const transferListAnswerSchema = schema(() =>
  z.object({
    count: z.number().register(z.globalRegistry, { description: 'How many transfers match the filters (all pages).' }),
    data: z.array(
      z.object({
        account_address: z.optional(z.string().register(z.globalRegistry, { description: 'Poloniex: the deposit address sent to.' })),
        account_email: text('Coinbase: the email of the account sent to; Poloniex: null.'),
        account_number: z.string().register(z.globalRegistry, { description: 'The account id (the Coinbase user id, the Poloniex account id).' }),
        aud_amount: z.nullable(z.number()).register(z.globalRegistry, { description: 'coins_amount in AUD at the price of the request (null without an AUD price then).' }),
        aud_fee_amount: z.nullable(z.number()).register(z.globalRegistry, { description: 'coins_fee in AUD at the price of the request.' }),
        coins_amount: z.string().register(z.globalRegistry, { description: 'The coins asked for (smallest unit).' }),
        coins_fee: z.string().register(z.globalRegistry, { description: 'The fee in coins (smallest unit).' }),
        first_name: text("The user's given name, as their ticket carried it (given_name)."),
        id: z.string().register(z.globalRegistry, { description: 'The manual code: what approve, reject and limits take.' }),
        last_name: text("The user's family name, as their ticket carried it (family_name)."),
        request_id: z.string(),
        request_service_response: serviceResponse(),
        request_status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: "The transfer's state, as its user sees it." }),
        status: z.enum(MODERATION_STATUSES).register(z.globalRegistry, { description: 'The moderation status.' }),
        ts: z.string(),
        type: z.enum(EXCHANGES),
        user_email: text("The user's email: their ticket's email claim, or the email of an email user urn."),
        user_id: z.string(),
      }),
    ),
  }),
);

const coinsPrices = () => z.record(z.string(), z.number()).register(z.globalRegistry, { description: "The price of the token's smallest unit in each coin currency when the withdrawal was asked for (recorded ones only)." });
const profileCoins = () => z.optional(z.string().register(z.globalRegistry, { description: "The user's coins when they asked (smallest unit)." }));

export const transferLimitsAnswerSchema = schema(() =>
  z.object({
    history: z.array(
      z.looseObject({
        account: z.record(z.string(), z.unknown()),
        coins: z.string(),
        coins_prices: coinsPrices(),
        fee: z.unknown().register(z.globalRegistry, { description: 'The fee summary (bank and exchange withdrawals), the fee coins (Ethereum transfers), or null (store payments).' }),
        hash: z.nullable(z.string()),
        id: z.string(),
        profile_coins: profileCoins(),
        status: z.enum(['pending', 'success', 'failure', 'rejected']).register(z.globalRegistry, { description: 'As its user sees it (rejected: an Ethereum transfer a moderator refused).' }),
        ts: z.string(),
        type: z.enum(['cashout', 'ethereum', 'coinbase', 'poloniex', 'retail_connect']),
      }).register(z.globalRegistry, { description: "One of the user's latest withdrawals (newest first, at most 10), with its type's own fields: a bank cash-out's converted values, an exchange transfer's manual_code, owner and service_response." }),
    ),
    limits: z.object({
      boosted_value: z.number().register(z.globalRegistry, { description: "What the user's booster adds to the level's limit." }),
      currency: z.string(),
      history_value: z.number().register(z.globalRegistry, { description: 'The value of every coin withdrawn in the period, at the current price.' }),
      level: z.string(),
      max_level_value: z.number().register(z.globalRegistry, { description: "The level's base limit (level_max_value)." }),
      record_value: z.number().register(z.globalRegistry, { description: "The value of this request's coins at its price." }),
      total_max_level_value: z.number().register(z.globalRegistry, { description: "The level's limit with the largest booster (level_max_value_with_booster)." }),
      ts_from: z.string().register(z.globalRegistry, { description: 'The period (month) of the request.' }),
      ts_to: z.string(),
    }),
    request: z.object({
      account: z.record(z.string(), z.unknown()),
      action: z.enum(['user_coinbase', 'user_poloniex']),
      coins: z.string(),
      coins_prices: coinsPrices(),
      fee: withdrawalFeeSummarySchema,
      id: z.string().register(z.globalRegistry, { description: 'The manual code.' }),
      moderator_id: text('Who decided (null: pending, or auto_approved).'),
      owner: z.string(),
      profile_coins: profileCoins(),
      status: z.enum(MODERATION_STATUSES),
      status_ts: text('When it was decided.'),
      transfer_uuid: z.string(),
      ts: z.string(),
    }),
    user: z.object({
      country: z.string(),
      email: text('From the user urn or their ticket, as user_email in the list.'),
      first_name: text('From their ticket (given_name).'),
      id: z.string(),
      last_name: text('From their ticket (family_name).'),
      level: z.string(),
      phone: text('From their ticket (phone_number).'),
      photo: text('From their ticket (picture).'),
    }),
  }),
);

