/** The catalog of how withdrawal profiles, limits, quotes and bank cash-out transfers can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type WithdrawalFailure =
  | 'bad_profile'
  | 'unknown_level'
  | 'bad_convert_request'
  | 'bad_version'
  | 'withdrawals_locked'
  | 'below_minimum'
  | 'over_withdrawal_limit'
  | 'insufficient_coins'
  | 'idempotency_key_reused'
  | 'bad_chunk_id'
  | 'chain_unavailable';

export const fail = failWith<WithdrawalFailure>();
