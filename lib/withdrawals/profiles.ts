/**
 * Users' withdrawal profiles: country, level, karma and booster, set by the system (route or admin CLI); a user
 * without one has the configured defaults. Karma locks withdrawals with hysteresis: they lock when karma falls
 * below KARMA_VALUE_LOCK_BEFORE and unlock only when it reaches KARMA_VALUE_UNLOCK again, so a karma moving
 * around one threshold does not flip them. The profile stores whether they are locked; a karma update changes it.
 */
import { withdrawalsConfig } from '../config/index.js';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { parseFraction } from '../ledger/money.js';
import { COUNTRY_CURRENCY } from '../rates/currencies.js';
import { DEFAULT_LEVELS, levelsOf, type Level } from './limits.js';
import { fail } from './failures.js';
import { withdrawalProfilesRepo, type WithdrawalProfile } from './repository.js';

export interface KarmaRule {
  lockBefore: number;
  unlock: number;
}

/** Whether withdrawals are locked after karma becomes `karma`, given whether they were. */
export function lockedAfter(wasLocked: boolean, karma: number, rule: KarmaRule): boolean {
  return wasLocked ? karma < rule.unlock : karma < rule.lockBefore;
}

export function karmaRule(): KarmaRule {
  const c = withdrawalsConfig();
  return { lockBefore: Number(c.KARMA_VALUE_LOCK_BEFORE), unlock: Number(c.KARMA_VALUE_UNLOCK) };
}

let levelsCache: { text: string | undefined; levels: Level[] } | undefined;
/** The levels table: WITHDRAWAL_LEVELS (a JSON array like DEFAULT_LEVELS_DOCUMENT) or the built-in one. */
export function levels(): Level[] {
  const text = withdrawalsConfig().WITHDRAWAL_LEVELS;
  if (levelsCache && levelsCache.text === text) return levelsCache.levels;
  let parsed: Level[];
  if (text === undefined || text.trim() === '') parsed = DEFAULT_LEVELS;
  else {
    try {
      parsed = levelsOf(JSON.parse(text));
    } catch (err) {
      throw new Error(`Invalid withdrawals configuration: WITHDRAWAL_LEVELS ${(err as Error).message}`);
    }
  }
  levelsCache = { text, levels: parsed };
  return parsed;
}

export function levelNamed(name: string): Level {
  const level = levels().find((l) => l.level === name);
  if (!level) throw fail('unknown_level', `level ${name} is not one of ${levels().map((l) => l.level).join(', ')}`);
  return level;
}

/** A user's profile, or the defaults while the system has set none (not stored). */
export async function profileOf(user: string): Promise<WithdrawalProfile> {
  return (await withdrawalProfilesRepo.get(user)) ?? defaultProfile(user);
}

function defaultProfile(user: string): WithdrawalProfile {
  const c = withdrawalsConfig();
  return {
    user,
    country: c.WITHDRAWAL_DEFAULT_COUNTRY,
    level: c.WITHDRAWAL_DEFAULT_LEVEL,
    karma: c.WITHDRAWAL_DEFAULT_KARMA,
    booster: c.WITHDRAWAL_DEFAULT_BOOSTER,
    withdrawalsLocked: lockedAfter(false, Number(c.WITHDRAWAL_DEFAULT_KARMA), karmaRule()),
    createdAt: '',
    updatedAt: '',
  };
}

export interface ProfileChange {
  country?: string;
  level?: string;
  /** Decimal text. */
  karma?: string;
  booster?: string;
}

const DECIMAL = /^\d{1,6}(\.\d{1,2})?$/;

/** Sets some fields of a user's profile (the others keep their value or default); answers the profile as stored. */
export async function setProfile(user: string, change: ProfileChange, now = new Date()): Promise<WithdrawalProfile> {
  if (change.country !== undefined && (!/^\d{3}$/.test(change.country) || !COUNTRY_CURRENCY[change.country])) {
    throw fail('bad_profile', `country must be a numeric country code with a coin currency (${Object.keys(COUNTRY_CURRENCY).filter((c) => /^\d{3}$/.test(c)).join(', ')})`, { field: 'country' });
  }
  if (change.level !== undefined) levelNamed(change.level);
  for (const field of ['karma', 'booster'] as const) {
    const v = change[field];
    if (v !== undefined && !DECIMAL.test(v)) throw fail('bad_profile', `${field} must be a non-negative number with at most 2 decimals (at most 999999.99)`, { field });
  }
  for (let attempt = 0; ; attempt++) {
    const stored = await withdrawalProfilesRepo.get(user);
    const current = stored ?? defaultProfile(user);
    const karma = change.karma !== undefined ? canonical(change.karma) : current.karma;
    const ts = now.toISOString();
    const next: WithdrawalProfile = {
      user,
      country: change.country ?? current.country,
      level: change.level ?? current.level,
      karma,
      booster: change.booster !== undefined ? canonical(change.booster) : current.booster,
      withdrawalsLocked: lockedAfter(current.withdrawalsLocked, Number(karma), karmaRule()),
      createdAt: stored?.createdAt ?? ts,
      // Strictly later than the version read, so the conditional write below tells the versions apart.
      updatedAt: stored && stored.updatedAt >= ts ? new Date(Date.parse(stored.updatedAt) + 1).toISOString() : ts,
    };
    try {
      await withdrawalProfilesRepo.put(next, stored?.updatedAt);
      return next;
    } catch (err) {
      // Another update of this profile came first: apply this one to it (karma locks depend on the order).
      if (err instanceof ConditionalCheckFailedException && attempt < 5) continue;
      throw err;
    }
  }
}

/** "080.50" -> "80.5". */
function canonical(decimal: string): string {
  const f = parseFraction(decimal);
  const whole = f.num / f.den;
  const frac = (f.num % f.den).toString().padStart(f.den.toString().length - 1, '0').replace(/0+$/, '');
  return frac ? `${whole}.${frac}` : `${whole}`;
}
