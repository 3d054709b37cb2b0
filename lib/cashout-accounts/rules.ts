/**
 * Bank details rules per country, and the countries users may register cash-out accounts in.
 *
 * The rules are code (a bank's number formats do not change per deployment); which countries are open, and
 * the currency each is paid in, is configuration (CASHOUT_COUNTRIES). A configured country without rules
 * here is a configuration error, so an account is never stored unchecked.
 */
import { cashoutAccountsConfig, ConfigError } from '../config/index.js';
import { isCoinCurrency, type CoinCurrency } from '../rates/currencies.js';

export interface BankDetailsRules {
  /** The country's name, for messages. */
  name: string;
  /** Each field's format and how a message describes it. */
  bsb: { pattern: RegExp; expected: string };
  account: { pattern: RegExp; expected: string };
  postcode: { pattern: RegExp; expected: string };
}

/** By ISO 3166-1 numeric country code, as clients send it. */
export const BANK_DETAILS_RULES: Readonly<Record<string, BankDetailsRules>> = {
  '036': {
    name: 'Australia',
    bsb: { pattern: /^\d{6}$/, expected: 'exactly 6 digits' },
    account: { pattern: /^\d{5,9}$/, expected: '5 to 9 digits' },
    postcode: { pattern: /^\d{4}$/, expected: '4 digits' },
  },
};

/** Why some of an account's bank details do not fit its country's rules (field and message), for a country that has rules. */
export function bankDetailsProblems(a: { country: string; bsb: string; account: string; postcode?: string }): { field: 'bsb' | 'account' | 'postcode'; message: string }[] {
  const rules = BANK_DETAILS_RULES[a.country];
  if (!rules) return [];
  const checks = [
    ['bsb', a.bsb],
    ['account', a.account],
    ['postcode', a.postcode],
  ] as const;
  return checks
    .filter(([field, value]) => value !== undefined && !rules[field].pattern.test(value))
    .map(([field]) => ({ field, message: `must be ${rules[field].expected} in ${rules.name} (${a.country})` }));
}

export interface AllowedCountry {
  country: string;
  currency: CoinCurrency;
}

/** The configured countries, each with its currency (lower case, as the contract answers it). */
export function allowedCountries(): AllowedCountry[] {
  return cashoutAccountsConfig()
    .CASHOUT_COUNTRIES.split(',')
    .map((pair) => {
      const [country, currency] = pair.split(':') as [string, string];
      if (!BANK_DETAILS_RULES[country]) throw new ConfigError(`Invalid cashoutAccounts configuration: CASHOUT_COUNTRIES names ${country}, which has no bank details rules`);
      if (!isCoinCurrency(currency)) throw new ConfigError(`Invalid cashoutAccounts configuration: CASHOUT_COUNTRIES pays ${country} in ${currency}, which has no coin price`);
      return { country, currency };
    });
}

/** An account number as logs may show it: only its last 3 digits. */
export const maskAccountNumber = (account: string) => (account.length <= 3 ? '***' : `${'*'.repeat(account.length - 3)}${account.slice(-3)}`);
