/** Every HTTP route with its schemas: the source of the OpenAPI document. A test checks it against serverless.yml. */
import type * as z from 'zod/mini';
import { newPurchaseResponseSchema, newPurchaseSchema, obyteErrorSchema } from '../purchases/schema.js';
import { textcoinClaimResponseSchema, textcoinClaimSchema } from '../payouts/schema.js';
import * as cards from '../cards/schema.js';
import * as cashout from '../cashout/schema.js';

export interface RouteDoc {
  method: 'get' | 'post' | 'put' | 'delete';
  path: string;
  tag: string;
  summary: string;
  description?: string;
  request?: z.ZodMiniType;
  requestExample?: Record<string, unknown>;
  response?: z.ZodMiniType;
  responseExample?: unknown;
  html?: boolean;
  errors?: Record<number, string>;
  errorSchema?: z.ZodMiniType;
  query?: z.ZodMiniType;
  /** Cards API: the key scope the route needs (X-App-Id + X-Api-Key). */
  scope?: string;
  headers?: { name: string; description: string }[];
}

const purchaseExample = {
  partner: 'demo-shop',
  partner_key: 'pk_...',
  customer: 'customer-42',
  order_id: 'order-1001',
  description: 'Coffee beans',
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  currency: 'USD',
  currency_amount: 25.5,
  partner_cashback_percentage: 2,
};

const purchaseErrors = {
  400: 'Invalid or missing parameter, malformed body',
  401: 'authentication failed',
  409: 'order_id already used with different parameters',
  413: 'Body larger than 16 KiB',
  415: 'Unsupported content type',
  422: 'Insufficient partner deposit, distribution fund exhausted, or amount too small',
  503: 'No rate for the currency, or too much contention: retry',
};

const newPurchase = (path: string, network: string): RouteDoc => ({
  method: 'post',
  path,
  tag: 'Partner cashback',
  summary: `Request cashback for a purchase (${network})`,
  description:
    'Obyte-compatible. Send JSON or application/x-www-form-urlencoded. An order_id pays at most once: repeating the same request returns the first answer; reusing the order_id with other parameters is a 409.',
  request: newPurchaseSchema,
  requestExample: purchaseExample,
  response: newPurchaseResponseSchema,
  responseExample: { result: 'ok', cashback_amount: 3570000000000000000, unit: 'kYbc5KGKB/KnjynYePEF4cpumKmOz22xVKSVWbmtZ0M=' },
  errors: purchaseErrors,
  errorSchema: obyteErrorSchema,
});

