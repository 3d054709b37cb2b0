import { beforeAll, describe, expect, it } from 'vitest';
import { fundBalance, tokens } from '../../lib/admin/index.js';
import { accountIds } from '../../lib/db/keys.js';
import { getPartner } from '../../lib/partners/index.js';
import { newPurchase } from '../../lib/purchases/index.js';
import { postEntry } from '../../lib/ledger/index.js';
import type { Partner } from '../../lib/partners/repository.js';
import { partnerCashbackFamily } from '../../lib/http/families.js';
import { answerOf } from '../fixtures/answers.js';
import { drainFund, newPartner, randomAddress, uniq } from '../fixtures/stack.js';

let partner: Partner;
let key: string;
const buy = (amount: number) =>
  newPurchase('test', partner, { partner: partner.name, partner_key: key, customer: 'c', order_id: uniq('t'), address: randomAddress(), currency: 'USD', currency_amount: amount });

describe('testnet and the sharded distribution fund', () => {
  beforeAll(async () => {
    const created = await newPartner('0');
    key = created.key;
    partner = (await getPartner(created.name))!;
    await drainFund('test');
  });

  it('keeps the testnet fund separate: empty testnet fund is an error even though main is funded', async () => {
    expect(await fundBalance('main')).toBeGreaterThan(0n);
    await expect(answerOf(partnerCashbackFamily, buy(10))).resolves.toMatchObject({ status: 422, message: 'the distribution fund is exhausted' });
  });

  it('falls back to the richest shard when the hashed one is empty', async () => {
    const mainBefore = await fundBalance('main');
    // Only one shard holds money: most orders hash elsewhere and must fall back to it.
    await postEntry({
      idempotencyKey: uniq('fund-one-shard'),
      kind: 'test-fund',
      postings: [
        { account: accountIds.external('test'), amount: -tokens('5'), allowNegative: true },
        { account: accountIds.fundShard('test', 3), amount: tokens('5') },
      ],
    });
    for (let i = 0; i < 4; i++) await buy(10); // 1 token each from the fund
    expect(await fundBalance('test')).toBe(tokens('1'));
    expect(await fundBalance('main')).toBe(mainBefore);
    await expect(answerOf(partnerCashbackFamily, buy(20))).resolves.toMatchObject({ status: 422, message: 'the distribution fund is exhausted' });
    expect(await fundBalance('test')).toBe(tokens('1'));
  });
});
