/** Per-partner limits on the shared distribution fund: per purchase, per UTC day (a budget in the purchase's transaction), the alert. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { fundBalance, fundDistribution, partnerBalance, tokens } from '../../lib/admin/index.js';
import { budgetWindow } from '../../lib/db/counters.js';
import { partnerCashbackFamily } from '../../lib/http/families.js';
import { log } from '../../lib/log/index.js';
import { getPartner } from '../../lib/partners/index.js';
import { setFundLimits } from '../../lib/partners/limits.js';
import { partnerFundBudgetsRepo } from '../../lib/partners/repository.js';
import { newPurchase } from '../../lib/purchases/index.js';
import { ordersRepo } from '../../lib/purchases/repository.js';
import type { NewPurchaseInput } from '../../lib/purchases/schema.js';
import { answerOf } from '../fixtures/answers.js';
import { newPartner, postForm, randomAddress, uniq } from '../fixtures/stack.js';
import { admin } from '../fixtures/admin.js';

const TOKEN = 10n ** 18n;

/** A fresh partner (1,000 tokens of deposit), with limit overrides when given. */
async function partnerWith(limits: { perPurchase?: bigint; perDay?: bigint } = {}) {
  const created = await newPartner('1000');
  if (limits.perPurchase !== undefined || limits.perDay !== undefined) {
    await setFundLimits(created.name, { maxFundPerPurchase: limits.perPurchase, maxFundPerDay: limits.perDay });
  }
  return { ...created, partner: (await getPartner(created.name))! };
}

/** 100 USD at 1 USD per token: 10 tokens of base from the fund, plus the match of the partner percentage. */
const order = (p: { name: string; key: string }, over: Partial<NewPurchaseInput> = {}): NewPurchaseInput => ({
  partner: p.name,
  partner_key: p.key,
  customer: 'c1',
  order_id: uniq('order'),
  address: randomAddress(),
  currency: 'USD',
  currency_amount: 100,
  partner_cashback_percentage: 0,
  ...over,
});

const takenToday = (partner: string) => partnerFundBudgetsRepo.taken('main', partner, budgetWindow(new Date(), 'day'));


afterEach(() => {
  vi.restoreAllMocks();
});

describe('per-purchase limit on the distribution fund', () => {
  it('refuses a purchase whose base + match is over the partner limit with a 422, writing nothing', async () => {
    const { partner, ...p } = await partnerWith({ perPurchase: 11n * TOKEN });
    const req = order(p, { partner_cashback_percentage: 2 }); // base 10 + match 2 = 12 tokens from the fund
    const [fund, deposit] = [await fundBalance('main'), await partnerBalance('main', partner.name)];
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', partner, req));
    expect(err.status).toBe(422);
    expect(err.message).toBe(
      "this purchase would take 12000000000000000000 token units (12 tokens) from the distribution fund (base + match); the partner's limit is 11000000000000000000 token units (11 tokens) per purchase",
    );
    expect(await ordersRepo.get('main', partner.name, req.order_id)).toBeUndefined();
    expect(await fundBalance('main')).toBe(fund);
    expect(await partnerBalance('main', partner.name)).toBe(deposit);
    expect(await takenToday(partner.name)).toBe(0n);
    // At the limit it pays.
    await expect(newPurchase('main', partner, order(p, { partner_cashback_percentage: 1 }))).resolves.toMatchObject({ created: true });
  });

  it('applies the configured default (1,000 tokens) to a partner without an override', async () => {
    const { partner, ...p } = await partnerWith();
    const fund = await fundBalance('main');
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', partner, order(p, { currency_amount: 10_010 }))); // 1,001 tokens of base
    expect(err.status).toBe(422);
    expect(err.message).toContain("the partner's limit is 1000000000000000000000 token units (1000 tokens) per purchase");
    expect(await fundBalance('main')).toBe(fund);
    await expect(newPurchase('main', partner, order(p, { currency_amount: 10_000 }))).resolves.toMatchObject({ cashback_amount: 1000n * TOKEN });
  });
});

