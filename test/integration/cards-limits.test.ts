/**
 * OTP and PIN limits exercised in-process against the stack's DynamoDB, with small limits set through the
 * environment (the HTTP stack runs with the defaults): send caps per member and app, wrong codes per member
 * across codes, PIN lock expiry.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createApp, createCard } from '../../lib/cards/admin.js';
import type { AppCaller } from '../../lib/cards/auth.js';
import { earn, redeem, setMemberPin } from '../../lib/cards/index.js';
import { requestOtp, verifyOtp } from '../../lib/cards/otp.js';
import { membersRepo } from '../../lib/cards/repository/members.js';
import { resetConfig } from '../../lib/config/index.js';
import { cardsFamily } from '../../lib/http/families.js';
import { setSmsSender } from '../../lib/sms/index.js';
import { answerOf } from '../fixtures/answers.js';
import { uniq } from '../fixtures/stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Windows are UTC hours and days: a test that spends a budget starts well inside one hour. */
async function awayFromHourEdge(seconds = 20): Promise<void> {
  const toNextHour = 3_600_000 - (Date.now() % 3_600_000);
  if (toNextHour < seconds * 1000) await sleep(toNextHour + 100);
}

const nextHour = () => new Date(Math.floor(Date.now() / 3_600_000 + 1) * 3_600_000).toISOString();
const nextDay = () => new Date(Math.floor(Date.now() / 86_400_000 + 1) * 86_400_000).toISOString();

const phone = () => `+4917${String(Math.floor(Math.random() * 1e9)).padStart(9, '0')}`;
const sent = new Map<string, string>();
const codeFor = (number: string) => sent.get(number)!;

async function appWithCard(): Promise<{ caller: AppCaller; cardId: number }> {
  const app = await createApp(uniq('limits-app'));
  const card = await createCard(app.appId, { name: 'Limits card', cashbackPercentage: '5', minAmount: '0', allowsPinRedemption: true });
  return { caller: { appId: app.appId, keyId: 'test', scopes: ['cashback_read', 'cashback_write', 'card_read'] }, cardId: card.id };
}

async function newMember(caller: AppCaller, cardId: number): Promise<{ number: string; memberId: number }> {
  const number = phone();
  const earned = await earn(caller, { card_id: cardId, phone: number, purchase_amount: 100 });
  return { number, memberId: earned.member_id };
}

const LIMITS = {
  OTP_MIN_INTERVAL_SECONDS: '1',
  OTP_SENDS_PER_MEMBER_HOUR: '3',
  OTP_SENDS_PER_MEMBER_DAY: '4',
  OTP_SENDS_PER_APP_HOUR: '6',
  OTP_SENDS_PER_APP_DAY: '100',
  OTP_MAX_FAILURES_PER_DAY: '3',
  OTP_MAX_TRIES: '5',
  PIN_MAX_FAILURES: '2',
  PIN_LOCK_SECONDS: '2',
};

function setEnv(vars: Record<string, string>): void {
  Object.assign(process.env, vars);
  resetConfig();
}

