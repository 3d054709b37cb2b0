/**
 * Users' bank cash-out accounts (payments service): the open countries, and a user's own accounts, created,
 * listed, updated and removed. Input arrives validated against its country's rules (./schema.ts); whether the
 * country is open is checked here (configuration). Every access is keyed by the ticket's user: another
 * user's account id is not found.
 *
 * Account numbers are sealed by the card vault, bound to the account's user and id; they are answered whole to
 * their owner (the contract shows them so, as entered) and never logged but masked to their last 3 digits.
 */
import { randomUUID } from 'node:crypto';
import { log } from '../log/index.js';
import { cashoutAccountNumber, open, seal } from '../security/card-vault.js';
import { fail } from './failures.js';
import { cashoutAccountsRepo, type CashoutAccountFields, type StoredCashoutAccount } from './repository.js';
import { allowedCountries, maskAccountNumber, type AllowedCountry } from './rules.js';
import { MAX_CASHOUT_ACCOUNTS, type AllowedCountries, type BankDetails, type CashoutAccountList, type CashoutAccountView, type CreateCashoutAccountInput, type RemoveCashoutAccountsInput, type UpdateCashoutAccountInput } from './schema.js';

export const countriesAllowed = (): AllowedCountries => ({ allowed_countries: allowedCountries().map(({ country, currency }) => ({ country, currency })) });

/** The configured country of these details (country_not_allowed otherwise). */
function openCountry(details: BankDetails): AllowedCountry {
  const allowed = allowedCountries();
  const found = allowed.find((c) => c.country === details.country);
  if (!found) {
    throw fail('country_not_allowed', `account.country: ${details.country} is not a country cash-out accounts can be in (allowed: ${allowed.map((c) => c.country).join(', ')})`, {
      field: 'account.country',
      allowed: allowed.map((c) => c.country),
    });
  }
  return found;
}

async function sealed(user: string, id: string, d: BankDetails): Promise<CashoutAccountFields> {
  return {
    country: d.country,
    city: d.city,
    bank: d.bank,
    name: d.name,
    bsb: d.bsb,
    accountNumber: await seal(d.account, cashoutAccountNumber(user, id)),
    accountLast3: d.account.slice(-3),
    postcode: d.postcode,
    description: d.description,
  };
}

/** A stored account with its number opened: what the rest of the platform (views, transfers) works with. */
export interface CashoutAccount extends Omit<StoredCashoutAccount, 'accountNumber' | 'accountLast3'> {
  account: string;
}

async function opened(user: string, a: StoredCashoutAccount): Promise<CashoutAccount> {
  const { accountNumber, accountLast3: _last3, ...rest } = a;
  return { ...rest, account: await open(accountNumber, cashoutAccountNumber(user, a.id)) };
}

/** The user's accounts with their numbers, newest first. */
export async function cashoutAccountsOf(user: string): Promise<CashoutAccount[]> {
  return Promise.all((await cashoutAccountsRepo.list(user)).map((a) => opened(user, a)));
}

/** The account as the contract answers it: absent optional fields left out. */
export function cashoutAccountView(a: CashoutAccount): CashoutAccountView {
  return {
    account: a.account,
    bank: a.bank,
    bsb: a.bsb,
    ...(a.city === undefined ? {} : { city: a.city }),
    country: a.country,
    ...(a.description === undefined ? {} : { description: a.description }),
    id: a.id,
    name: a.name,
    ...(a.postcode === undefined ? {} : { postcode: a.postcode }),
  };
}

export const listCashoutAccounts = async (user: string): Promise<CashoutAccountList> => ({ accounts: (await cashoutAccountsOf(user)).map(cashoutAccountView) });

/** Adds an account (at most MAX_CASHOUT_ACCOUNTS per user) and answers it. */
export async function createCashoutAccount(user: string, input: CreateCashoutAccountInput): Promise<CashoutAccountView> {
  openCountry(input.account);
  const id = randomUUID();
  const now = new Date().toISOString();
  await cashoutAccountsRepo.create(user, id, await sealed(user, id, input.account), now, MAX_CASHOUT_ACCOUNTS);
  log.info('cash-out account added', { user, id, country: input.account.country, account: maskAccountNumber(input.account.account) });
  return cashoutAccountView({ ...input.account, id, createdAt: now, updatedAt: now });
}

/** Replaces one of the user's accounts' details and answers all of them. */
export async function updateCashoutAccount(user: string, input: UpdateCashoutAccountInput): Promise<CashoutAccountList> {
  openCountry(input.account);
  await cashoutAccountsRepo.update(user, input.id, await sealed(user, input.id, input.account), new Date().toISOString());
  log.info('cash-out account updated', { user, id: input.id, country: input.account.country, account: maskAccountNumber(input.account.account) });
  return listCashoutAccounts(user);
}

/** Removes some of the user's accounts (all or none) and answers those left. */
export async function removeCashoutAccounts(user: string, input: RemoveCashoutAccountsInput): Promise<CashoutAccountList> {
  await cashoutAccountsRepo.remove(user, input.accounts, new Date().toISOString());
  log.info('cash-out accounts removed', { user, ids: input.accounts });
  return listCashoutAccounts(user);
}
