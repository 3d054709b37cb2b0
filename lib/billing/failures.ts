/** The catalog of how billing plans, promo codes and billing accounts can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type BillingFailure =
  | 'unknown_plan'
  | 'promo_code_unknown'
  | 'promo_code_disabled'
  | 'promo_code_expired'
  | 'promo_code_used_up'
  | 'promo_code_already_redeemed'
  /** The card issuer refused the card (`decline_code` in the details). */
  | 'card_declined'
  /** The card token or details are wrong, expired or unknown (`reason` in the details). */
  | 'invalid_card'
  | 'card_provider_unavailable'
  /** Every plan but basic is paid from the saved card: it cannot be removed while on one. */
  | 'card_required'
  | 'invalid_email'
  /** A user id that is not an email urn (the email of other users cannot be looked up). */
  | 'unsupported_user_id'
  | 'too_many_notification_emails'
  /** Only the user who activated billing or set the card (or the system role) changes the notification emails. */
  | 'not_billing_owner'
  /** A downgrade (or termination) before the current plan's commitment period ended (`commitment_ends` in the details). */
  | 'commitment_period'
  /** Another payment of the participant's plan is in flight. */
  | 'payment_in_progress'
  /** The contract cannot be terminated now (already terminated, or inside the commitment: `commitment_ends`). */
  | 'terminate_unavailable'
  /** A participant's contract is the participant's own (or the system role's) business. */
  | 'not_your_participant';

export const fail = failWith<BillingFailure>();
