/** Cashback cards API over HTTP against the local stack: every rule the README lists. */
import { describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { getBalance } from '../../lib/ledger/index.js';
import { membersRepo } from '../../lib/cards/repository/members.js';
import { issueMemberToken } from '../../lib/cards/auth.js';
import { cardTxRepo } from '../../lib/cards/repository/transactions.js';
import { metadataText } from '../../lib/cards/metadata.js';
import { newCardApp, uniqEmail, type CardsClient } from '../fixtures/cards.js';
import { uniq } from '../fixtures/stack.js';

async function memberWith(client: CardsClient, purchase: number): Promise<number> {
  const res = await client.call('POST', '/cashback/earn', { card_id: client.cardId, email: uniqEmail(), purchase_amount: purchase });
  expect(res.status).toBe(200);
  return res.body.data.member_id as number;
}

describe('earn', () => {
  it('credits the card percentage, auto-creates the member from an email, and answers the seed shape', async () => {
    const c = await newCardApp();
    const email = uniqEmail();
    const res = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, member_name: 'Ann', purchase_amount: 50.0, reference: 'ORDER-12345', metadata: { store_location: 'Downtown' } });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"purchase_amount":50.00,"cashback_percentage":5,"cashback_earned":2.50,"new_balance":2.50');
    const d = res.body.data;
    expect(d).toMatchObject({ card_id: c.cardId, reference: 'ORDER-12345' });
    expect(Number.isInteger(d.transaction_id) && Number.isInteger(d.member_id)).toBe(true);
    expect(new Date(d.earned_at).toISOString()).toBe(d.earned_at);
    // The same email finds the same member; member_id works too.
    const again = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, purchase_amount: 20 });
    expect(again.body.data.member_id).toBe(d.member_id);
    const byId = await c.call('POST', '/cashback/earn', { card_id: c.cardId, member_id: d.member_id, purchase_amount: '10.00' });
    expect(byId.text).toContain('"new_balance":4.00');
  });

  it('a purchase below cashback_min_amount earns nothing and says so; the max caps one earning', async () => {
    const c = await newCardApp({ cashbackPercentage: '50', minAmount: '10', maxAmount: '20' });
    const small = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 9.99 });
    expect(small.status).toBe(200);
    expect(small.text).toContain('"cashback_earned":0.00');
    expect(small.body.data.transaction_id).toBeNull();
    expect(small.body.data.cashback_skipped_reason).toMatch(/below the card's cashback_min_amount \(10.00 USD\)/);
    const big = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 100 });
    expect(big.text).toContain('"cashback_earned":20.00');
  });

  it('keeps the currency exact: TND has three decimals and cashback is floored to the millime', async () => {
    const c = await newCardApp({ currency: 'TND', cashbackPercentage: '5', minAmount: '0' });
    const res = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 25.555 });
    expect(res.text).toContain('"purchase_amount":25.555,"cashback_percentage":5,"cashback_earned":1.277');
    const tooPrecise = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 1.2345 });
    expect(tooPrecise.status).toBe(400);
    expect(tooPrecise.body.error.message).toMatch(/purchase_amount has more than 3 decimal places for TND/);
  });

  it('the same reference returns the first transaction; with other parameters it is a 409', async () => {
    const c = await newCardApp();
    const body = { card_id: c.cardId, email: uniqEmail(), purchase_amount: 40, reference: uniq('ORDER') };
    const first = await c.call('POST', '/cashback/earn', body);
    const results = await Promise.all(Array.from({ length: 10 }, () => c.call('POST', '/cashback/earn', body)));
    for (const r of results) expect(r.body.data.transaction_id).toBe(first.body.data.transaction_id);
    expect(await getBalance(accountIds.cardMember(c.cardId, first.body.data.member_id))).toBe(200n);
    const conflict = await c.call('POST', '/cashback/earn', { ...body, purchase_amount: 41 });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toMatchObject({ success: false, error: { code: 'reference_conflict' } });
  });

  it('100 concurrent earns on one member: the balance is their sum', async () => {
    const c = await newCardApp({ minAmount: '0' });
    const memberId = await memberWith(c, 0.2); // 0.01 cashback
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => c.call('POST', '/cashback/earn', { card_id: c.cardId, member_id: memberId, purchase_amount: 10 + (i % 5) })));
    expect(results.map((r) => r.status).filter((s) => s !== 200)).toEqual([]);
    // 5% of 10..14 = 0.50..0.70, twenty times each: 20 x (0.50+0.55+0.60+0.65+0.70) = 60.00, plus the first 0.01.
    const balance = await c.call('GET', `/cashback/balance?card_id=${c.cardId}&member_id=${memberId}`);
    expect(balance.text).toContain('"cashback_balance":60.01');
    const history = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}&limit=1`);
    expect(history.body.data.pagination.total).toBe(101);
  });
});

describe('earn metadata and amount bounds', () => {
  it('metadata beyond its bounds is a 400 naming the field, and no member is created', async () => {
    const c = await newCardApp();
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const cases: [unknown, RegExp][] = [
      [{ '': 'empty key' }, /^metadata keys must be 1 to 64 characters/],
      [deep, /^metadata must nest at most 5 levels/],
      [{ big: 'x'.repeat(3000) }, /^metadata must be at most 2048 bytes/],
    ];
    for (const [metadata, message] of cases) {
      const email = uniqEmail();
      const res = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, purchase_amount: 100, metadata });
      expect(res.status, String(message)).toBe(400);
      expect(res.body).toMatchObject({ success: false, error: { code: 'bad_request', details: [{ field: 'metadata' }] } });
      expect(res.body.error.message).toMatch(message);
      expect(await membersRepo.idByContact(c.appId, 'email', email)).toBeUndefined();
    }
  });

  it('metadata numbers DynamoDB cannot hold are kept as sent, and the answer is unchanged', async () => {
    const c = await newCardApp();
    const email = uniqEmail();
    const metadata = '{"huge":1e308,"tiny":1e-200,"digits":123456789012345678901234567890123456789012,"nested":{"a":[1,"x",null]}}';
    const body = `{"card_id":${c.cardId},"email":"${email}","purchase_amount":100,"reference":"M-1","metadata":${metadata}}`;
    const res = await c.call('POST', '/cashback/earn', body);
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain('"purchase_amount":100.00,"cashback_percentage":5,"cashback_earned":5.00,"new_balance":5.00');
    const tx = await cardTxRepo.get(c.cardId, res.body.data.member_id, res.body.data.transaction_id);
    expect(metadataText(tx!.metadata!)).toBe(metadata); // exactly as sent
    // A replay with the same metadata is the same earning.
    const again = await c.call('POST', '/cashback/earn', body);
    expect(again.body.data.transaction_id).toBe(res.body.data.transaction_id);
  });

  it('amounts above 10^12 major units are a 400 on every card route', async () => {
    const c = await newCardApp({ minAmount: '0', maxAmount: null });
    const top = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 1e12 });
    expect(top.status, top.text).toBe(200);
    expect(top.text).toContain('"purchase_amount":1000000000000.00,"cashback_percentage":5,"cashback_earned":50000000000.00');
    const memberId = top.body.data.member_id;
    const token = { 'x-member-token': c.memberToken(memberId) };
    const cases: [string, unknown, Record<string, string>, RegExp][] = [
      ['/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: 1e20 }, {}, /^purchase_amount must be at most 1000000000000/],
      ['/cashback/earn', { card_id: c.cardId, email: uniqEmail(), purchase_amount: '1000000000000.01' }, {}, /^purchase_amount must be at most/],
      ['/cashback/redeem', { card_id: c.cardId, amount: 1e13 }, token, /^amount must be at most 1000000000000/],
      ['/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 1e15 }, {}, /^refund_amount must be at most/],
      ['/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 5, cashback_to_deduct: 2e12 }, {}, /^cashback_to_deduct must be at most/],
    ];
    for (const [path, body, headers, message] of cases) {
      const res = await c.call('POST', path, body, headers);
      expect(res.status, `${path} ${res.text}`).toBe(400);
      expect(res.body.error).toMatchObject({ code: 'bad_request' });
      expect(res.body.error.message).toMatch(message);
    }
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(5_000_000_000_000n);
  });
});

describe('redeem', () => {
  it('100 concurrent redeems of 1.00 against 10.00: exactly 10 succeed and the balance ends at 0.00', async () => {
    const c = await newCardApp({ minAmount: '0' });
    const memberId = await memberWith(c, 200); // 10.00
    const token = c.memberToken(memberId);
    const results = await Promise.all(
      Array.from({ length: 100 }, () => c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1.0 }, { 'x-member-token': token })),
    );
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(10);
    expect(statuses.filter((s) => s !== 200 && s !== 422)).toEqual([]);
    expect(results.find((r) => r.status === 422)?.body.error.code).toBe('insufficient_balance');
    const balance = await c.call('GET', `/cashback/balance?card_id=${c.cardId}&member_id=${memberId}`);
    expect(balance.text).toContain('"cashback_balance":0.00');
    const history = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}&limit=100`);
    expect(history.body.data.transactions.filter((t: { type: string }) => t.type === 'redemption')).toHaveLength(10);
  });

  it('needs the member token of that app; the same reference never debits twice', async () => {
    const c = await newCardApp();
    const other = await newCardApp();
    const memberId = await memberWith(c, 100); // 5.00
    const body = { card_id: c.cardId, amount: 2, reference: uniq('R') };
    expect((await c.call('POST', '/cashback/redeem', body)).status).toBe(401);
    const foreign = await c.call('POST', '/cashback/redeem', body, { 'x-member-token': other.memberToken(memberId) });
    expect(foreign.status).toBe(401);
    const tampered = c.memberToken(memberId).replace(/.$/, (ch) => (ch === 'A' ? 'B' : 'A'));
    expect((await c.call('POST', '/cashback/redeem', body, { 'x-member-token': tampered })).status).toBe(401);
    const token = c.memberToken(memberId);
    const results = await Promise.all(Array.from({ length: 5 }, () => c.call('POST', '/cashback/redeem', body, { 'x-member-token': token })));
    expect(new Set(results.map((r) => r.body.data?.transaction_id)).size).toBe(1);
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(300n);
  });

  it('checks the PIN when given; repeated wrong PINs lock redemption', async () => {
    const c = await newCardApp({ pinRequired: true });
    const memberId = await memberWith(c, 100);
    const token = { 'x-member-token': c.memberToken(memberId) };
    expect((await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1 }, token)).body.error.code).toBe('pin_required');
    expect((await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '1234' }, token)).body.error.code).toBe('pin_not_set');
    expect((await c.call('POST', '/members/pin', { pin: '1234' }, token)).status).toBe(200);
    const ok = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '1234' }, token);
    expect(ok.status).toBe(200);
    for (let i = 1; i <= 4; i++) {
      const wrong = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '0000' }, token);
      expect(wrong.status).toBe(403);
      expect(wrong.body.error).toMatchObject({ code: 'invalid_pin', details: { tries_left: 5 - i } });
    }
    const fifth = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '0000' }, token);
    expect(fifth.body.error.code).toBe('pin_locked');
    // Locked: even the right PIN is refused.
    const locked = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '1234' }, token);
    expect(locked.status).toBe(403);
    expect(locked.body.error.code).toBe('pin_locked');
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(400n);
  });
});

