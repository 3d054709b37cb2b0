/** The catalog of how exchange withdrawals (Coinbase, Poloniex) and their options can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type ExchangeFailure =
  | 'poloniex_account_not_found'
  | 'too_many_poloniex_accounts'
  | 'coinbase_account_not_found'
  | 'coinbase_bad_state'
  | 'coinbase_no_tokens_by_code'
  | 'coinbase_no_tokens_by_refresh_token'
  | 'coinbase_no_stored_tokens'
  | 'coinbase_no_user_by_access_token'
  | 'coinbase_unavailable'
  | 'exchange_transfer_not_found'
  | 'bad_time_range';

export const fail = failWith<ExchangeFailure>();
