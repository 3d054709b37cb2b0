/** The catalog of how withdrawal profiles, limits and quotes can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type WithdrawalFailure = 'bad_profile' | 'unknown_level' | 'bad_convert_request';

export const fail = failWith<WithdrawalFailure>();
