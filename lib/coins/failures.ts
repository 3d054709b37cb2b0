/** The catalog of how user coins and their moderation can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type CoinsFailure = 'too_many_addresses' | 'transfers_in_flight' | 'chain_unavailable' | 'bad_fee' | 'insufficient_coins' | 'bad_link' | 'link_expired' | 'moderator_removed' | 'idempotency_key_reused' | 'reward_ref_reused';

export const fail = failWith<CoinsFailure>();
