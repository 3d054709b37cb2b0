/** The catalog of how reading, setting or deleting a rate card can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type RateCardFailure = 'id_required' | 'foreign_rate_card' | 'rate_card_not_found';

export const fail = failWith<RateCardFailure>();
