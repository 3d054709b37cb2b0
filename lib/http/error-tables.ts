/**
 * How each API family answers the domain failures it can meet: the status, and the code on the wire when it
 * is not the failure's own name. One table per family, typed by the catalogs it answers, so a failure added
 * to a catalog without an answer here does not compile.
 */
import type { BillingFailure } from '../billing/failures.js';
import type { CardsFailure } from '../cards/failures.js';
import type { CashoutFailure } from '../cashout/failures.js';
import type { CashoutAccountFailure } from '../cashout-accounts/failures.js';
import type { CoinsFailure } from '../coins/failures.js';
import type { DocsFailure } from '../docs/failures.js';
import type { IdentityFailure } from '../identity/failures.js';
import type { PayoutFailure } from '../payouts/failures.js';
import type { PurchaseFailure } from '../purchases/failures.js';
import type { RateCardFailure } from '../ratecards/failures.js';
import type { RatesFailure } from '../rates/failures.js';
import type { TopUpFailure } from '../topups/failures.js';
import type { WithdrawalFailure } from '../withdrawals/failures.js';
import type { ExchangeFailure } from '../exchanges/failures.js';
import type { RetailFailure } from '../retail/failures.js';

/** A status, or a status and the wire code. */
export type Answer = number | readonly [status: number, code: string];

export type ErrorTable<Code extends string> = { readonly [C in Code]: Answer };

/** Partner cashback's envelope carries only the message: the status is what differs. */
export const partnerCashbackErrors: ErrorTable<PurchaseFailure> = {
  invalid_amount: 400,
  purchase_unit_not_allowed: 400,
  invalid_percentage: 400,
  invalid_address: 400,
  unknown_partner: 401,
  order_id_conflict: 409,
  cashback_too_small: 422,
  fund_exhausted: 422,
  insufficient_partner_deposit: 422,
  purchase_fund_limit_exceeded: 422,
  // A quota of the UTC day, like the platform's other windowed budgets: the same purchase passes after 00:00 UTC.
  daily_fund_limit_exceeded: 429,
  rate_unavailable: 503,
  order_in_progress: 503,
};

export const cardsErrors: ErrorTable<CardsFailure> = {
  credentials_required: [401, 'unauthorized'],
  invalid_credentials: [401, 'unauthorized'],
  insufficient_scope: 403,
  member_auth_required: 401,
  invalid_member_token: 401,
  member_token_expired: 401,
  otp_rate_limited: 429,
  otp_invalid: 401,
  card_not_found: [404, 'not_found'],
  member_not_found: [404, 'not_found'],
  earning_not_found: [404, 'not_found'],
  invalid_amount: [400, 'bad_request'],
  reference_conflict: 409,
  balance_changed: [409, 'conflict'],
  pin_required: 403,
  pin_locked: 403,
  invalid_pin: 403,
  pin_redemption_disabled: [422, 'unprocessable'],
  pin_not_set: 422,
  pin_proof_required: 403,
  insufficient_balance: 422,
  refund_exceeds_purchase: 422,
  deduction_exceeds_earning: 422,
  deduction_exceeds_earnings: 422,
};

export const cashoutErrors: ErrorTable<CashoutFailure> = {
  api_key_required: [401, 'unauthorized'],
  invalid_api_key: [401, 'unauthorized'],
  other_provider: [403, 'forbidden'],
  invalid_endpoint: 400,
  provider_exists: [409, 'item_exists'],
  claim_not_found: 404,
  id_conflict: 409,
  duplicate_claim: 409,
  claim_expired: 410,
  webhook_not_found: 404,
  replay_rate_limited: 429,
};

/** The payments envelope's `error_id` is `payments-<code>`. */
export const paymentsErrors: ErrorTable<IdentityFailure | CoinsFailure | BillingFailure | RatesFailure | RateCardFailure | TopUpFailure | CashoutAccountFailure | WithdrawalFailure | ExchangeFailure | RetailFailure> = {
  no_ticket: 401,
  bad_ticket: 401,
  no_participant: 403,
  not_system: 403,
  no_device: 401,
  bad_device: 401,
  device_not_operator: 403,
  bad_fee: 400,
  moderator_removed: 403,
  bad_link: 404,
  transfers_in_flight: 409,
  idempotency_key_reused: 409,
  link_expired: 410,
  too_many_addresses: 422,
  insufficient_coins: 422,
  chain_unavailable: 503,
  unknown_plan: 400,
  promo_code_unknown: 404,
  promo_code_disabled: 410,
  promo_code_expired: 410,
  promo_code_used_up: 409,
  promo_code_already_redeemed: 409,
  card_declined: 402,
  invalid_card: 400,
  card_provider_unavailable: 503,
  card_required: 409,
  invalid_email: 400,
  unsupported_user_id: 400,
  too_many_notification_emails: 409,
  not_billing_owner: 403,
  commitment_period: 409,
  payment_in_progress: 409,
  terminate_unavailable: 409,
  not_your_participant: 403,
  unknown_currency: 400,
  unknown_country: 400,
  no_price: 422,
  id_required: 400,
  foreign_rate_card: 403,
  rate_card_not_found: 404,
  topup_currency_unsupported: 422,
  bad_amount: 400,
  topup_settings_not_found: 404,
  bad_profile: 400,
  unknown_level: 400,
  bad_convert_request: 400,
  bad_version: 400,
  withdrawals_locked: 403,
  below_minimum: 422,
  over_withdrawal_limit: 422,
  reward_ref_reused: 409,
  bad_chunk_id: 400,
  country_not_allowed: 400,
  too_many_cashout_accounts: 422,
  cashout_account_not_found: 404,
  poloniex_account_not_found: 404,
  too_many_poloniex_accounts: 422,
  coinbase_account_not_found: 404,
  coinbase_bad_state: 400,
  coinbase_no_tokens_by_code: 400,
  coinbase_no_tokens_by_refresh_token: 409,
  coinbase_no_stored_tokens: 409,
  coinbase_no_user_by_access_token: 409,
  coinbase_unavailable: 503,
  exchange_transfer_not_found: 404,
  bad_time_range: 400,
  retail_program_not_found: 404,
  retail_bad_program: 400,
  retail_card_not_found: 404,
  retail_card_exists: 409,
  retail_bad_card: 400,
  retail_bad_level_request: 400,
  retail_bad_code: 400,
  retail_code_expired: 410,
  retail_code_used: 409,
  retail_code_other_participant: 403,
  retail_session_not_found: 404,
  retail_session_expired: 410,
  retail_bad_transition: 409,
  retail_price_expired: 409,
  retail_bad_payment_reference: 400,
  retail_bad_payment_value: 400,
  retail_over_coin_rule: 422,
  retail_insufficient_coins: 422,
  retail_deposit_insufficient: 409,
  retail_program_inactive: 409,
};

/** Textcoin claims (the platform's own routes). */
export const platformErrors: ErrorTable<PayoutFailure> = {
  invalid_address: [400, 'bad_request'],
  invalid_link: [404, 'not_found'],
  already_claimed: [409, 'conflict'],
  link_expired: [410, 'expired'],
};

export const docsErrors: ErrorTable<DocsFailure> = {
  no_such_file: [404, 'not_found'],
};
