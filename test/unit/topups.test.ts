/** Coin top-up arithmetic and the history v2 shape of chains that need no payout read. */
import { describe, expect, it } from 'vitest';
import { stringify } from '../../lib/json.js';
import { parseFraction } from '../../lib/ledger/money.js';
import { chainView, coinsFor, minCents } from '../../lib/topups/index.js';
import type { TopUp } from '../../lib/topups/repository.js';

const COIN = 10n ** 18n;

describe('top-up amounts', () => {
  it('the minimum is rounded up to the cent, coins are floored to the wei', () => {
    expect(minCents(100n, parseFraction('0.051'))).toBe(510n);
    expect(minCents(100n, parseFraction('0.05123'))).toBe(513n); // 512.3 cents
    expect(minCents(1n, parseFraction('0.0000001'))).toBe(1n);
    expect(coinsFor(510n, parseFraction('0.051'))).toBe(100n * COIN);
    expect(coinsFor(1000n, parseFraction('0.03'))).toBe((10n * COIN * 100n) / 3n); // 333.33… coins, floored
    // What the minimum buys is never less than the minimum coins.
    for (const price of ['0.05123', '0.3', '1.7', '0.000123']) expect(coinsFor(minCents(100n, parseFraction(price)), parseFraction(price)) >= 100n * COIN).toBe(true);
  });
});

const base: TopUp = {
  uuid: '26819ece-5d6f-4f4e-9a64-9f3176956830',
  participant: 'urn:authenticateit:participant:p',
  origin: 'manual',
  state: 'charging',
  amount: 510n,
  currency: 'aud',
  coins: 100n * COIN,
  price: '0.051',
  priceAt: '2019-02-18T08:00:00.000Z',
  customerId: 'cus_1',
  cardId: 'card_1',
  createdAt: '2019-02-18T08:18:00.123Z',
  updatedAt: '2019-02-18T08:18:00.123Z',
};
const id = `urn:authenticateit:transaction_request:${base.uuid}`;

describe('history v2 chains', () => {
  it('a declined charge: one failed charge step with its reason; the outer amount in major units, exact', async () => {
    const view = await chainView({ ...base, state: 'charge_failed', chargedAt: '2019-02-18T08:18:01.000Z', reason: 'The card was declined. 2019-02-18T08:18:01Z' });
    expect(stringify(view)).toBe(
      `{"amount":5.1,"history":[{"amount":510,"charge_id":null,"currency":"aud","hash":null,"id":"${id}","reason":"The card was declined. 2019-02-18T08:18:01Z","status":"failure","sub_type":"charge","ts":"2019-02-18T08:18:01Z","type":"topup"}],"id":"${id}","status":"failure","ts":"2019-02-18T08:18:00Z"}`,
    );
  });

  it('a success: topup (coins, hash) then charge, newest first; a refunded chain is a failure with three steps', async () => {
    const charged = { ...base, chargeId: 'ch_1', chargedAt: '2019-02-18T08:18:01.000Z', settledAt: '2019-02-18T08:18:20.000Z', txHash: '0xabc' };
    const ok = JSON.parse(stringify(await chainView({ ...charged, state: 'success' })));
    expect(ok).toMatchObject({ amount: 5.1, status: 'success' });
    expect(ok.history).toEqual([
      { amount: 510, charge_id: 'ch_1', coins: (100n * COIN).toString(), currency: 'aud', hash: '0xabc', id, status: 'success', sub_type: 'topup', ts: '2019-02-18T08:18:20Z', type: 'topup' },
      { amount: 510, charge_id: 'ch_1', currency: 'aud', hash: null, id, status: 'success', sub_type: 'charge', ts: '2019-02-18T08:18:01Z', type: 'topup' },
    ]);
    const refunded = JSON.parse(stringify(await chainView({ ...charged, state: 'refunded', refundedAt: '2019-02-18T08:19:00.000Z', amount: 2000n })));
    expect(refunded.amount).toBe(20);
    expect(refunded.status).toBe('failure');
    expect(refunded.history.map((s: { sub_type: string; status: string }) => `${s.sub_type}:${s.status}`)).toEqual(['refund:success', 'topup:failure', 'charge:success']);
    expect(refunded.history[1]).not.toHaveProperty('coins');
  });
});
