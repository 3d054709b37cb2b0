/**
 * What a partner may take from the shared distribution fund (base + match of its purchases): per purchase and
 * per UTC day, in token units. The configured defaults apply unless the partner record overrides them.
 */
import { cashbackConfig } from '../config/index.js';
import { budgetWindow } from '../db/counters.js';
import { NETWORKS } from '../db/keys.js';
import { clearPartnerCache } from './index.js';
import { partnerFundBudgetsRepo, partnersRepo, type FundLimitChanges, type Partner } from './repository.js';

/** Overrides have the configuration's bound (33 digits): the day's counter stays inside DynamoDB's 38 digits. */
export const MAX_FUND_LIMIT_UNITS = 10n ** 33n - 1n;

export interface FundLimits {
  perPurchase: bigint;
  perDay: bigint;
  /** Share of `perDay` (whole percent) whose passing is logged as a warning, once a day. */
  alertPercent: number;
}

export function fundLimitsOf(partner: Partner): FundLimits {
  const cfg = cashbackConfig();
  return {
    perPurchase: partner.maxFundPerPurchase ?? BigInt(cfg.PARTNER_MAX_FUND_PER_PURCHASE),
    perDay: partner.maxFundPerDay ?? BigInt(cfg.PARTNER_MAX_FUND_PER_DAY),
    alertPercent: Number(cfg.PARTNER_FUND_ALERT_PERCENT),
  };
}

/** The take at which the daily alert fires: floor(perDay x alertPercent / 100); passing it alerts. */
export const alertThreshold = (limits: FundLimits): bigint => (limits.perDay * BigInt(limits.alertPercent)) / 100n;

/** A partner's effective limits, where each comes from, and what it took from each network's fund today (UTC). */
export async function describeFundLimits(name: string, now = new Date()) {
  const partner = await partnersRepo.getByName(name);
  if (!partner) throw new Error(`no partner named ${name}`);
  const limits = fundLimitsOf(partner);
  const day = budgetWindow(now, 'day');
  const taken = await Promise.all(NETWORKS.map(async (network) => ({ network, taken: await partnerFundBudgetsRepo.taken(network, name, day) })));
  return {
    partner: name,
    limits,
    overridden: { perPurchase: partner.maxFundPerPurchase !== undefined, perDay: partner.maxFundPerDay !== undefined },
    day,
    takenToday: taken,
  };
}

/** Stores overrides (null: back to the configured default). Warm functions see them once their partner cache expires. */
export async function setFundLimits(name: string, changes: FundLimitChanges): Promise<Partner> {
  for (const [field, value] of Object.entries(changes)) {
    if (typeof value === 'bigint' && (value <= 0n || value > MAX_FUND_LIMIT_UNITS)) {
      throw new Error(`${field} must be a positive number of token units of at most 33 digits`);
    }
  }
  if (changes.maxFundPerPurchase === undefined && changes.maxFundPerDay === undefined) throw new Error('give a limit to set');
  const partner = await partnersRepo.updateFundLimits(name, changes);
  clearPartnerCache();
  return partner;
}
