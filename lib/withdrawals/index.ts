/**
 * Withdrawal limits, the earnings statement and convert_coins: the period's totals from the repository, the
 * profile, the current price, then the pure computations (limits.ts, fees.ts).
 */
import { isoSeconds, wireTrue } from '../wire.js';
import { withdrawalsConfig } from '../config/index.js';
import { exactNumber, type Wire } from '../json.js';
import { parseFraction, parseUnits, amountTextOf, type Fraction } from '../ledger/money.js';
import { coinPricesNow, currentPrice, pricePerUnit } from '../rates/index.js';
import { COUNTRY_CURRENCY, DEFAULT_COIN_CURRENCY, type CoinCurrency } from '../rates/currencies.js';
import type { GuardedItem } from '../db/transact.js';
import { periodAround, periodStart, withdrawalItem } from './earnings.js';
import { withdrawalFeeInputs } from './fee-settings.js';
import { coinsForValue, FEE_FIAT_DECIMALS, quoteWithdrawal, wireCoins, withdrawalFeeView, type WithdrawalQuote, type WithdrawalType } from './fees.js';
import { fail } from './failures.js';
import { computeLimits, minorNumber, type Level, type Limits } from './limits.js';
import { karmaRule, levelNamed, levels, profileOf } from './profiles.js';
import { withdrawalMonthsRepo, type WithdrawalProfile } from './repository.js';
import type * as z from 'zod/mini';
import type { convertCoinsAnswerSchema, ConvertCoinsRequest, earningsStatementSchema, limitsResponseSchema, profileViewSchema, withdrawalQuoteViewSchema } from './schema.js';

const currencyOf = (p: WithdrawalProfile): CoinCurrency => COUNTRY_CURRENCY[p.country] ?? DEFAULT_COIN_CURRENCY;
const CURRENCY_SYMBOLS: Record<CoinCurrency, string> = { aud: '$', sgd: '$', usd: '$' };

export interface LimitsAt {
  profile: WithdrawalProfile;
  level: Level;
  currency: CoinCurrency;
  price: { price: ReturnType<typeof parseFraction> };
  period: { period: string; from: Date; to: Date };
  firstPeriod?: string;
  limits: Limits;
}

/** The user's limits in the period (month) around `at`, at the current price. */
export async function limitsAt(user: string, at: Date): Promise<LimitsAt> {
  const profile = await profileOf(user);
  const currency = currencyOf(profile);
  const period = periodAround(at, withdrawalsConfig().WITHDRAWAL_TIMEZONE);
  const [price, totals] = await Promise.all([currentPrice(currency), withdrawalMonthsRepo.periodTotals(user, period.period)]);
  const level = levelNamed(profile.level);
  const limits = computeLimits({ ...totals, level, booster: parseFraction(profile.booster), price: price.price });
  return { profile, level, currency, price, period, ...(totals.firstPeriod ? { firstPeriod: totals.firstPeriod } : {}), limits };
}

/**
 * What a user may still withdraw now: coins (and their value in cents), which bound binds, and whether karma
 * locks withdrawals. For the transfer routes, which refuse a withdrawal beyond it; `transferredInPeriod` + `coins` is
 * the most the month's withdrawn coins may reach (`withdrawalItem`'s `max`).
 */
export async function withdrawalRoom(user: string, now = new Date()): Promise<WithdrawalRoom> {
  const { limits, currency, profile } = await limitsAt(user, now);
  return { coins: limits.restCoins, valueMinor: limits.restMinor, restType: limits.restType, currency, withdrawalsLocked: profile.withdrawalsLocked, transferredInPeriod: limits.transferredCoins, profile };
}

export interface WithdrawalRoom {
  /** The profile the room was computed for (its country prices the withdrawal's quote). */
  profile: WithdrawalProfile;
  coins: bigint;
  valueMinor: bigint;
  restType: Limits['restType'];
  currency: CoinCurrency;
  withdrawalsLocked: boolean;
  transferredInPeriod: bigint;
}