describe('daily limit on the distribution fund', () => {
  it('never lets parallel purchases take more than the daily limit; the rest get a 429 and write nothing', async () => {
    const { partner, ...p } = await partnerWith({ perDay: 55n * TOKEN });
    const fund = await fundBalance('main');
    const results = await Promise.allSettled(Array.from({ length: 16 }, () => newPurchase('main', partner, order(p))));
    const paid = results.filter((r) => r.status === 'fulfilled');
    expect(paid).toHaveLength(5); // 10 tokens each: a sixth would make 60
    const refusals = await Promise.all(results.filter((r) => r.status === 'rejected').map((r) => answerOf(partnerCashbackFamily, Promise.reject(r.reason))));
    expect(refusals.map((e) => e.status)).toEqual(Array(11).fill(429));
    expect(refusals[0]!.message).toBe(
      "the partner's limit on the distribution fund is 55000000000000000000 token units (55 tokens) per UTC day; 50000000000000000000 token units (50 tokens) taken today, this purchase needs 10000000000000000000 token units (10 tokens); it resets at 00:00 UTC",
    );
    expect(await takenToday(partner.name)).toBe(50n * TOKEN);
    expect(await fundBalance('main')).toBe(fund - 50n * TOKEN);
    // Room is left for a smaller purchase: 5 tokens fit exactly.
    await expect(newPurchase('main', partner, order(p, { currency_amount: 50 }))).resolves.toMatchObject({ created: true });
    expect(await takenToday(partner.name)).toBe(55n * TOKEN);
  });

  it('counts each network on its own', async () => {
    const { partner, ...p } = await partnerWith({ perDay: 10n * TOKEN });
    await newPurchase('main', partner, order(p));
    await expect(answerOf(partnerCashbackFamily, newPurchase('main', partner, order(p)))).resolves.toMatchObject({ status: 429 });
    // The testnet has its own fund, and its own day's budget.
    await fundDistribution('test', tokens('100'), uniq('limits-test-fund'));
    await expect(newPurchase('test', partner, order(p))).resolves.toMatchObject({ created: true });
    expect(await partnerFundBudgetsRepo.taken('test', partner.name, budgetWindow(new Date(), 'day'))).toBe(10n * TOKEN);
    expect(await takenToday(partner.name)).toBe(10n * TOKEN);
  });

  it('does not spend the budget again for a retried order, sequential or concurrent, even once the day is used up', async () => {
    const { partner, ...p } = await partnerWith({ perDay: 20n * TOKEN });
    const req = order(p);
    const first = await newPurchase('main', partner, req);
    expect(await takenToday(partner.name)).toBe(10n * TOKEN);
    const again = await newPurchase('main', partner, req);
    expect(again).toMatchObject({ created: false, unit: first.unit, cashback_amount: first.cashback_amount });
    const concurrent = order(p);
    const results = await Promise.all(Array.from({ length: 10 }, () => newPurchase('main', partner, concurrent)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await takenToday(partner.name)).toBe(20n * TOKEN);
    // The day is used up: a new order is refused, the paid ones are still answered as before.
    await expect(answerOf(partnerCashbackFamily, newPurchase('main', partner, order(p)))).resolves.toMatchObject({ status: 429 });
    await expect(newPurchase('main', partner, req)).resolves.toMatchObject({ created: false, unit: first.unit });
    // A lowered per-purchase limit refuses new orders, not the repeat of a paid one.
    await setFundLimits(partner.name, { maxFundPerPurchase: 1n * TOKEN });
    const lowered = (await getPartner(partner.name))!;
    await expect(newPurchase('main', lowered, req)).resolves.toMatchObject({ created: false, unit: first.unit });
    await expect(answerOf(partnerCashbackFamily, newPurchase('main', lowered, { ...req, currency_amount: 101 }))).resolves.toMatchObject({ status: 409 });
    expect(await takenToday(partner.name)).toBe(20n * TOKEN);
  });
});

describe('the alert', () => {
  it('logs one warning when the take passes the alert share (80 %) of the daily limit', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const { partner, ...p } = await partnerWith({ perDay: 50n * TOKEN }); // alert past 40 tokens
    for (let i = 0; i < 4; i++) await newPurchase('main', partner, order(p));
    expect(warn).not.toHaveBeenCalled(); // 40 taken: at the threshold, not past it
    await newPurchase('main', partner, order(p, { currency_amount: 10 })); // 41
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]).toEqual([
      'partner fund take passed the alert share of its daily limit',
      { alert: 'partner_fund_daily_limit', partner: partner.name, network: 'main', day: budgetWindow(new Date(), 'day'), taken: 41n * TOKEN, limit: 50n * TOKEN, alertPercent: 80, threshold: 40n * TOKEN },
    ]);
    await newPurchase('main', partner, order(p, { currency_amount: 50 }));
    expect(warn).toHaveBeenCalledTimes(1);
  });

  it('logs it once when parallel purchases pass the threshold together', async () => {
    const warn = vi.spyOn(log, 'warn').mockImplementation(() => {});
    const { partner, ...p } = await partnerWith({ perDay: 1000n * TOKEN }); // alert past 800 tokens
    await newPurchase('main', partner, order(p, { currency_amount: 7_900 })); // 790
    expect(warn).not.toHaveBeenCalled();
    // Each of them finds 790 taken when it starts, and each passes 800.
    await Promise.all(Array.from({ length: 10 }, () => newPurchase('main', partner, order(p, { currency_amount: 200 }))));
    expect(await takenToday(partner.name)).toBe(990n * TOKEN);
    expect(warn).toHaveBeenCalledTimes(1);
  });
});

