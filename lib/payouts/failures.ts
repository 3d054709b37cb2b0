/** The catalog of how a textcoin claim can fail (answered by the platform family's error table). */
import { failWith } from '../errors.js';

export type PayoutFailure = 'invalid_link' | 'invalid_address' | 'already_claimed' | 'link_expired';

export const fail = failWith<PayoutFailure>();