/** Every withdrawal type: refused while karma locks withdrawals. */
export function refuseWhileLocked(room: WithdrawalRoom): void {
  if (room.withdrawalsLocked) throw fail('withdrawals_locked', 'your karma keeps withdrawals locked for now');
}

/** The refusal of a withdrawal that delivers nothing after its fee, or less than the least one may deliver. */
export const belowMinimum = (quote: Pick<WithdrawalQuote, 'transferCoins' | 'feeCoins' | 'minTransferCoins'>) =>
  fail('below_minimum', 'the transfer delivers nothing after its fee, or less than the least a transfer may deliver', {
    transfer_coins: quote.transferCoins.toString(),
    fee_coins: quote.feeCoins.toString(),
    ...(quote.minTransferCoins !== undefined ? { min_transfer_coins_value: quote.minTransferCoins.toString() } : {}),
  });

/**
 * Every withdrawal type: the transaction item counting `debitCoins` (every coin leaving the balance for it, fee
 * included) in the month, refused beyond the room read; its condition keeps the month's total within what was
 * withdrawn then plus the room, so concurrent withdrawals can never together pass it.
 */
export function withdrawalWithinRoom(user: string, room: WithdrawalRoom, debitCoins: bigint, now: Date): GuardedItem {
  if (debitCoins > room.coins) {
    throw fail('over_withdrawal_limit', 'the withdrawal (with its fee) is beyond what you may still withdraw this month', { debit_coins: debitCoins.toString(), rest_coins: room.coins.toString(), rest_type: room.restType });
  }
  return withdrawalItem(user, debitCoins, now, room.transferredInPeriod + room.coins);
}

/** GET /payments-service/withdrawal/limits. */
export async function withdrawalLimitsView(user: string, now = new Date()): Promise<Wire<z.output<typeof limitsResponseSchema>>> {
  const { profile, currency, price, period, firstPeriod, limits } = await limitsAt(user, now);
  return {
    currency: currency.toUpperCase(),
    currency_low: currency,
    currency_symbol: CURRENCY_SYMBOLS[currency],
    current_limit: {
      coins_limit_based_on_earnings: wireCoins(limits.earningsLimitCoins),
      coins_transfered: wireCoins(limits.transferredCoins),
      coins_transfered_wo_boosters: wireCoins(limits.transferredWithoutBoostersCoins),
      current_booster: exactNumber(profile.booster),
      current_coins_price: exactNumber(pricePerUnit(price.price)),
      current_level: profile.level,
      current_level_max_value: minorNumber(limits.levelLimitMinor),
      current_level_max_value_earnings: minorNumber(limits.levelLimitEarningsMinor),
      current_rest: minorNumber(limits.restMinor),
      current_rest_coins: wireCoins(limits.restCoins),
      current_rest_type: limits.restType,
      current_value: minorNumber(limits.transferredMinor),
      ts_from: isoSeconds(period.from),
      ts_to: isoSeconds(period.to),
    },
    levels_limits: levels().map((l) => ({
      level: l.level,
      level_max_booster: minorNumber(l.maxBoosterMinor),
      level_max_value: minorNumber(l.maxValueMinor),
      level_max_value_with_booster: minorNumber(l.maxValueMinor + l.maxBoosterMinor),
    })),
    start_ts: isoSeconds(firstPeriod ? periodStart(firstPeriod, withdrawalsConfig().WITHDRAWAL_TIMEZONE) : period.from),
  };
}

const NO_TIME = '0000-01-01T00:00:00Z';

/** GET /payments-service/withdrawal/earnings/statement: every month with an earning or a withdrawal, oldest first. */
export async function earningsStatement(user: string): Promise<Wire<z.output<typeof earningsStatementSchema>>> {
  let balance = 0n;
  const result = (await withdrawalMonthsRepo.list(user)).map((m) => {
    balance += m.earnCoins - m.transferCoins;
    const lastEarn = m.lastEarnAt ?? '';
    const lastTransfer = m.lastTransferAt ?? '';
    const [year, month] = m.period.split('-').map(Number) as [number, number];
    return {
      balance: wireCoins(balance),
      balance_ts: lastEarn || lastTransfer ? isoSeconds(lastTransfer > lastEarn ? lastTransfer : lastEarn) : NO_TIME,
      balance_type: lastTransfer > lastEarn ? ('transfers' as const) : ('earnings' as const),
      earn_coins: wireCoins(m.earnCoins),
      month,
      period: m.period,
      transfer_coins: wireCoins(m.transferCoins),
      year,
    };
  });
  return { result };
}

