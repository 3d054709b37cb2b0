/**
 * A user's loyalty level at a participant, read from the store: the program and the user's purchases of the
 * program's widest window, computed by the pure engine (levels.ts).
 */
import { isoSeconds } from '../wire.js';
import { exactNumber, type Wire } from '../json.js';
import type { Fraction } from '../ledger/money.js';
import { countingSince, levelStanding, type LevelStanding } from './levels.js';
import { programView, requireProgram, type LoyaltyProgram } from './programs.js';
import { retailPurchasesRepo } from './purchases.js';
import type { LevelInfo } from './schema.js';


/** The user's standing in the program at `now`. */
async function standingOf(user: string, participant: string, program: LoyaltyProgram, now: Date): Promise<LevelStanding> {
  const purchases = await retailPurchasesRepo.since(user, participant, countingSince(program, now).toISOString());
  return levelStanding(program, purchases, now);
}

/** The user's level and its rebate (in percent, exact) at `now`: what a payment confirmation gives. */
export async function currentLevel(user: string, participant: string, program: LoyaltyProgram, now = new Date()): Promise<{ level: string; rebate: Fraction }> {
  const s = await standingOf(user, participant, program, now);
  return { level: s.level, rebate: s.rebate };
}

/** The level info the contract answers (GET /payments-service/retail_connect/v1/code); 404 retail_program_not_found without a program. */
export async function levelInfo(user: string, participant: string, now = new Date()): Promise<Wire<LevelInfo>> {
  const program = await requireProgram(participant);
  return levelInfoView(user, program, await standingOf(user, participant, program, now), now);
}

export function levelInfoView(user: string, program: LoyaltyProgram, s: LevelStanding, now: Date): Wire<LevelInfo> {
  return {
    activity_from_date: s.window.fromDate,
    activity_from_utc_ts: isoSeconds(s.window.from),
    activity_to_date: s.window.toDate,
    activity_to_utc_ts: isoSeconds(s.window.to),
    calculated_ts: isoSeconds(now),
    counters: { purchases_count: s.window.purchasesCount, sessions: s.window.sessions, spends: s.window.spends },
    id: `${user}@retail_connect@${program.participant}@level`,
    loyalty_program: programView(program),
    next_date: s.nextChange.date,
    next_ts_utc: isoSeconds(s.nextChange.at),
    participant_id: program.participant,
    rules: s.rules.map(({ rule, pass, userValue }) =>
      rule.type === 'purchases_count'
        ? { pass, period_days: rule.period_days, purchases_count: rule.purchases_count, type: rule.type, user_value: userValue }
        : { pass, period_days: rule.period_days, spends: rule.spends, type: rule.type, user_value: userValue },
    ),
    timezone_min: s.timezoneMinutes,
    type: 'retail_connect_level',
    user_id: user,
    user_level: s.level,
    user_level_next: s.next,
    user_level_rebate_percents: exactNumber(s.rebatePercents),
  };
}
