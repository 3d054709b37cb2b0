/** Cards rules exercised in-process against the stack's DynamoDB and queues: phone OTP, card updates, PIN settings, member creation races. */
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, createCard, updateCard } from '../../lib/cards/admin.js';
import { verifyMemberToken, type AppCaller } from '../../lib/cards/auth.js';
import { earn, findMember, history, redeem, refund } from '../../lib/cards/index.js';
import { accountIds } from '../../lib/db/keys.js';
import { getBalance } from '../../lib/ledger/index.js';
import { stringify } from '../../lib/json.js';
import { requestOtp, verifyOtp } from '../../lib/cards/otp.js';
import { setSmsSender } from '../../lib/sms/index.js';
import { ApiError } from '../../lib/http/errors.js';
import { cardsFamily } from '../../lib/http/families.js';
import { answerOf } from '../fixtures/answers.js';
import { uniq } from '../fixtures/stack.js';

async function appWithCard(settings: Partial<Parameters<typeof createCard>[1]> = {}): Promise<{ caller: AppCaller; cardId: number }> {
  const app = await createApp(uniq('lib-app'));
  const card = await createCard(app.appId, { name: 'Lib card', cashbackPercentage: '5', minAmount: '0', ...settings });
  return { caller: { appId: app.appId, keyId: 'test', scopes: ['cashback_read', 'cashback_write', 'card_read'] }, cardId: card.id };
}

/** A JSON amount of an answer (2-decimal card) in minor units. */
const cents = (amount: unknown) => Math.round(Number(stringify(amount)) * 100);

