import Stripe from 'stripe';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CardPaymentError, stripeCardPayments, stripeClient, type StripeApi } from '../../lib/billing/card-payments.js';
import { billingConfig, resetConfig } from '../../lib/config/index.js';
import { environmentOf } from '../../scripts/functions.js';

const { StripeCardError, StripeConnectionError, StripeAPIError, StripeRateLimitError, StripeAuthenticationError, StripeInvalidRequestError, StripeIdempotencyError } = Stripe.errors;
const PROVIDER_TEXT = 'provider says: card 4000000000009995 for cus_123';

/** A stand-in SDK whose calls all fail with `error`, or answer with `value`. */
function sdk(outcome: { error?: Error; value?: unknown }) {
  const fn = () => vi.fn(async () => {
    if (outcome.error) throw outcome.error;
    return outcome.value;
  });
  const api = {
    customers: { create: fn(), createSource: fn(), deleteSource: fn() },
    tokens: { create: fn() },
    charges: { create: fn(), retrieve: fn() },
    refunds: { create: fn() },
  };
  return { api, payments: stripeCardPayments(api as unknown as StripeApi) };
}

const chargeRequest = { customerId: 'cus_1', amount: 1950n, currency: 'AUD', description: 'Lite plan', idempotencyKey: 'plan-p1-2026-11' };

async function thrown(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (err) {
    return err as Error;
  }
  throw new Error('expected a failure');
}

