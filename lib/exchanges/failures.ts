/** The catalog of how exchange withdrawals (Coinbase, Poloniex) and their options can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type ExchangeFailure = 'poloniex_account_not_found' | 'too_many_poloniex_accounts';

export const fail = failWith<ExchangeFailure>();
