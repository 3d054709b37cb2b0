import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { payoutsRepo } from '../../lib/payouts/repository.js';
import { getBalance } from '../../lib/ledger/index.js';
import { claimTextcoin, reclaimExpiredTextcoins, textcoinByCode, textcoinCode } from '../../lib/payouts/index.js';
import { newPurchase } from '../../lib/purchases/index.js';
import { getPartner } from '../../lib/partners/index.js';
import type { Partner } from '../../lib/partners/repository.js';
import { platformFamily } from '../../lib/http/families.js';
import { answerOf } from '../fixtures/answers.js';
import { newPartner, randomAddress, uniq } from '../fixtures/stack.js';

let partner: Partner;
let key: string;
const emailPurchase = () =>
  newPurchase('main', partner, { partner: partner.name, partner_key: key, customer: 'c', order_id: uniq('tc'), address: `${uniq('u')}@example.com`, currency: 'USD', currency_amount: 10 });

describe('textcoins', () => {
  beforeAll(async () => {
    const created = await newPartner('0');
    key = created.key;
    partner = (await getPartner(created.name))!;
  });

  it('holds the cashback in the textcoin account until claimed, then creates one chain payout', async () => {
    const r = await emailPurchase();
    const p = await payoutsRepo.get(r.unit);
    expect(p?.kind).toBe('textcoin');
    expect(await getBalance(p!.account)).toBe(r.cashback_amount);
    const address = randomAddress();
    const claim = await claimTextcoin(textcoinCode(r.unit), address.toLowerCase());
    expect(claim.address).toBe(address);
    expect(await getBalance(p!.account)).toBe(0n);
    expect((await payoutsRepo.get(claim.claimUnit))?.destination).toBe(address);
    await expect(answerOf(platformFamily, claimTextcoin(textcoinCode(r.unit), randomAddress()))).resolves.toMatchObject({ status: 409 });
  });

  it('refuses tampered or unknown links', async () => {
    const r = await emailPurchase();
    const [id, signature] = textcoinCode(r.unit).split('.') as [string, string];
    // One signature character changed for certain (the last ones carry few bits: 'AA' matched 1 code in 256).
    const tampered = `${id}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    await expect(answerOf(platformFamily, textcoinByCode(tampered))).resolves.toMatchObject({ status: 404 });
    await expect(answerOf(platformFamily, textcoinByCode('nonsense'))).resolves.toMatchObject({ status: 404 });
  });

  it('returns an unclaimed textcoin to the fund after it expires, and then it cannot be claimed', async () => {
    const r = await emailPurchase();
    const p = (await payoutsRepo.get(r.unit))!;
    const eightDaysLater = new Date(Date.now() + 8 * 24 * 3600 * 1000);
    expect(await reclaimExpiredTextcoins(eightDaysLater)).toBeGreaterThanOrEqual(1);
    expect((await payoutsRepo.get(r.unit))?.status).toBe('RECLAIMED');
    expect(await getBalance(p.account)).toBe(0n);
    await expect(answerOf(platformFamily, claimTextcoin(textcoinCode(r.unit), randomAddress()))).resolves.toMatchObject({ status: 410 });
    expect(accountIds.textcoin('main', r.unit)).toBe(p.account);
  });
});
