/** End to end: a member verifies by an emailed OTP (read from maildev), gets a token, and redeems with it. */
import { describe, expect, it } from 'vitest';
import { newCardApp, uniqEmail } from '../fixtures/cards.js';
import { mailTo } from '../fixtures/stack.js';

const codeIn = (text: string) => /\b(\d{6})\b/.exec(text)?.[1];

describe('member OTP -> token -> redeem', () => {
  it('earns, mails a code, verifies it, redeems with the token, refunds, and shows it all in history', async () => {
    const c = await newCardApp();
    const email = uniqEmail();
    const earned = await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, member_name: 'Eve', purchase_amount: 200 });
    expect(earned.text).toContain('"new_balance":10.00');
    const memberId = earned.body.data.member_id;

    const requested = await c.call('POST', '/members/otp/request', { card_id: c.cardId, email });
    expect(requested.status).toBe(200);
    expect(requested.body.data).toMatchObject({ sent: true, channel: 'email' });
    const code = codeIn((await mailTo(email)).text);
    expect(code).toMatch(/^\d{6}$/);

    const verified = await c.call('POST', '/members/otp/verify', { card_id: c.cardId, email, code });
    expect(verified.status).toBe(200);
    expect(verified.body.data.member_id).toBe(memberId);
    expect(Date.parse(verified.body.data.expires_at)).toBeGreaterThan(Date.now());
    // Single use.
    expect((await c.call('POST', '/members/otp/verify', { card_id: c.cardId, email, code })).status).toBe(401);

    const token = { 'x-member-token': verified.body.data.member_token };
    const redeemed = await c.call('POST', '/cashback/redeem', { card_id: c.cardId, amount: 5.0, reference: 'REFUND-ORDER-1' }, token);
    expect(redeemed.status).toBe(200);
    expect(redeemed.text).toContain('"amount_redeemed":5.00,"new_balance":5.00');

    const refunded = await c.call('POST', '/cashback/refund', { card_id: c.cardId, email, refund_amount: 50 });
    expect(refunded.text).toContain('"cashback_deducted":2.50');

    const history = await c.call('GET', `/cashback/history?card_id=${c.cardId}&member_id=${memberId}`);
    expect(history.body.data.transactions.map((t: { type: string }) => t.type)).toEqual(['refund', 'redemption', 'earning']);
    expect(history.text).toContain('"amount":-5.00');
  });

  it('five wrong codes use the code up; a new one cannot be asked for within 30 seconds', async () => {
    const c = await newCardApp();
    const email = uniqEmail();
    await c.call('POST', '/cashback/earn', { card_id: c.cardId, email, purchase_amount: 20 });
    expect((await c.call('POST', '/members/otp/request', { card_id: c.cardId, email })).status).toBe(200);
    const code = codeIn((await mailTo(email)).text)!;
    const wrong = code === '000000' ? '111111' : '000000';
    for (let i = 0; i < 5; i++) {
      const res = await c.call('POST', '/members/otp/verify', { card_id: c.cardId, email, code: wrong });
      expect(res.status).toBe(401);
      expect(res.body.error.code).toBe('otp_invalid');
    }
    expect((await c.call('POST', '/members/otp/verify', { card_id: c.cardId, email, code })).status).toBe(401);
    const again = await c.call('POST', '/members/otp/request', { card_id: c.cardId, email });
    expect(again.status).toBe(429);
    expect(again.body.error.code).toBe('otp_rate_limited');
  });

  it('an unknown member gets a 404, not a code', async () => {
    const c = await newCardApp();
    const res = await c.call('POST', '/members/otp/request', { card_id: c.cardId, email: uniqEmail() });
    expect(res.status).toBe(404);
  });
});
