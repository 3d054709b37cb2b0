/** The catalog of how the cashback cards API can fail (answered by the cards family's error table). */
import { failWith } from '../errors.js';

export type CardsFailure =
  // the app and the member
  | 'credentials_required'
  | 'invalid_credentials'
  | 'insufficient_scope'
  | 'member_auth_required'
  | 'invalid_member_token'
  | 'member_token_expired'
  | 'otp_rate_limited'
  | 'otp_invalid'
  // cards, members, earnings
  | 'card_not_found'
  | 'member_not_found'
  | 'earning_not_found'
  | 'invalid_amount'
  | 'reference_conflict'
  | 'balance_changed'
  // redemption
  | 'pin_required'
  | 'pin_locked'
  | 'invalid_pin'
  | 'pin_redemption_disabled'
  | 'pin_not_set'
  | 'pin_proof_required'
  | 'insufficient_balance'
  // refunds
  | 'refund_exceeds_purchase'
  | 'deduction_exceeds_earning'
  | 'deduction_exceeds_earnings';

export const fail = failWith<CardsFailure>();
