/**
 * Requests and responses of users' bank cash-out accounts and of the withdrawal accounts list, also the
 * source of their OpenAPI schemas. The bank details are checked against their country's rules here
 * (./rules.ts); whether the country is open is configuration, checked when the account is written.
 */
import * as z from 'zod/mini';
import { bankDetailsProblems } from './rules.js';
import { coinbaseProfileSchema } from '../exchanges/schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

/** A user may keep at most this many cash-out accounts. */
export const MAX_CASHOUT_ACCOUNTS = 10;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const text = (max: number, description: string) => {
  const message = `must be a string of 1 to ${max} characters`;
  return z.string({ error: (i) => (i.input === undefined ? `is required (${message.replace('must be ', '')})` : message) }).check(z.minLength(1, message), z.maxLength(max, message)).register(z.globalRegistry, { description: `${description} (1 to ${max} characters).` });
};

const digits = (max: number, description: string) => {
  const message = `must be a string of at most ${max} digits`;
  return z.string({ error: (i) => (i.input === undefined ? `is required (${message.replace('must be ', '')})` : message) }).check(z.regex(new RegExp(`^\\d{1,${max}}$`), message)).register(z.globalRegistry, { description });
};

const accountId = (description: string) =>
  z.string({ error: 'must be an account id (a uuid)' }).check(z.regex(UUID, 'must be an account id (a uuid)')).register(z.globalRegistry, { description });

// --- Requests ----------------------------------------------------------------------------------------

const bankDetailsSchema = schema(() =>
  z
    .object(
      {
        country: z
          .string({ error: 'must be a country code (ISO 3166-1 numeric, 3 digits)' })
          .check(z.regex(/^\d{3}$/, 'must be a country code (ISO 3166-1 numeric, 3 digits)'))
          .register(z.globalRegistry, { description: 'ISO 3166-1 numeric country code; one of GET /cashout/countries.' }),
        city: z.optional(text(100, 'City')),
        bank: text(100, 'Bank name'),
        name: text(100, "The account holder's name"),
        bsb: digits(32, 'Bank branch code (BSB in Australia: exactly 6 digits).'),
        account: digits(34, 'Account number (Australia: 5 to 9 digits). Stored encrypted.'),
        postcode: z.optional(digits(16, 'Postcode (Australia: 4 digits).')),
        description: z.optional(
          z
            .string({ error: 'must be a string of at most 200 characters' })
            .check(z.maxLength(200, 'must be a string of at most 200 characters'))
            .register(z.globalRegistry, { description: 'Your label for the account (at most 200 characters).' }),
        ),
      },
      { error: "account must be an object with the account's bank details" },
    )
    .check(
      z.superRefine((a, ctx) => {
        for (const p of bankDetailsProblems(a)) ctx.addIssue({ code: 'custom', message: p.message, path: [p.field], input: a[p.field] });
      }),
    ),
);

export const createCashoutAccountSchema = schema(() => z.object({ account: bankDetailsSchema }));

export const updateCashoutAccountSchema = schema(() => z.object({ account: bankDetailsSchema, id: accountId('The id of the account to update.') }));

const IDS = `accounts must be a list of 1 to ${MAX_CASHOUT_ACCOUNTS} account ids`;
export const removeCashoutAccountsSchema = schema(() =>
  z.object({
    accounts: z
      .array(accountId('An account id.'), { error: IDS })
      .check(z.minLength(1, IDS), z.maxLength(MAX_CASHOUT_ACCOUNTS, IDS))
      .register(z.globalRegistry, { description: `The ids of the accounts to remove (1 to ${MAX_CASHOUT_ACCOUNTS}); all are removed or none.` }),
  }),
);

export type BankDetails = z.output<typeof bankDetailsSchema>;
export type CreateCashoutAccountInput = z.output<typeof createCashoutAccountSchema>;
export type UpdateCashoutAccountInput = z.output<typeof updateCashoutAccountSchema>;
export type RemoveCashoutAccountsInput = z.output<typeof removeCashoutAccountsSchema>;

// --- Responses (documentation only: handlers build them) ---------------------------------------------

export const allowedCountriesSchema = schema(() =>
  z.object({
    allowed_countries: z.array(
      z.object({
        country: z.string().register(z.globalRegistry, { description: 'ISO 3166-1 numeric country code.' }),
        currency: z.string().register(z.globalRegistry, { description: 'The currency accounts in that country are paid in (lower case).' }),
      }),
    ),
  }),
);

/** An account as its owner sees it: the number whole (it is the owner's own, as entered); absent optional fields are left out. */
export const cashoutAccountSchema = schema(() =>
  z.object({
    account: z.string(),
    bank: z.string(),
    bsb: z.string(),
    city: z.optional(z.string()),
    country: z.string(),
    description: z.optional(z.string()),
    id: z.string().register(z.globalRegistry, { description: 'The account id (a uuid).' }),
    name: z.string(),
    postcode: z.optional(z.string()),
  }),
);

export const cashoutAccountListSchema = schema(() => z.object({ accounts: z.array(cashoutAccountSchema) }));

const currencyUpper = schema(() => z.string().register(z.globalRegistry, { description: 'The currency a withdrawal to this account is valued in (upper case).' }));

export const withdrawalAccountsSchema = schema(() =>
  z.object({
    accounts: z.array(
      z.union([
        z.object({ ...coinbaseProfileSchema.shape, currency: currencyUpper, ts: z.string(), type: z.literal('coinbase_account') }),
        z.object({
          account: z.string(),
          bank: z.string(),
          bsb: z.string(),
          country: z.string(),
          currency: currencyUpper,
          id: z.string(),
          name: z.string(),
          postcode: z.optional(z.string()),
          type: z.literal('cashout_account'),
        }),
        z.object({
          address: z.string(),
          currency: currencyUpper,
          description: z.string(),
          id: z.string().register(z.globalRegistry, { description: 'The address itself.' }),
          ts: z.string(),
          type: z.literal('ethereum_account'),
        }),
        z.object({
          address: z.string(),
          currency: currencyUpper,
          description: z.string(),
          id: z.string(),
          status: z.enum(['pending', 'success', 'failure']).register(z.globalRegistry, { description: "The latest transfer's state." }),
          ts: z.string(),
          type: z.literal('poloniex_account'),
        }),
      ]),
    ),
    allowed_transfer_types: z.array(z.string()).register(z.globalRegistry, { description: 'The withdrawal transfer types this platform serves (cashout: to a bank account; coinbase, poloniex: to an exchange account).' }),
  }),
);

export type AllowedCountries = z.output<typeof allowedCountriesSchema>;
export type CashoutAccountView = z.output<typeof cashoutAccountSchema>;
export type CashoutAccountList = z.output<typeof cashoutAccountListSchema>;
export type WithdrawalAccounts = z.output<typeof withdrawalAccountsSchema>;

/** What a 400 of the account routes means. */
export const INVALID_ACCOUNT = 'Invalid body: the field at fault is named (an account field as account.<field>)';