export const routes: RouteDoc[] = [
  newPurchase('/new_purchase', 'main network'),
  newPurchase('/test/new_purchase', 'testnet: separate funds and ledger'),
  { method: 'get', path: '/textcoin/{code}', tag: 'Textcoins', summary: 'Claim page for cashback sent to an email address', html: true },
  {
    method: 'post',
    path: '/textcoin/{code}',
    tag: 'Textcoins',
    summary: 'Claim emailed cashback to an Ethereum address',
    description: 'Form posts from the claim page get an HTML page back; JSON requests get JSON.',
    request: textcoinClaimSchema,
    requestExample: { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' },
    response: textcoinClaimResponseSchema,
    errors: { 400: 'Invalid address', 404: 'Unknown or tampered link', 409: 'Already claimed', 410: 'Expired' },
    errorSchema: obyteErrorSchema,
  },
  ...cardRoutes(),
  ...cashoutRoutes(),
  ...coinsRoutes(),
  { method: 'get', path: '/openapi.json', tag: 'Docs', summary: 'This OpenAPI 3.1 document' },
  { method: 'get', path: '/docs', tag: 'Docs', summary: 'Human-readable API reference', html: true },
];

function cardRoutes(): RouteDoc[] {
  const base = '/api/v1/cashback';
  const tag = 'Cashback cards';
  const errors = (extra: Record<number, string> = {}) => ({
    400: 'Invalid parameter (error.details lists each field)',
    401: 'Missing or invalid X-App-Id / X-Api-Key',
    403: 'The API key lacks the scope',
    404: "Card or member not found (another app's cards are not found)",
    ...extra,
  });
  const common = { tag, errorSchema: cards.cardsErrorSchema };
  const memberToken = { name: 'X-Member-Token', description: 'Member token from POST /api/v1/cashback/members/otp/verify.' };
  return [
    {
      ...common,
      method: 'post',
      path: `${base}/cashback/earn`,
      scope: 'cashback_write',
      summary: 'Earn cashback on a purchase',
      description:
        "Credits card percentage x purchase_amount (floored to the currency's minor unit, capped at cashback_max_amount) to the member. Purchases below cashback_min_amount earn nothing and say so in cashback_skipped_reason. A member is created from email/phone (with member_name) when none exists. The same reference returns the first transaction.",
      request: cards.earnSchema,
      requestExample: { card_id: 10, member_id: 123, purchase_amount: 50.0, reference: 'ORDER-12345', metadata: { store_location: 'Downtown', cashier_id: 'EMP-001' } },
      response: cards.earnResponseSchema,
      responseExample: { success: true, data: { transaction_id: 456, purchase_amount: 50.0, cashback_percentage: 5, cashback_earned: 2.5, new_balance: 12.5, member_id: 123, card_id: 10, earned_at: '2025-01-15T10:30:00Z', reference: 'ORDER-12345' } },
      errors: errors({ 409: 'reference already used with other parameters' }),
    },
    {
      ...common,
      method: 'post',
      path: `${base}/cashback/redeem`,
      scope: 'cashback_write',
      headers: [memberToken],
      summary: "Redeem from the member's balance (member auth required)",
      description: "Debits the member named by X-Member-Token. Never below zero, even under concurrent redeems. With `pin`, the member's PIN is checked; PIN_MAX_FAILURES wrong PINs lock redemption for PIN_LOCK_SECONDS.",
      request: cards.redeemSchema,
      requestExample: { card_id: 10, amount: 5.0, pin: '1234', reference: 'REDEEM-ORDER-12345' },
      response: cards.redeemResponseSchema,
      responseExample: { success: true, data: { transaction_id: 457, amount_redeemed: 5.0, new_balance: 7.5, member_id: 123, card_id: 10, redeemed_at: '2025-01-15T11:00:00Z', reference: 'REDEEM-ORDER-12345' } },
      errors: errors({ 401: 'Missing, invalid or expired X-Member-Token', 403: 'Scope missing, wrong PIN, PIN required, or redemption locked', 409: 'reference already used with other parameters', 422: 'Insufficient balance, or PIN not allowed / not set' }),
    },
    {
      ...common,
      method: 'get',
      path: `${base}/cashback/balance`,
      scope: 'cashback_read',
      summary: "A member's cashback balance on a card",
      query: cards.balanceQuerySchema,
      response: cards.balanceResponseSchema,
      responseExample: { success: true, data: { card_id: 10, member_id: 123, cashback_balance: 12.5, cashback_percentage: 5, reward_system: 'cashback', currency: 'USD', queried_at: '2025-01-15T10:30:00Z' } },
      errors: errors(),
    },
    {
      ...common,
      method: 'get',
      path: `${base}/cashback/history`,
      scope: 'cashback_read',
      summary: 'Transaction history, newest first',
      description: 'limit 1-100 (default 20), offset >= 0; total counts all of the member\'s transactions on the card.',
      query: cards.historyQuerySchema,
      response: cards.historyResponseSchema,
      responseExample: {
        success: true,
        data: {
          card_id: 10,
          member_id: 123,
          transactions: [{ id: 457, type: 'redemption', amount: -5.0, points: 0, event: 'cashback_redeemed', reference: null, created_at: '2025-01-15T11:00:00Z' }],
          pagination: { limit: 20, offset: 0, total: 45, has_more: true },
        },
      },
      errors: errors(),
    },
    {
      ...common,
      method: 'post',
      path: `${base}/cashback/refund`,
      scope: 'cashback_write',
      summary: 'Deduct cashback for a refunded purchase',
      description:
        "Naming the earning (transaction_id or original_reference): deducts floor(earned x refunded / purchase) minus earlier deductions, never more than it earned. Otherwise: floor(refund_amount x card percentage), never more than the member's earned-and-not-refunded cashback. cashback_to_deduct overrides the amount, not the cap. When the balance is short, what is there is deducted and balance_warning says so.",
      request: cards.refundSchema,
      requestExample: { card_id: 10, member_id: 123, refund_amount: 25.0, reference: 'REFUND-ORDER-12345' },
      response: cards.refundResponseSchema,
      responseExample: { success: true, data: { transaction_id: 459, cashback_deducted: 1.25, refund_amount: 25.0, previous_balance: 12.5, new_balance: 11.25, currency: 'TND', member_id: 123, card_id: 10, reference: 'REFUND-ORDER-12345', balance_warning: null, refunded_at: '2025-01-15T12:00:00Z' } },
      errors: errors({ 409: 'reference already used with other parameters', 422: 'Refund larger than the purchase, or cashback_to_deduct above the cap' }),
    },
    {
      ...common,
      method: 'get',
      path: `${base}/cards`,
      scope: 'card_read',
      summary: "The app's cashback cards",
      response: cards.cardsResponseSchema,
      errors: errors(),
    },
    { ...common, method: 'get', path: `${base}/cards/{id}`, scope: 'card_read', summary: 'One card', response: cards.cardResponseSchema, errors: errors() },
    {
      ...common,
      method: 'post',
      path: `${base}/members/otp/request`,
      scope: 'cashback_write',
      summary: 'Send a member a 6-digit code (email or SMS)',
      description: 'Valid 10 minutes, 5 tries, single use; a new code at most every 30 seconds (429 otherwise).',
      request: cards.otpRequestSchema,
      requestExample: { card_id: 10, email: 'member@example.com' },
      response: cards.otpRequestResponseSchema,
      errors: errors({ 429: 'A code was sent moments ago' }),
    },
    {
      ...common,
      method: 'post',
      path: `${base}/members/otp/verify`,
      scope: 'cashback_write',
      summary: 'Exchange the code for a member token',
      request: cards.otpVerifySchema,
      requestExample: { card_id: 10, email: 'member@example.com', code: '123456' },
      response: cards.otpVerifyResponseSchema,
      errors: errors({ 401: 'Wrong, expired or used code' }),
    },
    {
      ...common,
      method: 'post',
      path: `${base}/members/pin`,
      scope: 'cashback_write',
      headers: [memberToken],
      summary: 'The member sets their redemption PIN',
      request: cards.setPinSchema,
      requestExample: { pin: '1234' },
      response: cards.setPinResponseSchema,
      errors: errors({ 401: 'Missing, invalid or expired X-Member-Token' }),
    },
  ];
}

function cashoutRoutes(): RouteDoc[] {
  const tag = 'Cash-out claims';
  const common = { tag, errorSchema: cashout.cashoutErrorSchema };
  const bearer = { name: 'Authorization', description: 'Bearer <api_key> issued by POST /cashout/register.' };
  return [
    {
      ...common,
      method: 'post',
      path: '/cashout/register',
      summary: 'Register a cash-out provider: its paying card and webhook endpoint',
      description:
        'PAN (16 or 19 digits, Luhn) and IPIN are encrypted at rest and never returned. The answer carries, this one time, the API key (Bearer) and the webhook signing secret.',
      request: cashout.registerSchema,
      requestExample: { name: 'shifa', pan: '4111111111111111', expDate: '2812', ipin: '0000', consent: true, endpoint: 'https://provider.example/webhooks/cashout' },
      responseExample: { result: 'ok', api_key: 'co_…', webhook_secret: 'whsec_…' },
      errors: { 400: 'Invalid field (message names it)', 409: 'item_exists: the name is taken' },
    },
    {
      ...common,
      method: 'put',
      path: '/cashout/profile',
      headers: [bearer],
      summary: 'Update card and endpoint; rotates the webhook secret (the old one keeps signing for 24 h)',
      request: cashout.profileSchema,
      requestExample: { endpoint: 'https://provider.example/webhooks/v2' },
      responseExample: { result: 'ok', webhook_secret: 'whsec_…' },
      errors: { 400: 'Invalid field', 401: 'Missing or invalid API key' },
    },
    {
      ...common,
      method: 'post',
      path: '/cashout/generate/{name}',
      headers: [bearer],
      summary: 'Generate a claim for one customer cash-out',
      description: 'amount is a positive integer; id is yours and unique: the same id and amount return the same uuid (200), another amount is a 409. New claims answer 201. Claims expire after CLAIM_TTL_HOURS (72).',
      request: cashout.generateSchema,
      requestExample: { amount: 100, id: 'xcx' },
      responseExample: { result: '2ff61013-b559-4504-9eb7-aa6749c352f0', uuid: '2ff61013-b559-4504-9eb7-aa6749c352f0' },
      errors: { 400: 'Invalid amount or id', 401: 'Missing or invalid API key', 403: 'The key belongs to another provider', 409: 'id_conflict' },
    },
    { ...common, method: 'get', path: '/cashout/claim/{uuid}', summary: 'The hosted claim page for the customer', html: true },
    {
      ...common,
      method: 'post',
      path: '/cashout/claim/{uuid}',
      summary: "Submit the customer's card (form from the page, or JSON)",
      description: 'Once per claim: a second submission, even concurrent, is duplicate_claim. JSON answers 202 with the status; the form is redirected back to the page, which shows progress.',
      request: cashout.claimSubmitSchema,
      requestExample: { pan: '4111111111111111', expDate: '2812', name: 'Customer Name', mobile: '+249912345678' },
      errors: { 400: 'Invalid card field', 404: 'Unknown claim', 409: 'duplicate_claim', 410: 'claim_expired' },
    },
    {
      ...common,
      method: 'get',
      path: '/cashout/claim/{uuid}/status',
      summary: 'Status of a claim: pending, submitted, paying, paid, failed or expired',
      responseExample: { uuid: '2ff61013-b559-4504-9eb7-aa6749c352f0', status: 'paid', amount: 100, provider: 'shifa', updated_at: '2026-11-22T10:00:00Z' },
      errors: { 404: 'Unknown claim' },
    },
    {
      ...common,
      method: 'get',
      path: '/cashout/webhooks',
      headers: [bearer],
      summary: "The provider's webhook deliveries, newest first, with status and attempts",
      errors: { 401: 'Missing or invalid API key' },
    },
    {
      ...common,
      method: 'post',
      path: '/cashout/webhooks/{id}/replay',
      headers: [bearer],
      summary: 'Send a webhook again (same webhook-id and body)',
      errors: { 401: 'Missing or invalid API key', 404: 'Unknown delivery' },
    },
  ];
}

function coinsRoutes(): RouteDoc[] {
  const tag = 'User coins';
  const ticket = { name: 'authenticateit_identity_ticket', description: "Session's ticket (ES256, from the identity service)." };
  const errors = { 400: 'Invalid address or body', 401: 'Missing, invalid or expired ticket' };
  const addressList = { list: [{ address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', description: 'My new wallet', ts: '2018-08-30T14:16:07Z' }] };
  return [
    { tag, method: 'post', path: '/user/ethereum/addresses', headers: [ticket], summary: 'Add or update one of your addresses', requestExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', description: 'My new wallet' }, responseExample: addressList, errors },
    { tag, method: 'get', path: '/user/ethereum/addresses', headers: [ticket], summary: 'Your addresses', responseExample: addressList, errors },
    { tag, method: 'put', path: '/user/ethereum/addresses/remove', headers: [ticket], summary: 'Remove addresses', requestExample: { list: ['0xe40555b43d60656b9510860A11D6bDCDDb8E78A2'] }, responseExample: { list: [] }, errors },
    {
      tag,
      method: 'get',
      path: '/payments-service/user/ethereum/balance',
      headers: [ticket],
      summary: 'Your coins: ledger (account_coins), on your addresses (balance_coins), total, and the transfer fee bounds',
      description: 'Amounts are decimal strings in the token\'s smallest unit (18 decimals). On-chain balances are read through the RPC and cached for BALANCE_CACHE_SECONDS.',
      responseExample: { account_coins: '1949979999999999999934', balance_coins: '10111020000000000000000', coins_fee: { max: '50000000000000000000', min: '1000000000000000000' }, total_coins: '12060999999999999999934' },
      errors: { ...errors, 503: 'The chain cannot be read right now' },
    },
    {
      tag,
      method: 'post',
      path: '/payments-service/user/ethereum/transfer',
      headers: [ticket],
      summary: 'Ask to transfer coins to an address (moderated)',
      description: 'coins + fee move from account_coins to a hold in one ledger transaction (concurrent requests cannot overspend); the answer is pending until a moderator decides.',
      requestExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', coins: '9000000000000000000', fee: '1000000000000000000' },
      responseExample: { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2', coins: '9000000000000000000', fee: '1000000000000000000', hash: null, id: 'urn:authenticateit:transaction_request:9f5885f7-b013-440c-b86e-a247fc8d6ba2', status: 'pending', ts: '2018-03-08T09:16:49Z' },
      errors: { ...errors, 422: 'account_coins cannot cover coins + fee' },
    },
    ...(['approve', 'reject'] as const).flatMap((d): RouteDoc[] => [
      { tag, method: 'get', path: `/user/ethereum/transfer/{code}/${d}`, html: true, summary: `Moderator link: a confirmation page to ${d} (a GET decides nothing: mail scanners prefetch links)` },
      {
        tag,
        method: 'post',
        path: `/user/ethereum/transfer/{code}/${d}`,
        html: true,
        summary: `Moderator decision: ${d} (the first decision wins; later clicks see who decided and when)`,
        errors: { 404: 'Tampered or unknown link', 410: 'Expired link' },
      },
    ]),
    { tag, method: 'get', path: '/payments-service/user/ethereum/transfer/history', headers: [ticket], summary: 'Your transfers and deposits, newest first', errors },
    {
      tag,
      method: 'get',
      path: '/payments-service/participants/deposit/ethereum',
      headers: [ticket],
      summary: "The participant's deposit settings: its deposit address and the coins credited there",
      responseExample: { address: '0x3d74e50Fb155f32d2A477F9068B30C2B28377f8e', unlimited_coins: false, coins: '1250000000000000000000', fee: null },
      errors: { ...errors, 403: 'Not a participant ticket' },
    },
    { tag, method: 'get', path: '/user/ethereum/deposit', headers: [ticket], summary: 'Your deposit address (derived from the deposit HD wallet; ERC-20 sent there is credited to account_coins)', responseExample: { address: '0xAc08558735d2a968f8D7B6a00b37328899dF1f28' }, errors },
    { tag, method: 'get', path: '/payments-service/participants/current/ethereum', headers: [ticket], summary: "The participant's Ethereum account", responseExample: { address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' }, errors: { ...errors, 403: 'Not a participant ticket' } },
    { tag, method: 'put', path: '/payments-service/participants/current/ethereum', headers: [ticket], summary: "Set (checksummed) or clear (null) the participant's Ethereum account", description: 'Refused (409 payments-transfers_in_flight) while transfers requested with this ticket are pending or settling.', requestExample: { address: null }, responseExample: { address: null }, errors: { ...errors, 403: 'Not a participant ticket', 409: 'Transfers in flight' } },
  ];
}
