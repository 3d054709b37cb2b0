/** The catalog of how billing plans and promo codes can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type BillingFailure =
  | 'unknown_plan'
  | 'promo_code_unknown'
  | 'promo_code_disabled'
  | 'promo_code_expired'
  | 'promo_code_used_up'
  | 'promo_code_already_redeemed';

export const fail = failWith<BillingFailure>();
