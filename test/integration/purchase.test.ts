import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { ordersRepo } from '../../lib/purchases/repository.js';
import { payoutsRepo } from '../../lib/payouts/repository.js';
import { getBalance, listPostings } from '../../lib/ledger/index.js';
import { partnerCashbackFamily } from '../../lib/http/families.js';
import { answerOf } from '../fixtures/answers.js';
import { newPurchase } from '../../lib/purchases/index.js';
import type { NewPurchaseInput } from '../../lib/purchases/schema.js';
import type { Partner } from '../../lib/partners/repository.js';
import { getPartner } from '../../lib/partners/index.js';
import { newPartner, randomAddress, uniq } from '../fixtures/stack.js';

const TOKEN = 10n ** 18n;
let partner: Partner;
let key: string;

const input = (over: Partial<NewPurchaseInput> = {}): NewPurchaseInput => ({
  partner: partner.name,
  partner_key: key,
  customer: 'c1',
  order_id: uniq('order'),
  address: randomAddress(),
  currency: 'USD',
  currency_amount: 100,
  partner_cashback_percentage: 2,
  ...over,
});


describe('newPurchase against DynamoDB Local', () => {
  beforeAll(async () => {
    const created = await newPartner('10');
    key = created.key;
    partner = (await getPartner(created.name))!;
  });

  it('pays base + partner + match in one transaction and records order and payout', async () => {
    const req = input();
    const depositBefore = await getBalance(accountIds.partnerDeposit('main', partner.name));
    const r = await newPurchase('main', partner, req);
    expect(r.cashback_amount).toBe(14n * TOKEN); // 10% + 2% + 2% match of 100 USD at 1 USD/token
    expect(r.created).toBe(true);
    expect(await getBalance(accountIds.partnerDeposit('main', partner.name))).toBe(depositBefore - 2n * TOKEN);
    const order = await ordersRepo.get('main', partner.name, req.order_id);
    expect(order?.breakdown).toEqual({ base: 10n * TOKEN, partner: 2n * TOKEN, match: 2n * TOKEN });
    const payout = await payoutsRepo.get(r.unit);
    expect(payout?.amount).toBe(14n * TOKEN);
    expect(payout?.kind).toBe('chain');
  });

  it('replays the same order with the same answer and no second debit', async () => {
    const req = input();
    const first = await newPurchase('main', partner, req);
    const deposit = await getBalance(accountIds.partnerDeposit('main', partner.name));
    const again = await newPurchase('main', partner, { ...req, currency_amount: '100.00' });
    expect(again).toMatchObject({ cashback_amount: first.cashback_amount, unit: first.unit, created: false });
    expect(await getBalance(accountIds.partnerDeposit('main', partner.name))).toBe(deposit);
  });

  it('refuses an order_id reused with different parameters', async () => {
    const req = input();
    await newPurchase('main', partner, req);
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', partner, { ...req, currency_amount: 101 }));
    expect(err.status).toBe(409);
    expect(err.message).toContain('already used with different parameters');
  });

  it('refuses when the partner deposit cannot cover its percentage, writing nothing', async () => {
    const req = input({ currency_amount: 1000, partner_cashback_percentage: 5 }); // partner part 50 tokens > remaining deposit
    const deposit = await getBalance(accountIds.partnerDeposit('main', partner.name));
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', partner, req));
    expect(err.status).toBe(422);
    expect(err.message).toBe('insufficient partner deposit for partner_cashback_percentage');
    expect(await ordersRepo.get('main', partner.name, req.order_id)).toBeUndefined();
    expect(await getBalance(accountIds.partnerDeposit('main', partner.name))).toBe(deposit);
  });

  it('pays exactly once for 20 concurrent identical requests', async () => {
    const req = input({ address: randomAddress(), partner_cashback_percentage: 0 });
    const results = await Promise.all(Array.from({ length: 20 }, () => newPurchase('main', partner, req)));
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(new Set(results.map((r) => r.unit)).size).toBe(1);
    // One credit ever reached the customer's account (the chain worker may have settled it since).
    const credits = (await listPostings(accountIds.customer('main', req.address))).filter((p) => p.kind === 'cashback');
    expect(credits.map((c) => c.amount)).toEqual([10n * TOKEN]);
  });

  it('refuses an absurd amount with a 400, writing nothing (DynamoDB numbers hold 38 digits)', async () => {
    const huge = input({ currency_amount: '999999999999999999999999999999', partner_cashback_percentage: 0 });
    const err = await answerOf(partnerCashbackFamily, newPurchase('main', partner, huge));
    expect({ status: err.status, message: err.message }).toEqual({ status: 400, message: 'currency_amount must be at most 1000000000000' });
    expect(await ordersRepo.get('main', partner.name, huge.order_id)).toBeUndefined();
    // Within the amount's maximum, but a cheap token (0.000015 BTC) makes the cashback more than 10^30 units.
    const cheapToken = input({ currency: 'BTC', currency_amount: '1000000000000', partner_cashback_percentage: 0 });
    const capped = await answerOf(partnerCashbackFamily, newPurchase('main', partner, cheapToken));
    expect({ status: capped.status, message: capped.message }).toEqual({
      status: 400,
      message: 'currency_amount is too large: the cashback would be more than 1000000000000000000000000000000 token units (10^12 tokens)',
    });
    expect(await ordersRepo.get('main', partner.name, cheapToken.order_id)).toBeUndefined();
  });
});
