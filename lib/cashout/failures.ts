/** The catalog of how cash-out claims, providers and webhooks can fail (answered by the cash-out family's error table). */
import { failWith } from '../errors.js';

export type CashoutFailure =
  | 'claim_not_found'
  | 'id_conflict'
  | 'claim_expired'
  | 'duplicate_claim'
  | 'invalid_endpoint'
  | 'provider_exists'
  | 'api_key_required'
  | 'invalid_api_key'
  | 'other_provider'
  | 'webhook_not_found'
  | 'replay_rate_limited';

export const fail = failWith<CashoutFailure>();
