/** Requests and answers of exchange withdrawals (Coinbase, Poloniex) and their options, also the source of their OpenAPI schemas. */
import * as z from 'zod/mini';
import { ethAddress } from '../coins/schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const description = () =>
  z.optional(
    z
      .string({ error: 'description must be a string of at most 200 characters' })
      .check(z.maxLength(200, 'description must be a string of at most 200 characters'))
      .register(z.globalRegistry, { description: 'Your label for the address (at most 200 characters).' }),
  );

const accountId = (field: string) =>
  z
    .string({ error: `${field} must be a Poloniex account id (40 hex digits)` })
    .check(z.regex(/^[0-9a-f]{40}$/, `${field} must be a Poloniex account id (40 hex digits)`))
    .register(z.globalRegistry, { description: 'A Poloniex account id, as the account list answers it.' });

export const poloniexAccountAddSchema = schema(() =>
  z.object({
    address: ethAddress({ description: 'The Ethereum deposit address of your Poloniex account (0x + 40 hex digits; mixed case must be EIP-55 checksummed). Added again: its description is updated.' }),
    description: description(),
  }),
);

export const poloniexAccountUpdateSchema = schema(() => z.object({ id: accountId('id'), description: description() }));

const IDS = 'ids must be a list of 1 to 100 Poloniex account ids';
export const poloniexAccountRemoveSchema = schema(() =>
  z.object({ ids: z.array(accountId('ids[]'), { error: IDS }).check(z.minLength(1, IDS), z.maxLength(100, IDS)).register(z.globalRegistry, { description: 'The ids to remove (all or none: an id you do not have is a 404).' }) }),
);

export const poloniexAccountsAnswerSchema = schema(() =>
  z.object({
    accounts: z.array(
      z.object({
        address: z.string().register(z.globalRegistry, { description: 'EIP-55 checksummed.' }),
        description: z.string(),
        id: z.string(),
        is_new: z.boolean().register(z.globalRegistry, { description: 'true while no transfer has been made to the address.' }),
        status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: "The latest transfer's state: pending until one succeeds or fails." }),
        ts: z.string().register(z.globalRegistry, { description: 'When the address was added.' }),
      }),
    ),
  }),
);

export type PoloniexAccountAddInput = z.output<typeof poloniexAccountAddSchema>;
export type PoloniexAccountsAnswer = z.output<typeof poloniexAccountsAnswerSchema>;

export const EXCHANGES = ['coinbase', 'poloniex'] as const;
export type Exchange = (typeof EXCHANGES)[number];
/** pending: waits for a moderator; auto_approved: sent at once (manual approval inactive); manual_*: a moderator's decision. */
export const MODERATION_STATUSES = ['pending', 'auto_approved', 'manual_approved', 'manual_rejected'] as const;

export const exchangeOptionsSchema = schema(() =>
  z.object({
    manual_approve: z
      .enum(['active', 'inactive'], { error: 'manual_approve must be active or inactive' })
      .register(z.globalRegistry, { description: 'active: each transfer waits as pending for a moderator; inactive: transfers are auto_approved and sent at once.' }),
  }),
);
export type ExchangeOptions = z.output<typeof exchangeOptionsSchema>;

export const exchangePathSchema = schema(() =>
  z.object({ exchange: z.enum(EXCHANGES, { error: `the exchange must be one of ${EXCHANGES.join(', ')}` }).register(z.globalRegistry, { description: 'coinbase or poloniex.' }) }),
);

const nullableText = () => z.nullable(z.string());

/** A connected Coinbase account: the user's Coinbase profile as `GET /v2/user` gives it. */
export const coinbaseProfileSchema = schema(() =>
  z.object({
    avatar_url: nullableText(),
    email: nullableText(),
    id: z.string().register(z.globalRegistry, { description: 'The Coinbase user id.' }),
    name: nullableText(),
    profile_bio: nullableText(),
    profile_location: nullableText(),
    profile_url: nullableText(),
    resource: z.literal('user'),
    resource_path: z.string(),
    username: nullableText(),
  }),
);
export type CoinbaseProfile = z.output<typeof coinbaseProfileSchema>;

export const coinbaseAccountsAnswerSchema = schema(() =>
  z.object({
    accounts: z.array(
      z.object({
        ...coinbaseProfileSchema.shape,
        ts: z.string().register(z.globalRegistry, { description: 'When the account was connected.' }),
        type: z.optional(z.literal('coinbase_account')),
        inactive: z.optional(z.literal(true).register(z.globalRegistry, { description: 'In the removal answer: the account is disconnected.' })),
      }),
    ),
  }),
);
export type CoinbaseAccountsAnswer = z.output<typeof coinbaseAccountsAnswerSchema>;

const ACCOUNTS = 'accounts must be a list of 1 to 20 Coinbase account ids';
export const coinbaseAccountRemoveSchema = schema(() =>
  z.object({
    accounts: z
      .array(z.string().check(z.minLength(1, ACCOUNTS), z.maxLength(100, ACCOUNTS)), { error: ACCOUNTS })
      .check(z.minLength(1, ACCOUNTS), z.maxLength(20, ACCOUNTS))
      .register(z.globalRegistry, { description: 'The Coinbase account ids to disconnect (all of them yours, or none is).' }),
  }),
);

export const coinbaseConnectStartedSchema = schema(() =>
  z.object({
    authorize_url: z.string().register(z.globalRegistry, { description: "Coinbase's consent page: open it in a browser; Coinbase sends the user back to /payments-service/coinbase/callback." }),
    expires_at: z.string().register(z.globalRegistry, { description: 'The link works once, until then.' }),
  }),
);

export const coinbaseConnectQuerySchema = schema(() =>
  z.object({
    redirect: z.optional(z.enum(['true', 'false'], { error: 'redirect must be true or false' }).register(z.globalRegistry, { description: 'true: answer a 302 to the consent page (default false: the URL in the body).' })),
  }),
);

export const coinbaseCallbackQuerySchema = schema(() =>
  z.object({
    code: z.optional(z.string().check(z.maxLength(2000))),
    state: z.optional(z.string().check(z.maxLength(200))),
    error: z.optional(z.string().check(z.maxLength(200)).register(z.globalRegistry, { description: 'Set by Coinbase when the user denied the consent.' })),
  }),
);

