/**
 * Card payments: customers, their saved cards, charges and refunds at the card payment provider (Stripe),
 * behind a small interface. This is the only module that touches the Stripe SDK. Locally and in tests the
 * SDK talks to the stack's Stripe emulator (STRIPE_API_URL); in AWS to Stripe itself.
 *
 * Card numbers are never stored or logged here: raw card details are turned into a provider token at once
 * and forgotten; what comes back is the provider's card id, brand, last four digits and expiry. Declines and
 * provider errors come out as a small typed set, never as the provider's own error.
 */
import Stripe from 'stripe';
import { billingConfig, ConfigError } from '../config/index.js';
import { log } from '../log/index.js';

/** Why a card could not be saved or charged. Messages are ours, fit to show to the card holder. */
export type CardFailure =
  /** The issuer (or the provider's fraud screening) refused; `declineCode` is the reason (`insufficient_funds`, `generic_decline`, ...). */
  | { code: 'card_declined'; declineCode: string; message: string }
  /** The card details or token are wrong, expired or unknown; `reason` says which (`incorrect_number`, `expired_card`, `unknown_token`, `no_card`, ...). */
  | { code: 'invalid_card'; reason: string; message: string }
  /** The provider could not be reached or failed; the outcome of a charge is unknown: retry with the same idempotency key. */
  | { code: 'provider_unavailable'; message: string };

/** A definite refusal (as opposed to not knowing): what a failed charge carries. */
export type CardRefusal = Exclude<CardFailure, { code: 'provider_unavailable' }>;

/** Thrown by every operation except `charge`, whose declines are part of its result. */
export class CardPaymentError extends Error {
  constructor(readonly failure: CardFailure) {
    super(failure.message);
    this.name = 'CardPaymentError';
  }
}

/** A card the card holder gave: the provider's token (the default: made by the provider's client library), or raw details. */
export type CardInput = { token: string } | { card: { number: string; exp_month: number; exp_year: number; cvc?: string; name?: string } };

