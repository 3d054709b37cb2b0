/** The catalog of how retail connect (loyalty programs, store cards, levels, codes and sessions) can fail (answered by the payments family's error table). */
import { failWith } from '../errors.js';

export type RetailFailure =
  | 'retail_program_not_found'
  | 'retail_bad_program'
  | 'retail_card_not_found'
  | 'retail_card_exists'
  | 'retail_bad_card'
  | 'retail_bad_level_request'
  | 'retail_bad_code'
  | 'retail_code_expired'
  | 'retail_code_used'
  | 'retail_code_other_participant'
  | 'retail_session_not_found'
  | 'retail_session_expired'
  | 'retail_bad_transition'
  | 'retail_price_expired'
  | 'retail_bad_payment_reference'
  | 'retail_bad_payment_value'
  | 'retail_over_coin_rule'
  | 'retail_insufficient_coins'
  | 'retail_deposit_insufficient'
  | 'retail_program_inactive';

export const fail = failWith<RetailFailure>();