describe('PIN', () => {
  const pinOf = (c: CardsClient, memberId: number, body: Record<string, string>, issuedAgoMs = 0) =>
    c.call('POST', '/members/pin', body, { 'x-member-token': issueMemberToken(c.appId, memberId, Date.now() - issuedAgoMs).token });
  const STALE = 400_000; // older than PIN_CHANGE_FRESH_SECONDS (300), younger than the token's 900 s

  it('20 parallel wrong PINs: exactly 5 are compared, the rest refused as locked; then the right PIN is refused too', async () => {
    const c = await newCardApp();
    const memberId = await memberWith(c, 100); // 5.00
    const token = { 'x-member-token': c.memberToken(memberId) };
    expect((await pinOf(c, memberId, { pin: '1234' })).status).toBe(200);
    const answers = await Promise.all(Array.from({ length: 20 }, () => c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '0000' }, token)));
    expect(answers.map((a) => a.status).filter((s) => s !== 403)).toEqual([]);
    // Compared guesses answer "wrong PIN"; the others were refused before any comparison.
    expect(answers.filter((a) => /^wrong PIN/.test(a.body.error.message))).toHaveLength(5);
    expect(answers.filter((a) => a.body.error.code === 'invalid_pin')).toHaveLength(4);
    expect(answers.filter((a) => a.body.error.code === 'pin_locked')).toHaveLength(16);
    const right = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin: '1234' }, token);
    expect(right.status).toBe(403);
    expect(right.body.error.code).toBe('pin_locked');
    const member = await membersRepo.get(memberId);
    expect(member?.pinFailures).toBe(5);
    expect(Date.parse(member!.pinLockedUntil!)).toBeGreaterThan(Date.now());
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(500n);
  });

  it('setting or replacing a PIN needs a fresh OTP verification or the current PIN', async () => {
    const c = await newCardApp();
    const memberId = await memberWith(c, 100);
    const token = { 'x-member-token': c.memberToken(memberId) };
    const redeemWith = (pin: string) => c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin }, token);

    const noProof = await pinOf(c, memberId, { pin: '1234' }, STALE);
    expect(noProof.status).toBe(403);
    expect(noProof.body.error).toMatchObject({ code: 'pin_proof_required', details: { fresh_seconds: 300 } });
    expect((await membersRepo.get(memberId))?.pinHash).toBeUndefined();
    expect((await pinOf(c, memberId, { pin: '1234' })).body).toEqual({ success: true, data: { member_id: memberId, pin_set: true } });

    expect((await pinOf(c, memberId, { pin: '5678' }, STALE)).body.error.code).toBe('pin_proof_required');
    expect((await pinOf(c, memberId, { pin: '5678', current_pin: '1234' }, STALE)).status).toBe(200);
    expect((await redeemWith('1234')).body.error.code).toBe('invalid_pin');
    expect((await redeemWith('5678')).status).toBe(200);

    // A wrong current PIN is a wrong PIN.
    const wrong = await pinOf(c, memberId, { pin: '9999', current_pin: '1234' }, STALE);
    expect(wrong.status).toBe(403);
    expect(wrong.body.error).toMatchObject({ code: 'invalid_pin', details: { tries_left: 4 } });
    expect((await membersRepo.get(memberId))?.pinFailures).toBe(1);
    const badFormat = await pinOf(c, memberId, { pin: '9999', current_pin: '12' }, STALE);
    expect(badFormat.status).toBe(400);
    expect(badFormat.body.error.message).toMatch(/current_pin must be 4 to 8 digits/);
    expect((await redeemWith('5678')).status).toBe(200);
  });

  it('a locked PIN cannot be changed with the current PIN; a new PIN lifts no lock and forgives no wrong PINs', async () => {
    const c = await newCardApp();
    const memberId = await memberWith(c, 100);
    const token = { 'x-member-token': c.memberToken(memberId) };
    const redeemWith = (pin: string) => c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 1, pin }, token);
    expect((await pinOf(c, memberId, { pin: '1234' })).status).toBe(200);
    expect((await redeemWith('0000')).body.error.details.tries_left).toBe(4);
    expect((await redeemWith('0000')).body.error.details.tries_left).toBe(3);
    expect((await pinOf(c, memberId, { pin: '5678' })).status).toBe(200);
    expect((await redeemWith('0000')).body.error.details.tries_left).toBe(2);
    expect((await redeemWith('0000')).body.error.details.tries_left).toBe(1);
    expect((await redeemWith('0000')).body.error).toMatchObject({ code: 'pin_locked', details: { tries_left: 0 } });

    const withCurrent = await pinOf(c, memberId, { pin: '9999', current_pin: '5678' }, STALE);
    expect(withCurrent.status).toBe(403);
    expect(withCurrent.body.error.code).toBe('pin_locked');
    // A fresh OTP verification may set a new PIN (a forgotten one), but the lock stands.
    expect((await pinOf(c, memberId, { pin: '9999' })).status).toBe(200);
    expect((await redeemWith('9999')).body.error.code).toBe('pin_locked');
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(500n);
  });
});