describe('card payments: outcomes of provider errors', () => {
  it('a decline is the outcome of a charge, with its reason and the failed charge id', async () => {
    const { payments } = sdk({ error: new StripeCardError({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', charge: 'ch_failed', message: PROVIDER_TEXT }) });
    const result = await payments.charge(chargeRequest);
    expect(result).toMatchObject({ id: 'ch_failed', status: 'failed', amount: 1950n, currency: 'aud', failure: { code: 'card_declined', declineCode: 'insufficient_funds', message: 'The card has insufficient funds.' } });
    expect(JSON.stringify(result, (_, v) => (typeof v === 'bigint' ? String(v) : v))).not.toContain('provider says');
  });

  it('fraud-related decline reasons are reported as generic declines', async () => {
    const { payments } = sdk({ error: new StripeCardError({ type: 'card_error', code: 'card_declined', decline_code: 'stolen_card', charge: 'ch_x' }) });
    expect((await payments.charge(chargeRequest)).failure).toEqual({ code: 'card_declined', declineCode: 'generic_decline', message: 'The card was declined.' });
  });

  it('card errors about the details are invalid_card with the reason', async () => {
    const { payments } = sdk({ error: new StripeCardError({ type: 'card_error', code: 'expired_card', charge: 'ch_y', message: PROVIDER_TEXT }) });
    expect((await payments.charge(chargeRequest)).failure).toEqual({ code: 'invalid_card', reason: 'expired_card', message: 'The card has expired.' });
  });

  it.each([
    ['connection', new StripeConnectionError({ message: PROVIDER_TEXT })],
    ['5xx', new StripeAPIError({ type: 'api_error', message: PROVIDER_TEXT })],
    ['rate limit', new StripeRateLimitError({ type: 'rate_limit_error', message: PROVIDER_TEXT })],
    ['our key refused', new StripeAuthenticationError({ type: 'authentication_error', message: PROVIDER_TEXT })],
  ])('%s errors are provider_unavailable, thrown (the outcome is unknown), without the provider text', async (_, error) => {
    const { payments } = sdk({ error });
    const err = await thrown(payments.charge(chargeRequest));
    expect(err).toBeInstanceOf(CardPaymentError);
    expect((err as CardPaymentError).failure.code).toBe('provider_unavailable');
    expect(err.message).not.toContain('provider says');
    expect(await thrown(payments.refund({ chargeId: 'ch_1', idempotencyKey: 'r1' }))).toBeInstanceOf(CardPaymentError);
  });

  it('an unknown token is invalid_card when saving a card', async () => {
    const { payments } = sdk({ error: new StripeInvalidRequestError({ type: 'invalid_request_error', code: 'resource_missing', param: 'source', message: PROVIDER_TEXT }) });
    const err = (await thrown(payments.attachCard('cus_1', { token: 'tok_nope' }))) as CardPaymentError;
    expect(err.failure).toEqual({ code: 'invalid_card', reason: 'unknown_token', message: 'The card token is unknown or was already used.' });
  });

  it('a decline while saving a card is thrown as a typed card_declined', async () => {
    const { payments } = sdk({ error: new StripeCardError({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: PROVIDER_TEXT }) });
    const err = (await thrown(payments.attachCard('cus_1', { token: 'tok_chargeDeclinedInsufficientFunds' }))) as CardPaymentError;
    expect(err.failure).toMatchObject({ code: 'card_declined', declineCode: 'insufficient_funds' });
  });

  it('a request the provider refuses as malformed, or a reused idempotency key, is an internal error, not a card failure', async () => {
    for (const error of [
      new StripeInvalidRequestError({ type: 'invalid_request_error', code: 'parameter_invalid_integer', param: 'amount', message: PROVIDER_TEXT }),
      new StripeIdempotencyError({ type: 'idempotency_error', message: PROVIDER_TEXT }),
    ]) {
      const err = await thrown(sdk({ error }).payments.charge(chargeRequest));
      expect(err).not.toBeInstanceOf(CardPaymentError);
      expect(err.message).toMatch(/rejected charge/);
      expect(err.message).not.toContain('provider says');
    }
  });

  it('a missing card or charge is no error for removeCard and null for getCharge', async () => {
    const { payments } = sdk({ error: new StripeInvalidRequestError({ type: 'invalid_request_error', code: 'resource_missing', param: 'id' }) });
    await expect(payments.removeCard('cus_1', 'card_gone')).resolves.toBeUndefined();
    await expect(payments.getCharge('ch_gone')).resolves.toBeNull();
  });

  it('errors that are not the provider’s pass through untouched', async () => {
    const bug = new TypeError('boom');
    expect(await thrown(sdk({ error: bug }).payments.charge(chargeRequest))).toBe(bug);
  });
});

describe('card payments: requests', () => {
  it('a charge sends integer minor units, the lower-case currency and the idempotency key', async () => {
    const { api, payments } = sdk({ value: { id: 'ch_1', status: 'succeeded', amount: 1950, currency: 'aud', amount_refunded: 0 } });
    expect(await payments.charge({ ...chargeRequest, metadata: { participant: 'p1' } })).toEqual({ id: 'ch_1', status: 'succeeded', amount: 1950n, currency: 'aud', refunded: 0n });
    expect(api.charges.create).toHaveBeenCalledWith({ customer: 'cus_1', amount: 1950, currency: 'aud', description: 'Lite plan', metadata: { participant: 'p1' } }, { idempotencyKey: 'plan-p1-2026-11' });
  });

  it('refuses amounts that are not positive whole minor units, and charges without an idempotency key', async () => {
    const { api, payments } = sdk({ value: {} });
    for (const amount of [0n, -5n, 2n ** 60n, 19.5, 0]) await expect(payments.charge({ ...chargeRequest, amount })).rejects.toThrow(RangeError);
    await expect(payments.charge({ ...chargeRequest, idempotencyKey: '' })).rejects.toThrow(RangeError);
    expect(api.charges.create).not.toHaveBeenCalled();
  });

  it('raw card details go to the provider as a token request, and only the token is saved on the customer', async () => {
    const { api, payments } = sdk({ value: { id: 'card_1', object: 'card', brand: 'Visa', last4: '4242', exp_month: 12, exp_year: 2031 } });
    api.tokens.create.mockResolvedValue({ id: 'tok_1' });
    const saved = await payments.attachCard('cus_1', { card: { number: '4242424242424242', exp_month: 12, exp_year: 2031, cvc: '123' } });
    expect(api.tokens.create).toHaveBeenCalledWith({ card: { number: '4242424242424242', exp_month: '12', exp_year: '2031', cvc: '123' } });
    expect(api.customers.createSource).toHaveBeenCalledWith('cus_1', { source: 'tok_1' });
    expect(saved).toEqual({ cardId: 'card_1', brand: 'Visa', last4: '4242', expMonth: 12, expYear: 2031 });
  });
});

describe('billing configuration', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['STRIPE_SECRET_KEY', 'STRIPE_API_URL']) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
    resetConfig();
  });

  it('needs a Stripe secret key', () => {
    delete process.env.STRIPE_SECRET_KEY;
    expect(() => billingConfig()).toThrow('STRIPE_SECRET_KEY is not set');
    process.env.STRIPE_SECRET_KEY = 'whsec_abc';
    resetConfig();
    expect(() => billingConfig()).toThrow('STRIPE_SECRET_KEY must be a Stripe secret or restricted key');
  });

  it('never sends a live key anywhere but Stripe', () => {
    expect(() => stripeClient({ STRIPE_SECRET_KEY: 'sk_live_abc', STRIPE_API_URL: 'http://127.0.0.1:12111' })).toThrow('STRIPE_API_URL cannot be used with a live STRIPE_SECRET_KEY');
    expect(stripeClient({ STRIPE_SECRET_KEY: 'sk_test_abc', STRIPE_API_URL: 'http://127.0.0.1:12111' })).toBeInstanceOf(Stripe);
  });

  it('in AWS only functions that use billing get the key, from Secrets Manager', () => {
    expect(environmentOf(['billing'], {}).STRIPE_SECRET_KEY).toBe('{{resolve:secretsmanager:${self:service}/${sls:stage}:SecretString:stripeSecretKey}}');
    expect(environmentOf(['billing'], {})).not.toHaveProperty('STRIPE_API_URL');
    expect(environmentOf(['cards', 'coins', 'mail'], {})).not.toHaveProperty('STRIPE_SECRET_KEY');
  });
});