describe('OTP and PIN limits', () => {
  beforeAll(() => {
    setSmsSender({ send: async (to, text) => void sent.set(to, /\b(\d{6})\b/.exec(text)![1]!) });
    setEnv(LIMITS);
  });
  afterEach(() => setEnv(LIMITS));
  afterAll(() => {
    setSmsSender(undefined);
    for (const name of Object.keys(LIMITS)) delete process.env[name];
    resetConfig();
  });

  it('caps codes per member per hour, naming the cap and when it resets; a refused request spends no cap', async () => {
    await awayFromHourEdge();
    const { caller, cardId } = await appWithCard();
    const { number } = await newMember(caller, cardId);
    const ask = () => requestOtp(caller, { card_id: cardId, phone: number });
    await ask();
    // Too soon: refused, and it does not count against the hourly cap.
    const tooSoon = await answerOf(cardsFamily, ask());
    expect(tooSoon).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'min_interval' } });
    await sleep(1100);
    await ask();
    await sleep(1100);
    await ask();
    await sleep(1100);
    const capped = await answerOf(cardsFamily, ask());
    expect(capped).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'member_per_hour', limit: 3, resets_at: nextHour() } });
    expect(capped.message).toMatch(/this member was sent 3 codes this UTC hour/);
  });

  it('caps codes per member per day across hours', async () => {
    await awayFromHourEdge();
    setEnv({ OTP_SENDS_PER_MEMBER_DAY: '1' });
    const { caller, cardId } = await appWithCard();
    const { number } = await newMember(caller, cardId);
    await requestOtp(caller, { card_id: cardId, phone: number });
    await sleep(1100);
    const capped = await answerOf(cardsFamily, requestOtp(caller, { card_id: cardId, phone: number }));
    expect(capped).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'member_per_day', limit: 1, resets_at: nextDay() } });
  });

  it('caps codes per app, whatever the member', async () => {
    await awayFromHourEdge();
    const { caller, cardId } = await appWithCard();
    const members = await Promise.all(Array.from({ length: 8 }, () => newMember(caller, cardId)));
    const results = await Promise.allSettled(members.map((m) => requestOtp(caller, { card_id: cardId, phone: m.number })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(6);
    const refused = await answerOf(cardsFamily, Promise.reject((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason));
    expect(refused).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'app_per_hour', limit: 6, resets_at: nextHour() } });
    // Another app is not affected.
    const other = await appWithCard();
    const m = await newMember(other.caller, other.cardId);
    expect((await requestOtp(other.caller, { card_id: other.cardId, phone: m.number })).sent).toBe(true);
  });

  it('counts wrong codes per member across codes: a new code buys no more guesses, and beyond the cap even the right code is refused', async () => {
    await awayFromHourEdge();
    const { caller, cardId } = await appWithCard();
    const { number } = await newMember(caller, cardId);
    const verify = (code: string) => verifyOtp(caller, { card_id: cardId, phone: number, code });
    const wrongFor = (code: string) => (code === '000000' ? '111111' : '000000');
    await requestOtp(caller, { card_id: cardId, phone: number });
    const first = codeFor(number);
    for (let i = 0; i < 2; i++) expect(await answerOf(cardsFamily, verify(wrongFor(first)))).toMatchObject({ status: 401, code: 'otp_invalid' });
    await sleep(1100);
    await requestOtp(caller, { card_id: cardId, phone: number });
    const second = codeFor(number);
    expect(await answerOf(cardsFamily, verify(wrongFor(second)))).toMatchObject({ status: 401, code: 'otp_invalid' });
    // Three wrong codes today: the right code of a live code with tries left is refused.
    const refused = await answerOf(cardsFamily, verify(second));
    expect(refused).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'member_failures_per_day', limit: 3, resets_at: nextDay() } });
    // Nor is a code sent that could not be used today.
    await sleep(1100);
    sent.delete(number);
    const notSent = await answerOf(cardsFamily, requestOtp(caller, { card_id: cardId, phone: number }));
    expect(notSent).toMatchObject({ status: 429, code: 'otp_rate_limited', details: { cap: 'member_failures_per_day', limit: 3 } });
    expect(sent.has(number)).toBe(false);
  });

  it('parallel wrong codes: at most the daily cap is compared, the rest are refused', async () => {
    await awayFromHourEdge();
    setEnv({ OTP_MAX_TRIES: '20' });
    const { caller, cardId } = await appWithCard();
    const { number } = await newMember(caller, cardId);
    await requestOtp(caller, { card_id: cardId, phone: number });
    const wrong = codeFor(number) === '000000' ? '111111' : '000000';
    const answers = await Promise.all(Array.from({ length: 12 }, () => answerOf(cardsFamily, verifyOtp(caller, { card_id: cardId, phone: number, code: wrong }))));
    expect(answers.filter((a) => a.code === 'otp_invalid')).toHaveLength(3);
    expect(answers.filter((a) => a.code === 'otp_rate_limited')).toHaveLength(9);
  });

  it('a right code does not count as a wrong one', async () => {
    await awayFromHourEdge();
    setEnv({ OTP_MAX_FAILURES_PER_DAY: '2' });
    const { caller, cardId } = await appWithCard();
    const { number, memberId } = await newMember(caller, cardId);
    const verify = (code: string) => verifyOtp(caller, { card_id: cardId, phone: number, code });
    await requestOtp(caller, { card_id: cardId, phone: number });
    const first = codeFor(number);
    expect(await answerOf(cardsFamily, verify(first === '000000' ? '111111' : '000000'))).toMatchObject({ code: 'otp_invalid' });
    expect((await verify(first)).member_id).toBe(memberId);
    await sleep(1100);
    await requestOtp(caller, { card_id: cardId, phone: number });
    const second = codeFor(number);
    // The second wrong code of the day is still a wrong code (401), not a refusal: the right one gave its try back.
    expect(await answerOf(cardsFamily, verify(second === '000000' ? '111111' : '000000'))).toMatchObject({ status: 401, code: 'otp_invalid' });
    expect(await answerOf(cardsFamily, verify(second))).toMatchObject({ status: 429, details: { cap: 'member_failures_per_day' } });
  });

  it('a PIN lock runs out; then counting starts again, and the right PIN works', async () => {
    const { caller, cardId } = await appWithCard();
    const { memberId } = await newMember(caller, cardId);
    await setMemberPin(caller, memberId, { pin: '2468' }, Date.now());
    const tryPin = (pin: string) => redeem(caller, memberId, { card_id: cardId, amount: 0.01, pin });
    expect(await answerOf(cardsFamily, tryPin('1111'))).toMatchObject({ code: 'invalid_pin', details: { tries_left: 1 } });
    expect(await answerOf(cardsFamily, tryPin('1111'))).toMatchObject({ code: 'pin_locked', details: { tries_left: 0 } });
    expect(await answerOf(cardsFamily, tryPin('2468'))).toMatchObject({ code: 'pin_locked' });
    await sleep(2100);
    expect(await answerOf(cardsFamily, tryPin('1111'))).toMatchObject({ code: 'invalid_pin', details: { tries_left: 1 } });
    expect((await tryPin('2468')).transaction_id).toBeGreaterThan(0);
    expect(await membersRepo.get(memberId)).toMatchObject({ pinFailures: 0, pinLockedUntil: undefined });
  });

  it('the right PIN on the last try lifts the lock that try set', async () => {
    const { caller, cardId } = await appWithCard();
    const { memberId } = await newMember(caller, cardId);
    await setMemberPin(caller, memberId, { pin: '2468' }, Date.now());
    expect(await answerOf(cardsFamily, redeem(caller, memberId, { card_id: cardId, amount: 0.01, pin: '1111' }))).toMatchObject({ code: 'invalid_pin' });
    expect((await redeem(caller, memberId, { card_id: cardId, amount: 0.01, pin: '2468' })).transaction_id).toBeGreaterThan(0);
    expect(await membersRepo.get(memberId)).toMatchObject({ pinFailures: 0, pinLockedUntil: undefined });
  });
});
