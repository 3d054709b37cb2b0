/**
 * Every account a user can withdraw to, each with its `type`, and the withdrawal transfer types served.
 *
 * Served: connected Coinbase accounts (`coinbase_account`), bank cash-out accounts (`cashout_account`), the
 * user's Ethereum addresses (`ethereum_account`, paid by the coins transfers) and Poloniex deposit addresses
 * (`poloniex_account`).
 */
import { isoSeconds } from '../wire.js';
import { userAddressesRepo } from '../coins/repository.js';
import { coinbaseConnectionsRepo } from '../exchanges/coinbase-accounts.js';
import { poloniexAccountsRepo, poloniexAccountViews } from '../exchanges/poloniex-accounts.js';
import { DEFAULT_COIN_CURRENCY } from '../rates/currencies.js';
import { cashoutAccountsOf } from './index.js';
import { allowedCountries } from './rules.js';
import type { WithdrawalAccounts } from './schema.js';

/** The contract's `allowed_transfer_types`: what a withdrawal can be made as on this platform. */
export const WITHDRAWAL_TRANSFER_TYPES = ['coinbase', 'cashout', 'poloniex'] as const;

export async function withdrawalAccounts(user: string): Promise<WithdrawalAccounts> {
  const [coinbase, bank, addresses, poloniex] = await Promise.all([coinbaseConnectionsRepo.list(user), cashoutAccountsOf(user), userAddressesRepo.list(user), poloniexAccountsRepo.list(user).then(poloniexAccountViews)]);
  // A bank account is valued in its country's currency; one whose country is no longer open keeps the default.
  const currencyOf = new Map(allowedCountries().map((c) => [c.country, c.currency]));
  return {
    accounts: [
      // An exchange account is valued in the platform's default currency, as an address is.
      ...coinbase.filter((c) => c.active).map((c) => ({ ...c.profile, currency: DEFAULT_COIN_CURRENCY.toUpperCase(), ts: isoSeconds(c.connectedAt), type: 'coinbase_account' as const })),
      ...bank.map((a) => ({
        account: a.account,
        bank: a.bank,
        bsb: a.bsb,
        country: a.country,
        currency: (currencyOf.get(a.country) ?? DEFAULT_COIN_CURRENCY).toUpperCase(),
        id: a.id,
        name: a.name,
        ...(a.postcode === undefined ? {} : { postcode: a.postcode }),
        type: 'cashout_account' as const,
      })),
      // Coins sent to an address are valued in the platform's default currency (an address has no country).
      ...addresses.map((a) => ({ address: a.address, currency: DEFAULT_COIN_CURRENCY.toUpperCase(), description: a.description, id: a.address, ts: isoSeconds(a.ts), type: 'ethereum_account' as const })),
      ...poloniex.map(({ is_new: _, ...a }) => ({ ...a, currency: DEFAULT_COIN_CURRENCY.toUpperCase(), type: 'poloniex_account' as const })),
    ],
    allowed_transfer_types: [...WITHDRAWAL_TRANSFER_TYPES],
  };
}
