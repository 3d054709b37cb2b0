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
