/** Card payments against the stack's Stripe emulator, through the same SDK configuration the functions use. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CardPaymentError, stripeCardPayments, stripeClient, type CardPayments } from '../../lib/billing/card-payments.js';
import { resetConfig } from '../../lib/config/index.js';
import { stack, uniq } from '../fixtures/stack.js';

let payments: CardPayments;
beforeEach(() => {
  resetConfig();
  payments = stripeCardPayments(stripeClient());
});

const newCustomer = async () => (await payments.createCustomer({ participant: uniq('participant'), email: 'billing@example.com' })).customerId;

async function refusal(promise: Promise<unknown>): Promise<CardPaymentError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof CardPaymentError) return err;
    throw err;
  }
  throw new Error('expected a CardPaymentError');
}

const charge = (customerId: string, idempotencyKey = uniq('charge')) => payments.charge({ customerId, amount: 19_500n, currency: 'AUD', description: 'Lite plan', idempotencyKey, metadata: { customer: customerId } });

describe('card payments on the Stripe emulator', () => {
  it('the stack points the SDK at its emulator with a test key', () => {
    expect(process.env.STRIPE_API_URL).toBe(stack().stripeUrl);
    expect(process.env.STRIPE_SECRET_KEY).toMatch(/^sk_test_/);
  });

  it('saves a card from a token and charges the customer', async () => {
    const customerId = await newCustomer();
    expect(customerId).toMatch(/^cus_/);
    const card = await payments.attachCard(customerId, { token: 'tok_visa' });
    expect(card).toMatchObject({ cardId: expect.stringMatching(/^card_/), brand: 'Visa', last4: '4242' });
    const result = await charge(customerId);
    expect(result).toMatchObject({ id: expect.stringMatching(/^ch_/), status: 'succeeded', amount: 19_500n, currency: 'aud', refunded: 0n });
    expect(result.failure).toBeUndefined();
    expect(await payments.getCharge(result.id!)).toEqual(result);
  });

  it('insufficient funds is a typed decline with its reason, and the card is not kept', async () => {
    const customerId = await newCustomer();
    const err = await refusal(payments.attachCard(customerId, { token: 'tok_chargeDeclinedInsufficientFunds' }));
    expect(err.failure).toEqual({ code: 'card_declined', declineCode: 'insufficient_funds', message: 'The card has insufficient funds.' });
    // Nothing to charge: the declined card was not saved.
    expect((await charge(customerId)).failure).toMatchObject({ code: 'invalid_card', reason: 'no_card' });
  });

  it('a card that saves but is declined when charged gives a failed charge, not an exception', async () => {
    const customerId = await newCustomer();
    await payments.attachCard(customerId, { token: 'tok_chargeCustomerFail' });
    const result = await charge(customerId);
    expect(result).toMatchObject({ id: expect.stringMatching(/^ch_/), status: 'failed', failure: { code: 'card_declined', declineCode: 'generic_decline' } });
    expect(await payments.getCharge(result.id!)).toMatchObject({ status: 'failed', failure: { code: 'card_declined' } });
  });

  it('the same idempotency key twice makes one charge', async () => {
    const customerId = await newCustomer();
    await payments.attachCard(customerId, { token: 'tok_visa' });
    const key = uniq('topup');
    const first = await charge(customerId, key);
    const second = await charge(customerId, key);
    expect(second.id).toBe(first.id);
    // (The emulator does not file charges under their customer: find them by metadata.)
    const charges = await stripeClient().charges.list({ limit: 100 }).autoPagingToArray({ limit: 10_000 });
    expect(charges.filter((c) => c.metadata.customer === customerId).map((c) => c.id)).toEqual([first.id]);
    // Another key is another charge.
    expect((await charge(customerId)).id).not.toBe(first.id);
  });

  it('refunds a charge, once per idempotency key', async () => {
    const customerId = await newCustomer();
    await payments.attachCard(customerId, { token: 'tok_mastercard' });
    const paid = await charge(customerId);
    const key = uniq('refund');
    const refund = await payments.refund({ chargeId: paid.id!, idempotencyKey: key });
    expect(refund).toMatchObject({ id: expect.stringMatching(/^re_/), chargeId: paid.id, status: 'succeeded', amount: 19_500n });
    expect((await payments.refund({ chargeId: paid.id!, idempotencyKey: key })).id).toBe(refund.id);
    expect(await payments.getCharge(paid.id!)).toMatchObject({ status: 'succeeded', refunded: 19_500n });
  });

  it('removes a card; removing it again is no error', async () => {
    const customerId = await newCustomer();
    const card = await payments.attachCard(customerId, { token: 'tok_visa' });
    await payments.removeCard(customerId, card.cardId);
    await payments.removeCard(customerId, card.cardId);
    expect((await charge(customerId)).failure).toMatchObject({ code: 'invalid_card', reason: 'no_card' });
  });

  it('an unknown token, a missing charge', async () => {
    const customerId = await newCustomer();
    expect((await refusal(payments.attachCard(customerId, { token: 'tok_doesNotExist' }))).failure).toMatchObject({ code: 'invalid_card', reason: 'unknown_token' });
    expect(await payments.getCharge('ch_doesNotExist')).toBeNull();
  });
});

describe('raw card details', () => {
  const NUMBER = '5200828282828210';
  const DECLINED = '4000000000009995';
  const WRONG = '4242424242424241';
  let lines: string[];
  const writes = { out: process.stdout.write, err: process.stderr.write };
  const saved = process.env.LOG_LEVEL;

  beforeEach(() => {
    lines = [];
    process.env.LOG_LEVEL = 'debug';
    const capture = (stream: NodeJS.WriteStream) =>
      ((chunk: unknown, ...rest: unknown[]) => {
        lines.push(String(chunk));
        return (stream === process.stdout ? writes.out : writes.err).call(stream, chunk as string, ...(rest as []));
      }) as typeof stream.write;
    process.stdout.write = capture(process.stdout);
    process.stderr.write = capture(process.stderr);
  });
  afterEach(() => {
    process.stdout.write = writes.out;
    process.stderr.write = writes.err;
    process.env.LOG_LEVEL = saved;
  });

  it('become a provider token at once: the number is in no result, no stored value and no log line', async () => {
    const customerId = await newCustomer();
    const card = await payments.attachCard(customerId, { card: { number: NUMBER, exp_month: 12, exp_year: 2031, cvc: '123' } });
    expect(card).toEqual({ cardId: expect.stringMatching(/^card_/), brand: 'MasterCard', last4: '8210', expMonth: 12, expYear: 2031 });
    const declined = await refusal(payments.attachCard(customerId, { card: { number: DECLINED, exp_month: 1, exp_year: 2030 } }));
    expect(declined.failure).toMatchObject({ code: 'card_declined', declineCode: 'insufficient_funds' });
    const wrong = await refusal(payments.attachCard(customerId, { card: { number: WRONG, exp_month: 1, exp_year: 2030 } }));
    expect(wrong.failure).toMatchObject({ code: 'invalid_card', reason: 'incorrect_number' });
    const paid = await charge(customerId);
    expect(paid.status).toBe('succeeded');

    // What the provider keeps for the customer and the charge.
    const stored = JSON.stringify([await stripeClient().customers.retrieve(customerId, { expand: ['sources'] }), await stripeClient().charges.retrieve(paid.id!)]);
    expect(stored).toContain('8210');
    const emulatorLog = join(stack().logDir, 'stripe.log');
    expect(existsSync(emulatorLog)).toBe(true);
    const everything = [JSON.stringify(card), JSON.stringify(declined), declined.message, JSON.stringify(wrong), wrong.message, stored, readFileSync(emulatorLog, 'utf8'), ...lines];
    expect(lines.some((l) => l.includes('card saved') && l.includes(customerId))).toBe(true);
    for (const number of [NUMBER, DECLINED, WRONG]) for (const text of everything) expect(text).not.toContain(number);
  });
});
