/** The catalog of how coin top-ups can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type TopUpFailure =
  /** The participant's currency has no coin price (top-ups are sold in aud, sgd and usd). */
  | 'topup_currency_unsupported'
  /** No saved card to charge (the billing catalog's code: the same answer). */
  | 'card_required'
  /** An amount below the smallest top-up at the current price (`min_amount` in the details). */
  | 'bad_amount'
  | 'topup_settings_not_found'
  /** Shared with coin transfers: a manual top-up's Idempotency-Key. */
  | 'idempotency_key_reused';

export const fail = failWith<TopUpFailure>();
