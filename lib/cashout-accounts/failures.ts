/** The catalog of how users' bank cash-out accounts can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type CashoutAccountFailure = 'country_not_allowed' | 'too_many_cashout_accounts' | 'cashout_account_not_found';

export const fail = failWith<CashoutAccountFailure>();
