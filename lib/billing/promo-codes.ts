/**
 * Promo codes: the operator creates them (days added to the paid period, number of uses, last day), a
 * participant checks one and redeems it once when changing plan. Codes match whatever their letter case:
 * `PROMO60` and `promo60` are one code (stored under its lower-case form, shown as created).
 */
import { fail } from './failures.js';
import { PromoCodeExistsError, promoCodesRepo, RedemptionRefused, type PromoCode } from './repository.js';

export { PromoCodeExistsError };
export type { PromoCode };

const CODE = /^[A-Za-z0-9_-]{1,64}$/;
const DAY = /^\d{4}-\d\d-\d\d$/;

/** The key a code is stored under. */
export const promoKey = (code: string) => code.trim().toLowerCase();

export interface NewPromoCode {
  code: string;
  days: number;
  uses: number;
  /** The last UTC day (YYYY-MM-DD) the code can be used. */
  expiresOn: string;
}

/** The instant after the last usable day: its next day at 00:00 UTC. */
export function validUntilOf(expiresOn: string): string {
  const day = new Date(`${expiresOn}T00:00:00.000Z`);
  if (!DAY.test(expiresOn) || Number.isNaN(day.getTime()) || day.toISOString().slice(0, 10) !== expiresOn) throw new Error(`--expires must be a day YYYY-MM-DD (got ${expiresOn})`);
  return new Date(day.getTime() + 86_400_000).toISOString();
}

export async function createPromoCode(input: NewPromoCode, now = new Date()): Promise<PromoCode> {
  if (!CODE.test(input.code)) throw new Error('the code must be 1 to 64 letters, digits, dashes or underscores');
  if (!Number.isSafeInteger(input.days) || input.days < 1 || input.days > 3660) throw new Error('--days must be a whole number of days from 1 to 3660');
  if (!Number.isSafeInteger(input.uses) || input.uses < 1 || input.uses > 1_000_000) throw new Error('--uses must be a whole number from 1 to 1000000');
  const validUntil = validUntilOf(input.expiresOn);
  if (validUntil <= now.toISOString()) throw new Error(`--expires ${input.expiresOn} is already past`);
  return promoCodesRepo.create(promoKey(input.code), { code: input.code, daysValue: input.days, usesTotal: input.uses, expiresOn: input.expiresOn, validUntil }, now.toISOString());
}

export const listPromoCodes = () => promoCodesRepo.list();

export async function disablePromoCode(code: string): Promise<PromoCode> {
  const promo = await promoCodesRepo.disable(promoKey(code));
  if (!promo) throw new Error(`no promo code ${code}`);
  return promo;
}

/** The failure of a code that cannot be used at `now`, or undefined when it can. */
function refusal(code: string, promo: PromoCode | undefined, now: string) {
  if (!promo) return fail('promo_code_unknown', `unknown promo code ${code}`);
  if (promo.disabled) return fail('promo_code_disabled', `promo code ${promo.code} is no longer valid`);
  if (promo.validUntil <= now) return fail('promo_code_expired', `promo code ${promo.code} expired on ${promo.expiresOn}`, { expired_on: promo.expiresOn });
  if (promo.usesLeft <= 0) return fail('promo_code_used_up', `promo code ${promo.code} has been used as many times as it allows`);
  return undefined;
}

/** `GET /participants/promo_code/check`: the code and its days when the participant could redeem it now. */
export async function checkPromoCode(code: string, participant: string, now = new Date()): Promise<{ code: string; days_value: number }> {
  const key = promoKey(code);
  const [promo, redeemed] = await Promise.all([promoCodesRepo.get(key), promoCodesRepo.redemption(key, participant)]);
  if (promo && redeemed) throw fail('promo_code_already_redeemed', `you already redeemed promo code ${promo.code}`);
  const refused = refusal(code, promo, now.toISOString());
  if (refused) throw refused;
  return { code: promo!.code, days_value: promo!.daysValue };
}

/**
 * Takes one use of the code for the participant and answers the days it adds to the paid period. Atomic: the
 * uses never go below zero however many redeem at once, and a participant redeems a code once. `periodKey`
 * names the paid period it extends (the plan change): redeeming again for the same period answers the same
 * days without taking another use (a retried plan change); for another period it is refused.
 */
export async function redeemPromoCode(code: string, participant: string, periodKey: string, now = new Date()): Promise<number> {
  const key = promoKey(code);
  const at = now.toISOString();
  const promo = await promoCodesRepo.get(key);
  const refused = refusal(code, promo, at);
  if (refused) {
    const earlier = await promoCodesRepo.redemption(key, participant);
    if (earlier?.periodKey === periodKey) return earlier.daysValue;
    if (earlier) throw fail('promo_code_already_redeemed', `you already redeemed promo code ${promo!.code}`);
    throw refused;
  }
  try {
    await promoCodesRepo.redeem(key, participant, periodKey, promo!.daysValue, at);
    return promo!.daysValue;
  } catch (err) {
    if (!(err instanceof RedemptionRefused)) throw err;
    if (err.reason === 'redeemed') {
      if (err.redemption?.periodKey === periodKey) return err.redemption.daysValue;
      throw fail('promo_code_already_redeemed', `you already redeemed promo code ${promo!.code}`);
    }
    // The code changed since it was read (its last use taken, disabled): refused for what it is now.
    throw refusal(code, err.promo, at) ?? err;
  }
}