describe('refund', () => {
  it('deducts the card percentage of the refund, as in the seed', async () => {
    const c = await newCardApp({ currency: 'TND' });
    const memberId = await memberWith(c, 250); // 12.500
    const res = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 25.0, reference: 'REFUND-ORDER-12345' });
    expect(res.status).toBe(200);
    expect(res.text).toContain('"cashback_deducted":1.250,"refund_amount":25.000,"previous_balance":12.500,"new_balance":11.250,"currency":"TND"');
    expect(res.body.data).toMatchObject({ member_id: memberId, card_id: c.cardId, reference: 'REFUND-ORDER-12345', balance_warning: null });
    const again = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 25.0, reference: 'REFUND-ORDER-12345' });
    expect(again.body.data.transaction_id).toBe(res.body.data.transaction_id);
    expect(await getBalance(accountIds.cardMember(c.cardId, memberId))).toBe(11250n);
  });

  it('a named earning is refunded proportionally, remainders carried, never more than it earned', async () => {
    const c = await newCardApp();
    const email = uniqEmail();
    const earned = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, purchase_amount: 33.33, reference: 'ORDER-P' });
    expect(earned.text).toContain('"cashback_earned":1.66');
    const r1 = await c.call('POST', '/cashback/refund', { card_id: c.cardId, email, refund_amount: 10, original_reference: 'ORDER-P' });
    expect(r1.text).toContain('"cashback_deducted":0.49'); // floor(1.66 x 10 / 33.33)
    const r2 = await c.call('POST', '/cashback/refund', { card_id: c.cardId, email, refund_amount: 23.33, transaction_id: earned.body.data.transaction_id });
    expect(r2.text).toContain('"cashback_deducted":1.17'); // the rest: 0.49 + 1.17 = 1.66
    const r3 = await c.call('POST', '/cashback/refund', { card_id: c.cardId, email, refund_amount: 1, original_reference: 'ORDER-P' });
    expect(r3.status).toBe(422);
    expect(r3.body.error.code).toBe('refund_exceeds_purchase');
  });

  it('cannot deduct more than was earned, and reports a short balance in balance_warning', async () => {
    const c = await newCardApp();
    const memberId = await memberWith(c, 100); // 5.00 earned
    const tooMuch = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 100, cashback_to_deduct: 6 });
    expect(tooMuch.status).toBe(422);
    const token = { 'x-member-token': c.memberToken(memberId) };
    expect((await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 4 }, token)).status).toBe(200); // 1.00 left
    const short = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 60 });
    expect(short.status).toBe(200);
    expect(short.text).toContain('"cashback_deducted":1.00,"refund_amount":60.00,"previous_balance":1.00,"new_balance":0.00');
    expect(short.body.data.balance_warning).toMatch(/2.00 USD was not deducted/);
    // 3.00 of the 5.00 earned is consumed; the rest (2.00) is the cap now.
    const capped = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 1000 });
    expect(capped.text).toContain('"cashback_deducted":0.00');
    expect(capped.body.data.balance_warning).toMatch(/2.00 USD was not deducted/);
    const nothingLeft = await c.call('POST', '/cashback/refund', { card_id: c.cardId, member_id: memberId, refund_amount: 1000 });
    expect(nothingLeft.body.data.balance_warning).toBeNull();
  });
});