const FEE_TYPES: Record<NonNullable<ConvertCoinsRequest['type']>, WithdrawalType> = {
  ethereum_account: 'ethereum',
  cashout_account: 'bank',
  coinbase_account: 'coinbase',
  poloniex_account: 'poloniex',
};


/**
 * The one way a withdrawal is quoted: the fee options and gas of `type` in `country`, at the current price in
 * `currency`; `coins` may be derived from that price (a quote asked for by value). Answers the price it used.
 */
export async function quoteWithdrawalNow(w: {
  type: WithdrawalType;
  country: string;
  currency: CoinCurrency;
  coins: bigint | ((price: Fraction) => bigint);
  payFeeWithCoins: boolean;
  negativeValues: boolean;
}): Promise<{ quote: WithdrawalQuote; price: Fraction; prices: Record<string, string> }> {
  const [{ price }, prices, { options, gasCoins }] = await Promise.all([currentPrice(w.currency), coinPricesNow(), withdrawalFeeInputs(w.type, w.country)]);
  const coins = typeof w.coins === 'bigint' ? w.coins : w.coins(price);
  return { quote: quoteWithdrawal({ coins, currency: w.currency, price, gasCoins, options, payFeeWithCoins: w.payFeeWithCoins, negativeValues: w.negativeValues }), price, prices };
}

/** A withdrawal of `type` in the profile's country and currency, the fee taken as asked. */
export const quoteForProfile = (profile: WithdrawalProfile, type: WithdrawalType, coins: bigint, payFeeWithCoins: boolean) =>
  quoteWithdrawalNow({ type, country: profile.country, currency: currencyOf(profile), coins, payFeeWithCoins, negativeValues: false });

/** POST /payments-service/withdrawal/convert_coins: the fee engine's quote in the user's currency, with karma when asked. */
export async function convertCoinsQuote(user: string, req: ConvertCoinsRequest): Promise<Wire<z.output<typeof convertCoinsAnswerSchema>>> {
  if ((req.coins === undefined) === (req.value === undefined)) throw fail('bad_convert_request', 'give either coins or value', { field: req.coins === undefined ? 'coins' : 'value' });
  const profile = await profileOf(user);
  const { quote } = await quoteWithdrawalNow({
    type: FEE_TYPES[req.type ?? 'ethereum_account'],
    country: profile.country,
    currency: currencyOf(profile),
    coins: req.coins ?? ((price) => coinsForValue(parseUnits(amountTextOf(req.value)!, FEE_FIAT_DECIMALS), price)),
    payFeeWithCoins: false,
    negativeValues: wireTrue(req.negative_values),
  });
  const rule = karmaRule();
  return {
    ...(withdrawalFeeView(quote, 'quote') as Wire<z.output<typeof withdrawalQuoteViewSchema>>),
    ...(wireTrue(req.rule_karma_value_include)
      ? {
          karma_value: exactNumber(profile.karma),
          karma_value_lock_before: exactNumber(String(rule.lockBefore)),
          karma_value_unlock: exactNumber(String(rule.unlock)),
          karma_value_withdrawal_enabled: !profile.withdrawalsLocked,
        }
      : {}),
  };
}

/** A profile as the profile routes and the admin CLI answer it. */
export function profileView(p: WithdrawalProfile): Wire<z.output<typeof profileViewSchema>> {
  return {
    user: p.user,
    country: p.country,
    level: p.level,
    karma: exactNumber(p.karma),
    booster: exactNumber(p.booster),
    karma_value_withdrawal_enabled: !p.withdrawalsLocked,
    updated_at: p.updatedAt ? isoSeconds(p.updatedAt) : null,
  };
}