describe('admin CLI: partner limits', () => {
  it('sets and gets a partner override, which the next purchase obeys; default puts the configured limit back', async () => {
    const { partner, ...p } = await partnerWith();
    await expect(newPurchase('main', partner, order(p))).resolves.toMatchObject({ created: true }); // 10 tokens under the default
    const set = await admin('partner', 'limits', 'set', partner.name, '--per-purchase', '5', '--per-day', '2500.5');
    expect(set).toMatchObject({
      partner: partner.name,
      perPurchase: { amount: String(5n * TOKEN), tokens: '5', source: 'partner' },
      perDay: { amount: '2500500000000000000000', tokens: '2500.5', source: 'partner' },
      alertPercent: 80,
      takenToday: [
        { network: 'main', amount: String(10n * TOKEN) },
        { network: 'test', amount: '0' },
      ],
    });
    expect(set.note).toContain('PARTNER_CACHE_SECONDS');
    const limited = (await getPartner(partner.name))!;
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', limited, order(p)));
    expect(err).toMatchObject({ status: 422 });
    expect(err.message).toContain("the partner's limit is 5000000000000000000 token units (5 tokens) per purchase");

    const back = await admin('partner', 'limits', 'set', partner.name, '--per-purchase', 'default');
    expect(back).toMatchObject({ perPurchase: { amount: String(1000n * TOKEN), source: 'default' }, perDay: { tokens: '2500.5', source: 'partner' } });
    await expect(newPurchase('main', (await getPartner(partner.name))!, order(p))).resolves.toMatchObject({ created: true });
    expect(await admin('partner', 'limits', 'get', partner.name)).toMatchObject({ perPurchase: { source: 'default' }, takenToday: [{ network: 'main', tokens: '20' }, { network: 'test' }] });
  }, 60_000);
});

describe('limits over HTTP', () => {
  it('answers them in the partner-cashback envelope: 422 per purchase, 429 per day', async () => {
    const { partner, ...p } = await partnerWith({ perPurchase: 10n * TOKEN, perDay: 15n * TOKEN });
    const form = (over: Partial<NewPurchaseInput>) => postForm('/new_purchase', order(p, over) as unknown as Record<string, string | number>);
    const tooBig = await form({ currency_amount: 200 });
    expect(tooBig).toMatchObject({ status: 422, body: { result: 'error', error: expect.stringContaining('per purchase') } });
    expect(await form({})).toMatchObject({ status: 200, body: { result: 'ok' } });
    const dayUsed = await form({});
    expect(dayUsed).toMatchObject({ status: 429, body: { result: 'error', error: expect.stringContaining('per UTC day') } });
    expect(Object.keys(dayUsed.body)).toEqual(['result', 'error']);
    expect(await takenToday(partner.name)).toBe(10n * TOKEN);
  });
});