describe('history, cards, and who may see what', () => {
  it('pages newest first with total and has_more', async () => {
    const c = await newCardApp({ minAmount: '0' });
    const memberId = await memberWith(c, 20);
    for (let i = 0; i < 4; i++) await c.call('POST', '/cashback/earn', { card_id: c.cardId, member_id: memberId, purchase_amount: 20 + i });
    const page1 = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}&limit=2`);
    expect(page1.body.data.pagination).toEqual({ limit: 2, offset: 0, total: 5, has_more: true });
    const ids1 = page1.body.data.transactions.map((t: { id: number }) => t.id);
    expect(ids1[0]).toBeGreaterThan(ids1[1]);
    expect(page1.body.data.transactions[0]).toMatchObject({ type: 'earning', points: 0, event: 'cashback_earned' });
    const page3 = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}&limit=2&offset=4`);
    expect(page3.body.data.transactions).toHaveLength(1);
    expect(page3.body.data.pagination.has_more).toBe(false);
    const bad = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}&limit=101`);
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ success: false, error: { code: 'bad_request', message: 'limit must be an integer from 1 to 100' } });
  });

  it('lists and shows only the calling app\'s cards', async () => {
    const c = await newCardApp({ uniqueIdentifier: 'CASH-T1', description: '5% cashback on all purchases' });
    const list = await c.call('GET', '/cards');
    expect(list.body.data.total).toBe(1);
    expect(list.text).toContain('"cashback_config":{"cashback_percentage":5,"cashback_min_amount":10.00,"cashback_max_amount":1000.00,"allows_pin_redemption":true');
    expect((await c.call('GET', `/cards/${c.cardId}`)).body.data.unique_identifier).toBe('CASH-T1');
    const other = await newCardApp();
    expect((await other.call('GET', `/cards/${c.cardId}`)).status).toBe(404);
    const memberId = await memberWith(c, 20);
    expect((await other.call('GET', `/cashback/balance?card_id=${c.cardId}&member_id=${memberId}`)).status).toBe(404);
    expect((await other.call('GET', `/cashback/balance?card_id=${other.cardId}&member_id=${memberId}`)).status).toBe(404);
  });

  it('401 without or with a wrong key, 403 without the scope', async () => {
    const c = await newCardApp();
    const noKey = await c.call('GET', '/cards', undefined, { 'x-api-key': '' });
    expect(noKey.status).toBe(401);
    expect(noKey.body).toMatchObject({ success: false, error: { code: 'unauthorized' } });
    const wrong = await c.call('GET', '/cards', undefined, { 'x-api-key': c.apiKey.slice(0, -2) + 'xx' });
    expect(wrong.status).toBe(401);
    const readOnly = await newCardApp({}, ['cashback_read']);
    const denied = await readOnly.call('POST', '/cashback/earn', { card_id: readOnly.cardId, email: uniqEmail(), purchase_amount: 20 });
    expect(denied.status).toBe(403);
    expect(denied.body.error).toMatchObject({ code: 'insufficient_scope', details: { required_scope: 'cashback_write' } });
    expect((await readOnly.call('GET', '/cards')).status).toBe(403);
  });

  it('bad input is a 400 in the family envelope, naming the field', async () => {
    const c = await newCardApp();
    const cases: [unknown, RegExp][] = [
      [{ email: uniqEmail(), purchase_amount: 10 }, /card_id is required/],
      [{ card_id: 'x', email: uniqEmail(), purchase_amount: 10 }, /card_id must be a positive integer/],
      [{ card_id: c.cardId, purchase_amount: 10 }, /one of member_id, email or phone is required/],
      [{ card_id: c.cardId, email: 'nope', purchase_amount: 10 }, /email must be a valid email address/],
      [{ card_id: c.cardId, phone: '12', purchase_amount: 10 }, /phone must be 6-15 digits/],
      [{ card_id: c.cardId, email: uniqEmail(), purchase_amount: -5 }, /purchase_amount must be a positive number/],
      [{ card_id: c.cardId, email: uniqEmail(), purchase_amount: 10, metadata: 'x' }, /metadata must be an object/],
      ['{"card_id":', /malformed JSON body/],
    ];
    for (const [body, message] of cases) {
      const res = await c.call('POST', '/cashback/earn', body);
      expect(res.status, String(message)).toBe(400);
      expect(res.body.success).toBe(false);
      expect(res.body.error.message).toMatch(message);
    }
    const missingMember = await c.call('POST', '/cashback/earn', { card_id: c.cardId, member_id: 999999999, purchase_amount: 10 });
    expect(missingMember.status).toBe(404);
  });
});