export interface SavedCard {
  /** The provider's id of the saved card (`card_...`). */
  cardId: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

export interface ChargeRequest {
  customerId: string;
  /** Integer minor units of `currency` (cents). */
  amount: bigint | number;
  /** ISO 4217, any case. */
  currency: string;
  description: string;
  /** Sent as Stripe's Idempotency-Key: the same key within 24 hours gives the same charge, never a second one. */
  idempotencyKey: string;
  metadata?: Record<string, string>;
  /** A saved card of the customer; the customer's default card when left out. */
  cardId?: string;
}

export interface ChargeResult {
  /** The provider's charge id; null when a decline left no charge behind. */
  id: string | null;
  status: 'succeeded' | 'pending' | 'failed';
  amount: bigint;
  currency: string;
  /** Set when `status` is `failed`. */
  failure?: CardRefusal;
  /** Minor units refunded so far. */
  refunded: bigint;
}

export interface RefundResult {
  id: string;
  chargeId: string;
  status: string;
  amount: bigint;
}

export interface CardPayments {
  createCustomer(input: { participant: string; email?: string; idempotencyKey?: string }): Promise<{ customerId: string }>;
  attachCard(customerId: string, input: CardInput): Promise<SavedCard>;
  /** Removing a card that is already gone is no error. */
  removeCard(customerId: string, cardId: string): Promise<void>;
  charge(request: ChargeRequest): Promise<ChargeResult>;
  /** The whole charge, or `amount` minor units of it. */
  refund(input: { chargeId: string; idempotencyKey: string; amount?: bigint | number }): Promise<RefundResult>;
  /** Null when the provider has no such charge. */
  getCharge(id: string): Promise<ChargeResult | null>;
}

/** What of the SDK this adapter uses (tests pass a stand-in). */
export type StripeApi = Pick<Stripe, 'customers' | 'tokens' | 'charges' | 'refunds'>;

/** An SDK client from the billing configuration: the emulator when STRIPE_API_URL is set, Stripe otherwise. */
export function stripeClient(config = billingConfig()): Stripe {
  const key = config.STRIPE_SECRET_KEY;
  const url = config.STRIPE_API_URL ? new URL(config.STRIPE_API_URL) : undefined;
  // A live key goes to Stripe and nowhere else.
  if (url && key.includes('_live_')) throw new ConfigError('Invalid billing configuration: STRIPE_API_URL cannot be used with a live STRIPE_SECRET_KEY');
  const protocol = url?.protocol === 'http:' ? 'http' : 'https';
  return new Stripe(key, {
    maxNetworkRetries: 1,
    timeout: 15_000,
    telemetry: false,
    ...(url ? { host: url.hostname, port: url.port || (protocol === 'http' ? 80 : 443), protocol } : {}),
  });
}

let shared: CardPayments | undefined;
/** The platform's card payments (one SDK client per container). */
export const cardPayments = (): CardPayments => (shared ??= stripeCardPayments(stripeClient()));

const UNAVAILABLE: CardFailure = { code: 'provider_unavailable', message: 'The card payment provider is unavailable; try again later.' };

/**
 * Decline reasons Stripe asks not to show the card holder (they would tell a fraudster which check failed):
 * reported as `generic_decline`, logged as they are.
 */
const UNDISCLOSED_DECLINES = new Set(['fraudulent', 'lost_card', 'stolen_card', 'pickup_card', 'restricted_card', 'merchant_blacklist', 'security_violation']);

const DECLINE_MESSAGES: Record<string, string> = {
  insufficient_funds: 'The card has insufficient funds.',
  card_velocity_exceeded: 'The card has exceeded its limit.',
  withdrawal_count_limit_exceeded: 'The card has exceeded its limit.',
  processing_error: 'The card could not be processed; try again.',
  card_not_supported: 'The card does not support this kind of payment.',
  currency_not_supported: 'The card does not support this currency.',
};

/** Card error codes that are about the card's details rather than the issuer's decision. */
const INVALID_CARD_MESSAGES: Record<string, string> = {
  incorrect_number: 'The card number is incorrect.',
  invalid_number: 'The card number is incorrect.',
  invalid_expiry_month: "The card's expiry month is invalid.",
  invalid_expiry_year: "The card's expiry year is invalid.",
  expired_card: 'The card has expired.',
  invalid_cvc: "The card's security code is invalid.",
  incorrect_cvc: "The card's security code is incorrect.",
  incorrect_zip: "The card's postal code is incorrect.",
  unknown_token: 'The card token is unknown or was already used.',
  no_card: 'No card is saved for this customer.',
};

const declined = (declineCode: string): CardRefusal => {
  const shown = UNDISCLOSED_DECLINES.has(declineCode) ? 'generic_decline' : declineCode;
  return { code: 'card_declined', declineCode: shown, message: DECLINE_MESSAGES[shown] ?? 'The card was declined.' };
};
const invalidCard = (reason: string): CardRefusal => ({ code: 'invalid_card', reason, message: INVALID_CARD_MESSAGES[reason] ?? 'The card details are invalid.' });

interface StripeErrorLike {
  type: string;
  rawType?: string;
  code?: string;
  decline_code?: string;
  param?: string;
  statusCode?: number;
  requestId?: string;
  raw?: { charge?: string };
}
const isStripeError = (err: unknown): err is StripeErrorLike => err instanceof Error && String((err as Partial<StripeErrorLike>).type).startsWith('Stripe');

/**
 * The typed failure of a provider error, or a thrown internal error when the provider refused the request
 * itself (a bug on our side: nothing the card holder can change). Logs what the provider said, never its
 * message (it can quote request parameters).
 */
function failureOf(operation: string, err: unknown): CardFailure {
  if (!isStripeError(err)) throw err;
  const fields = { operation, type: err.type, reason: [err.code, err.decline_code].filter(Boolean).join('/'), param: err.param, status: err.statusCode, requestId: err.requestId };
  switch (err.type) {
    case 'StripeCardError': {
      log.info('card payment refused', fields);
      const code = err.code ?? 'card_declined';
      if (code === 'card_declined') return declined(err.decline_code ?? 'generic_decline');
      if (code in INVALID_CARD_MESSAGES) return invalidCard(code);
      // Some providers (and the emulator) report "no card to charge" as a card error.
      if (code === 'missing') return invalidCard('no_card');
      return declined(code);
    }
    case 'StripeInvalidRequestError':
      if (err.code === 'resource_missing' && (err.param === 'source' || err.param === 'card' || err.param === 'token')) {
        log.info('card payment refused', fields);
        return invalidCard('unknown_token');
      }
      if (err.code === 'missing' && (err.param === 'card' || err.param === 'source')) {
        log.info('card payment refused', fields);
        return invalidCard('no_card');
      }
      log.error('card payment provider rejected the request', fields);
      throw new Error(`the card payment provider rejected ${operation}: ${fields.reason || 'invalid request'}${err.param ? ` (${err.param})` : ''}`);
    case 'StripeIdempotencyError':
      log.error('card payment provider rejected the request', fields);
      throw new Error(`the card payment provider rejected ${operation}: an idempotency key reused with other parameters`);
    case 'StripeAuthenticationError':
    case 'StripePermissionError':
      // Our key: the card holder can only wait for us to fix it.
      log.error('card payment provider refused our key', fields);
      return UNAVAILABLE;
    default:
      log.warn('card payment provider unavailable', fields);
      return UNAVAILABLE;
  }
}

const isMissing = (err: unknown) => isStripeError(err) && err.type === 'StripeInvalidRequestError' && err.code === 'resource_missing';

function minorUnits(amount: bigint | number): number {
  const value = typeof amount === 'bigint' ? amount : Number.isSafeInteger(amount) ? BigInt(amount) : -1n;
  if (value <= 0n || value > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError('amount must be a positive whole number of minor units');
  return Number(value);
}

function requireKey(idempotencyKey: string): string {
  if (!idempotencyKey || idempotencyKey.length > 255) throw new RangeError('idempotencyKey must be 1 to 255 characters');
  return idempotencyKey;
}

function savedCard(source: unknown): SavedCard {
  const card = source as Partial<Stripe.Card>;
  if (card.object !== 'card' || !card.id) throw new Error('the card payment provider saved something other than a card');
  return { cardId: card.id, brand: card.brand ?? 'Unknown', last4: card.last4 ?? '', expMonth: card.exp_month ?? 0, expYear: card.exp_year ?? 0 };
}

function chargeResult(charge: Stripe.Charge): ChargeResult {
  const base = { id: charge.id, amount: BigInt(charge.amount), currency: charge.currency, refunded: BigInt(charge.amount_refunded ?? 0) };
  if (charge.status === 'succeeded') return { ...base, status: 'succeeded' };
  if (charge.status === 'pending') return { ...base, status: 'pending' };
  return { ...base, status: 'failed', failure: failureFromCharge(charge) };
}

/** A failed charge read back: its failure code as a decline or an invalid card. */
function failureFromCharge(charge: Stripe.Charge): CardRefusal {
  const code = charge.failure_code ?? 'card_declined';
  if (code in INVALID_CARD_MESSAGES) return invalidCard(code);
  return declined(code === 'card_declined' ? (charge.outcome?.reason ?? 'generic_decline') : code);
}

export function stripeCardPayments(stripe: StripeApi): CardPayments {
  /** Runs one provider call; provider errors become CardPaymentError. */
  const call = async <T>(operation: string, fn: () => Promise<T>): Promise<T> => {
    try {
      return await fn();
    } catch (err) {
      throw new CardPaymentError(failureOf(operation, err));
    }
  };

  return {
    async createCustomer({ participant, email, idempotencyKey }) {
      const customer = await call('createCustomer', () =>
        stripe.customers.create({ ...(email ? { email } : {}), metadata: { participant } }, idempotencyKey ? { idempotencyKey: requireKey(idempotencyKey) } : undefined),
      );
      return { customerId: customer.id };
    },

    async attachCard(customerId, input) {
      let token: string;
      if ('token' in input) token = input.token;
      else {
        // Raw details live only for this call: the provider turns them into a single-use token.
        const { number, exp_month, exp_year, cvc, name } = input.card;
        token = (await call('tokenizeCard', () => stripe.tokens.create({ card: { number, exp_month: String(exp_month), exp_year: String(exp_year), ...(cvc ? { cvc } : {}), ...(name ? { name } : {}) } }))).id;
      }
      const card = savedCard(await call('attachCard', () => stripe.customers.createSource(customerId, { source: token })));
      log.info('card saved', { customerId, cardId: card.cardId, brand: card.brand, last4: card.last4 });
      return card;
    },

    async removeCard(customerId, cardId) {
      try {
        await stripe.customers.deleteSource(customerId, cardId);
      } catch (err) {
        if (isMissing(err)) return;
        throw new CardPaymentError(failureOf('removeCard', err));
      }
    },

    async charge({ customerId, amount, currency, description, idempotencyKey, metadata, cardId }) {
      const params = {
        customer: customerId,
        amount: minorUnits(amount),
        currency: currency.toLowerCase(),
        description,
        ...(metadata ? { metadata } : {}),
        ...(cardId ? { source: cardId } : {}),
      } satisfies Stripe.ChargeCreateParams;
      try {
        return chargeResult(await stripe.charges.create(params, { idempotencyKey: requireKey(idempotencyKey) }));
      } catch (err) {
        const failure = failureOf('charge', err);
        if (failure.code === 'provider_unavailable') throw new CardPaymentError(failure);
        // A decline is an outcome: the provider keeps the failed charge (its id comes with the error).
        const chargeId = isStripeError(err) ? (err.raw?.charge ?? null) : null;
        return { id: chargeId, status: 'failed', amount: BigInt(params.amount), currency: params.currency, failure, refunded: 0n };
      }
    },

    async refund({ chargeId, idempotencyKey, amount }) {
      const refund = await call('refund', () =>
        stripe.refunds.create({ charge: chargeId, ...(amount !== undefined ? { amount: minorUnits(amount) } : {}) }, { idempotencyKey: requireKey(idempotencyKey) }),
      );
      return { id: refund.id, chargeId, status: refund.status ?? 'pending', amount: BigInt(refund.amount) };
    },

    async getCharge(id) {
      try {
        return chargeResult(await stripe.charges.retrieve(id));
      } catch (err) {
        if (isMissing(err)) return null;
        throw new CardPaymentError(failureOf('getCharge', err));
      }
    },
  };
}
