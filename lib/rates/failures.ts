/** The catalog of how a coin price lookup or conversion can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type RatesFailure = 'unknown_currency' | 'unknown_country' | 'no_price';

export const fail = failWith<RatesFailure>();
