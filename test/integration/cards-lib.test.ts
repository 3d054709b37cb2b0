/** Cards rules exercised in-process against the stack's DynamoDB and queues: phone OTP, card updates, PIN settings, member creation races. */
import { afterAll, describe, expect, it } from 'vitest';
import { createApp, createCard, updateCard } from '../../lib/cards/admin.js';
import { verifyMemberToken, type AppCaller } from '../../lib/cards/auth.js';
import { earn, redeem } from '../../lib/cards/index.js';
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
