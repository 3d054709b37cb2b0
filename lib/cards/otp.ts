/**
 * Member verification by one-time code: a 6-digit code sent by email (through the mail queue) or SMS,
 * valid OTP_TTL_SECONDS (10 min), at most OTP_MAX_TRIES (5) tries, single use. A correct code yields a
 * member token (see auth.ts). Codes are stored only as keyed hashes.
 */
import { randomInt } from 'node:crypto';
import { cardsConfig } from '../config/index.js';
import { AlreadyExistsError } from '../db/errors.js';
import { otpRepo } from './repository/otp.js';
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
  try {
    await otpRepo.put(caller.appId, member.id, { codeHash: otpHash(caller.appId, member.id, code), channel, tries: 0, createdAt: now.toISOString(), expiresAt }, Number(cfg.OTP_MIN_INTERVAL_SECONDS) * 1000);
  } catch (err) {
    if (err instanceof AlreadyExistsError) {
      throw fail('otp_rate_limited', `a code was sent less than ${cfg.OTP_MIN_INTERVAL_SECONDS} seconds ago: wait before asking again`);
    }
    throw err;
  }
  const minutes = Math.round(Number(cfg.OTP_TTL_SECONDS) / 60);
  const text = `Your ${card.name} verification code is ${code}. It is valid for ${minutes} minutes. If you did not ask for it, ignore this message.`;
  if (input.email) await publish('mail', { type: 'email', to: input.email, subject: `${card.name}: your verification code`, text });
  else await (await getSmsSender()).send(input.phone!, text);
  return { sent: true as const, channel, expires_at: expiresAt };
}

export async function verifyOtp(caller: AppCaller, input: Contact & { code: string }) {
  await requireCard(caller, input.card_id);
  const member = await requireMember(caller, input);
  const cfg = cardsConfig();
  const max = Number(cfg.OTP_MAX_TRIES);
  const otp = await otpRepo.takeTry(caller.appId, member.id, max, new Date().toISOString());
  if (!otp) throw fail('otp_invalid', 'no valid code for this member (expired, used, or too many tries): request a new one');
  const hash = otpHash(caller.appId, member.id, input.code);
  if (!equalsConstantTime(hash, otp.codeHash)) {
    const left = max - otp.tries - 1;
    throw fail('otp_invalid', left > 0 ? `wrong code (${left} tries left)` : 'wrong code; no tries left: request a new one', { tries_left: left });
  }
  if (!(await otpRepo.consume(caller.appId, member.id, hash))) throw fail('otp_invalid', 'this code was already used: request a new one');
  const { token, expiresAt } = issueMemberToken(caller.appId, member.id);
  return { member_token: token, member_id: member.id, expires_at: expiresAt };
}