const phone = () => `+4915${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;

describe('cards rules in-process', () => {
  afterAll(() => setSmsSender(undefined));

  it('a phone member gets the code by SMS and verifies with it', async () => {
    const sent: { to: string; text: string }[] = [];
    setSmsSender({ send: async (to, text) => void sent.push({ to, text }) });
    const { caller, cardId } = await appWithCard();
    const number = phone();
    const earned = await earn(caller, { card_id: cardId, phone: number, member_name: 'Pat', purchase_amount: 20 });
    const answer = await requestOtp(caller, { card_id: cardId, phone: number });
    expect(answer).toMatchObject({ sent: true, channel: 'phone' });
    expect(sent).toHaveLength(1);
    expect(sent[0]!.to).toBe(number);
    const code = /\b(\d{6})\b/.exec(sent[0]!.text)![1]!;
    const verified = await verifyOtp(caller, { card_id: cardId, phone: number, code });
    expect(verified.member_id).toBe(earned.member_id);
    expect(verifyMemberToken(verified.member_token, caller.appId)).toBe(earned.member_id);
  });

  it('ten concurrent first earns for one new email create one member', async () => {
    const { caller, cardId } = await appWithCard();
    const email = `${uniq('race')}@example.com`;
    const results = await Promise.all(Array.from({ length: 10 }, () => earn(caller, { card_id: cardId, email, purchase_amount: 20 })));
    expect(new Set(results.map((r) => r.member_id)).size).toBe(1);
  });

  it('a failed earning creates no member: the member is written in the earning\'s transaction', async () => {
    const { caller, cardId } = await appWithCard();
    const reference = uniq('ORDER');
    await earn(caller, { card_id: cardId, email: `${uniq('first')}@example.com`, purchase_amount: 20, reference });
    // The same reference for another (new) member is a conflict: the earning fails, and so does the member.
    const email = `${uniq('second')}@example.com`;
    const err = await answerOf(cardsFamily, earn(caller, { card_id: cardId, email, purchase_amount: 20, reference }));
    expect(err.status).toBe(409);
    expect(await findMember(caller, { email })).toBeUndefined();
    // A new member whose purchase earns nothing is still created (there is no earning to fail).
    const small = await earn(caller, { card_id: cardId, email, purchase_amount: 0.01 });
    expect(small.transaction_id).toBeNull();
    expect((await findMember(caller, { email }))?.id).toBe(small.member_id);
  });

  it('a proportional refund after a larger explicit deduction deducts 0, and an earning never gives back more than it paid', async () => {
    const { caller, cardId } = await appWithCard();
    const email = `${uniq('refund')}@example.com`;
    const a = await earn(caller, { card_id: cardId, email, purchase_amount: 100 }); // 5.00
    await earn(caller, { card_id: cardId, email, purchase_amount: 100 }); // another 5.00: balance 10.00
    const member_id = a.member_id;
    const named = { card_id: cardId, member_id, transaction_id: a.transaction_id! };
    const r1 = await refund(caller, { ...named, refund_amount: 10, cashback_to_deduct: 4 });
    expect(cents(r1.cashback_deducted)).toBe(400);
    // Proportionally 10% of the purchase is refunded now (20% in all: 1.00 due in all), but 4.00 is already taken.
    const r2 = await refund(caller, { ...named, refund_amount: 10 });
    expect(cents(r2.cashback_deducted)).toBe(0);
    expect(cents(r2.new_balance)).toBe(600);
    // The rest of the purchase: what is left of the earning (1.00), not the 4.00 a reset total would allow.
    const r3 = await refund(caller, { ...named, refund_amount: 80 });
    expect(cents(r3.cashback_deducted)).toBe(100);
    expect(cents(r3.new_balance)).toBe(500);
    const balance = await getBalance(accountIds.cardMember(cardId, member_id));
    expect(balance).toBe(500n);
    const h = await history(caller, { card_id: cardId, member_id, limit: 100, offset: 0 });
    expect(h.transactions.reduce((sum, t) => sum + cents(t.amount), 0)).toBe(500);
    expect(h.transactions.every((t) => t.type === 'earning' || cents(t.amount) <= 0)).toBe(true);
  });

  it('a named refund after refunds that named no earning deducts what the member has left to refund', async () => {
    const { caller, cardId } = await appWithCard();
    const a = await earn(caller, { card_id: cardId, email: `${uniq('unnamed')}@example.com`, purchase_amount: 100 }); // 5.00
    const r1 = await refund(caller, { card_id: cardId, member_id: a.member_id, refund_amount: 20 });
    expect(cents(r1.cashback_deducted)).toBe(100);
    // The whole purchase is refunded: 5.00 due for the earning, of which 4.00 is left to refund.
    const r2 = await refund(caller, { card_id: cardId, member_id: a.member_id, refund_amount: 100, transaction_id: a.transaction_id! });
    expect(cents(r2.cashback_deducted)).toBe(400);
    expect(cents(r2.new_balance)).toBe(0);
    const explicit = await answerOf(cardsFamily, refund(caller, { card_id: cardId, member_id: a.member_id, refund_amount: 1, cashback_to_deduct: 0.01 }));
    expect(explicit).toMatchObject({ status: 422 });
  });

  it('card updates apply to the next earning', async () => {
    const { caller, cardId } = await appWithCard({ cashbackPercentage: '5' });
    const email = `${uniq('upd')}@example.com`;
    expect(JSON.stringify((await earn(caller, { card_id: cardId, email, purchase_amount: 100 })).cashback_earned)).toContain('5.00');
    await updateCard(cardId, { cashbackPercentage: '7.5', maxAmount: '6' });
    expect(JSON.stringify((await earn(caller, { card_id: cardId, email, purchase_amount: 100 })).cashback_earned)).toContain('6.00');
    await expect(updateCard(cardId, { currency: 'EUR' })).rejects.toThrow(/currency of a card cannot change/);
  });

  it('a PIN on a card without PIN redemption is refused', async () => {
    const { caller, cardId } = await appWithCard({ allowsPinRedemption: false });
    const earned = await earn(caller, { card_id: cardId, email: `${uniq('nopin')}@example.com`, purchase_amount: 100 });
    const err = await answerOf(cardsFamily, redeem(caller, earned.member_id, { card_id: cardId, amount: 1, pin: '1234' }));
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).status).toBe(422);
    expect((await redeem(caller, earned.member_id, { card_id: cardId, amount: 1 })).transaction_id).toBeGreaterThan(0);
  });
});
