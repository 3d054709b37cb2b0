/** The catalog of how retail connect (loyalty programs, store cards, levels) can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type RetailFailure =
  | 'retail_program_not_found'
  | 'retail_bad_program'
  | 'retail_card_not_found'
  | 'retail_card_exists'
  | 'retail_bad_card';

export const fail = failWith<RetailFailure>();
