/**
 * Member verification by one-time code: a 6-digit code sent by email (through the mail queue) or SMS,
 * valid OTP_TTL_SECONDS (10 min), at most OTP_MAX_TRIES (5) tries, single use. A correct code yields a
 * member token (see auth.ts). Codes are stored only as keyed hashes.
 *
 * Limits: a new code at most every OTP_MIN_INTERVAL_SECONDS per member, and at most OTP_SENDS_PER_MEMBER_HOUR/_DAY
 * per member and OTP_SENDS_PER_APP_HOUR/_DAY per app (UTC windows). Wrong codes count per member and UTC day
 * across all codes (OTP_MAX_FAILURES_PER_DAY): asking for a new code never buys more guesses.
 */
import { randomInt } from 'node:crypto';
import { cardsConfig } from '../config/index.js';
import { OtpFailuresExhaustedError, OtpSendCapError, OtpTooSoonError, OtpUnavailableError, otpRepo } from './repository/otp.js';
import { publish } from '../queue/publisher.js';
import { getSmsSender } from '../sms/index.js';
import { issueMemberToken, otpHash, type AppCaller } from './auth.js';
import { fail } from './failures.js';
import { requireCard, requireMember } from './index.js';
import { equalsConstantTime } from '../security/secrets.js';

export interface Contact {
  card_id: number;
  email?: string;
  phone?: string;
}

export async function requestOtp(caller: AppCaller, input: Contact) {
  const card = await requireCard(caller, input.card_id);
  const member = await requireMember(caller, input);
  const cfg = cardsConfig();
  const code = String(randomInt(0, 1_000_000)).padStart(6, '0');
  const now = new Date();
  const expiresAt = new Date(now.getTime() + Number(cfg.OTP_TTL_SECONDS) * 1000).toISOString();
  const channel = input.email ? ('email' as const) : ('phone' as const);
  // Caps that last longer first: a member over both hears of the one that resets later.
  const caps = {
    member_per_day: Number(cfg.OTP_SENDS_PER_MEMBER_DAY),
    member_per_hour: Number(cfg.OTP_SENDS_PER_MEMBER_HOUR),
    app_per_day: Number(cfg.OTP_SENDS_PER_APP_DAY),
    app_per_hour: Number(cfg.OTP_SENDS_PER_APP_HOUR),
  };
  try {
    const otp = { codeHash: otpHash(caller.appId, member.id, code), channel, tries: 0, createdAt: now.toISOString(), expiresAt };
    const failures = otpRepo.failureBudget(caller.appId, member.id, now, Number(cfg.OTP_MAX_FAILURES_PER_DAY));
    await otpRepo.put(caller.appId, member.id, otp, Number(cfg.OTP_MIN_INTERVAL_SECONDS) * 1000, caps, failures);
  } catch (err) {
    if (err instanceof OtpFailuresExhaustedError) throw failuresExhausted(err);
    if (err instanceof OtpSendCapError) {
      const who = err.cap.startsWith('member') ? 'this member' : 'this app';
      const per = err.cap.endsWith('day') ? 'UTC day' : 'UTC hour';
      throw fail('otp_rate_limited', `${who} was sent ${err.limit} codes this ${per}: no more until ${err.resetsAt}`, { cap: err.cap, limit: err.limit, resets_at: err.resetsAt });
    }
    if (err instanceof OtpTooSoonError) {
      throw fail('otp_rate_limited', `a code was sent less than ${cfg.OTP_MIN_INTERVAL_SECONDS} seconds ago: wait before asking again`, {
        cap: 'min_interval',
        limit: 1,
        ...(err.resetsAt ? { resets_at: err.resetsAt } : {}),
      });
    }
    throw err;
  }
  const minutes = Math.round(Number(cfg.OTP_TTL_SECONDS) / 60);
  const text = `Your ${card.name} verification code is ${code}. It is valid for ${minutes} minutes. If you did not ask for it, ignore this message.`;
  if (input.email) await publish('mail', { type: 'email', to: input.email, subject: `${card.name}: your verification code`, text });
  else await (await getSmsSender()).send(input.phone!, text);
  return { sent: true as const, channel, expires_at: expiresAt };
}

const failuresExhausted = (err: OtpFailuresExhaustedError) =>
  fail('otp_rate_limited', `${err.limit} wrong codes today: verification is refused until ${err.resetsAt}`, { cap: 'member_failures_per_day', limit: err.limit, resets_at: err.resetsAt });

export async function verifyOtp(caller: AppCaller, input: Contact & { code: string }) {
  await requireCard(caller, input.card_id);
  const member = await requireMember(caller, input);
  const cfg = cardsConfig();
  const max = Number(cfg.OTP_MAX_TRIES);
  const now = new Date();
  const unavailable = () => fail('otp_invalid', 'no valid code for this member (expired, used, or too many tries): request a new one');
  const otp = await otpRepo.get(caller.appId, member.id);
  if (!otp || otp.expiresAt <= now.toISOString() || otp.tries >= max) throw unavailable();
  // A try of this code and a wrong code of the day are taken before comparing; a right code gives the latter back.
  const failures = otpRepo.failureBudget(caller.appId, member.id, now, Number(cfg.OTP_MAX_FAILURES_PER_DAY));
  try {
    await otpRepo.takeTry(caller.appId, member.id, otp.codeHash, max, failures, now.toISOString());
  } catch (err) {
    if (err instanceof OtpFailuresExhaustedError) throw failuresExhausted(err);
    if (err instanceof OtpUnavailableError) throw unavailable();
    throw err;
  }
  const hash = otpHash(caller.appId, member.id, input.code);
  if (!equalsConstantTime(hash, otp.codeHash)) {
    // As read before the try: concurrent guesses may have used more.
    const left = max - otp.tries - 1;
    throw fail('otp_invalid', left > 0 ? `wrong code (${left} tries left)` : 'wrong code; no tries left: request a new one', { tries_left: left });
  }
  if (!(await otpRepo.consume(caller.appId, member.id, hash, failures))) throw fail('otp_invalid', 'this code was already used: request a new one');
  const { token, expiresAt } = issueMemberToken(caller.appId, member.id, now.getTime());
  return { member_token: token, member_id: member.id, expires_at: expiresAt };
}
