/** The catalog of how partner cashback can fail (answered by the partner-cashback family's error table). */
import { failWith } from '../errors.js';

export type PurchaseFailure =
  | 'invalid_amount'
  | 'purchase_unit_not_allowed'
  | 'invalid_percentage'
  | 'invalid_address'
  | 'unknown_partner'
  | 'rate_unavailable'
  | 'cashback_too_small'
  | 'fund_exhausted'
  | 'insufficient_partner_deposit'
  | 'purchase_fund_limit_exceeded'
  | 'daily_fund_limit_exceeded'
  | 'order_in_progress'
  | 'order_id_conflict';

export const fail = failWith<PurchaseFailure>();
