/**
 * What moderators see of exchange transfers (system role): the list with its filters (POST
 * /payments-service/transfer/get) and one transfer's review (POST /payments-service/transfer/limits): the request,
 * the user's latest withdrawals with the prices they were asked at, the user's limits in the request's month, and
 * the user as their ticket described them when they asked.
 *
 * The list reads the moderators' index (GSI1 `EXCHANGETRANSFERS`, by request time) between ts_from and ts_to, or
 * with user_id the user's withdrawal history (GSI2), and filters and pages in code: `count` is the number of all
 * matches, so every match in the time range is read. Exchange transfers are few (each is a withdrawal a person
 * asked for), and a moderator's range is days; a bounded `ts_from` keeps a read small.
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import type { TransferView } from '../coins/schema.js';
import { emailOfUser, type UserProfileClaims } from '../identity/tickets.js';
import { exactNumber } from '../json.js';
import { parseFraction, type Fraction } from '../ledger/money.js';
import { coinsToFiat, pricePerUnit } from '../rates/index.js';
import { COIN_CURRENCIES } from '../rates/currencies.js';
import { cashoutHistoryEntry } from '../withdrawals/cashout.js';
import { recordedQuote, withdrawalFeeView, type RecordedQuote } from '../withdrawals/fees.js';
import { limitsAt } from '../withdrawals/index.js';
import { minorNumber } from '../withdrawals/limits.js';
import type { CashoutTransfer } from '../withdrawals/repository.js';
import { newestWithdrawalItems, withdrawalEntries } from '../withdrawals/history.js';
import { retailHistoryEntry, type RetailSession } from '../retail/repository.js';
import { fail } from './failures.js';
import type { TransferListRequest } from './moderation-schema.js';
import { exchangeTransfersRepo, exchangeTransferView, manualCode, transferUuidOf, USER_STATUS, type ExchangeTransfer } from './transfer-records.js';

/** Rows in a list answer when the request names no limit. */
export const DEFAULT_LIST_LIMIT = 20;
/** The user's withdrawals a review shows. */
export const REVIEW_HISTORY = 10;

/** The price of one whole token in `currency` a withdrawal was asked at: its recorded prices, else its own currency's. */
function askedPrice(r: RecordedQuote, currency: string): Fraction | undefined {
  const text = r.coinsPrices?.[currency];
  if (text !== undefined) return parseFraction(text);
  return r.currency === currency ? { num: r.priceNum, den: r.priceDen } : undefined;
}

/** coins_prices: the smallest unit's price in each coin currency the withdrawal recorded. */
function coinsPricesOf(r: RecordedQuote) {
  return Object.fromEntries(COIN_CURRENCIES.flatMap((c) => {
    const p = askedPrice(r, c);
    return p ? [[c, exactNumber(pricePerUnit(p))]] : [];
  }));
}

const fiat = (coins: bigint, price: Fraction | undefined) => (price ? exactNumber(coinsToFiat(coins, price)) : null);

/** The user's email: their ticket's claim, or the email of an email user urn. */
const emailOf = (user: string, requester: UserProfileClaims | undefined): string | null => requester?.email || emailOfUser(user) || null;

const serviceResponseOf = (t: ExchangeTransfer): Record<string, unknown> | null => (t.serviceResponse ? (JSON.parse(t.serviceResponse) as Record<string, unknown>) : null);

/** A transfer as a row of the moderators' list. */
function listRow(t: ExchangeTransfer) {
  const aud = askedPrice(t, 'aud');
  return {
    ...(t.exchange === 'poloniex' ? { account_address: t.destination } : {}),
    account_email: t.exchange === 'coinbase' ? ((t.account.email as string | null | undefined) ?? null) : null,
    account_number: t.accountId,
    aud_amount: fiat(t.coins, aud),
    aud_fee_amount: fiat(t.feeCoins, aud),
    coins_amount: t.coins.toString(),
    coins_fee: t.feeCoins.toString(),
    first_name: t.requester?.given_name ?? null,
    id: manualCode(t.uuid),
    last_name: t.requester?.family_name ?? null,
    request_id: transactionRequestId(t.uuid),
    request_service_response: serviceResponseOf(t),
    request_status: USER_STATUS[t.status],
    status: t.moderation,
    ts: isoSeconds(t.ts),
    type: t.exchange,
    user_email: emailOf(t.user, t.requester),
    user_id: t.user,
  };
}

/** A time filter as the index's sort keys compare (ISO with milliseconds). */
const sortTime = (iso: string) => new Date(iso).toISOString();

/** POST /payments-service/transfer/get: the transfers matching every filter given, in request-time order, one page of them. */
export async function listExchangeTransfers(req: TransferListRequest) {
  const from = req.ts_from ? sortTime(req.ts_from) : '0';
  const until = req.ts_to ? `${sortTime(req.ts_to)}#~` : '~';
  if (from > until) throw fail('bad_time_range', 'ts_from is after ts_to', { ts_from: req.ts_from ?? null, ts_to: req.ts_to ?? null });
  const transfers = await exchangeTransfersRepo.listRequestedBetween(from, until, { newestFirst: req.order_type !== 'asc', ...(req.user_id ? { user: req.user_id } : {}) });
  const statuses = req.status?.length ? new Set<string>(req.status) : undefined;
  const types = req.type?.length ? new Set<string>(req.type) : undefined;
  const email = req.account_email?.trim().toLowerCase();
  const matches = transfers.filter(
    (t) =>
      (!statuses || statuses.has(t.moderation)) &&
      (!types || types.has(t.exchange)) &&
      (!email || (typeof t.account.email === 'string' && t.account.email.toLowerCase() === email)),
  );
  const offset = req.offset ?? 0;
  return { count: matches.length, data: matches.slice(offset, offset + (req.limit ?? DEFAULT_LIST_LIMIT)).map(listRow) };
}

const profileCoinsOf = (coins: bigint | undefined) => (coins === undefined ? {} : { profile_coins: coins.toString() });

/** The user's withdrawals as a review shows them: their history entries with the prices they were asked at and their whole fee. */
const REVIEW_ENTRIES = {
  cashout: async (t: CashoutTransfer) => {
    const { fee_summary: _summary, ...entry } = await cashoutHistoryEntry(t);
    return { ...entry, coins_prices: coinsPricesOf(t), fee: withdrawalFeeView(recordedQuote(t), 'transfer'), ...profileCoinsOf(t.profileCoins) };
  },
  exchange: (t: ExchangeTransfer) => {
    const { account, coins, fee, hash, id, status, ts } = exchangeTransferView(t);
    return { account, coins, coins_prices: coinsPricesOf(t), fee, hash, id, manual_code: manualCode(t.uuid), owner: t.user, ...profileCoinsOf(t.profileCoins), service_response: serviceResponseOf(t), status, ts, type: t.exchange };
  },
  ethereum: ({ address, ...view }: TransferView) => ({ account: { address }, ...view, coins_prices: {}, type: 'ethereum' as const }),
  retail: (s: RetailSession) => {
    const { account, coins, coins_rebate, hash, id, session_id, status, ts, type } = retailHistoryEntry(s);
    return { account, coins, coins_prices: { [s.currency]: exactNumber(pricePerUnit(parseFraction(s.priceText))) }, coins_rebate, fee: null, hash, id, session_id, status, ts, type };
  },
};
type ReviewEntry = Awaited<ReturnType<(typeof REVIEW_ENTRIES)[keyof typeof REVIEW_ENTRIES]>>;

/** POST /payments-service/transfer/limits: a moderator's review of one transfer, named by its manual code (or id). */
export async function reviewExchangeTransfer(code: string) {
  const uuid = transferUuidOf(code);
  const t = await exchangeTransfersRepo.get(uuid);
  if (!t) throw fail('exchange_transfer_not_found', `no exchange transfer ${uuid}`, { id: transactionRequestId(uuid) });
  const [latest, limitsThen] = await Promise.all([
    newestWithdrawalItems(t.user, REVIEW_HISTORY),
    limitsAt(t.user, new Date(t.ts)),
  ]);
  const { profile, currency, price, period, limits, level } = limitsThen;
  const view = exchangeTransferView(t);
  return {
    history: await withdrawalEntries<ReviewEntry>(latest, REVIEW_ENTRIES),
    limits: {
      boosted_value: minorNumber(limits.levelLimitMinor - level.maxValueMinor),
      currency,
      history_value: exactNumber(coinsToFiat(limits.transferredCoins > 0n ? limits.transferredCoins : 0n, price.price)),
      level: profile.level,
      max_level_value: minorNumber(level.maxValueMinor),
      record_value: exactNumber(coinsToFiat(t.debitCoins, askedPrice(t, currency) ?? price.price)),
      total_max_level_value: minorNumber(level.maxValueMinor + level.maxBoosterMinor),
      ts_from: isoSeconds(period.from),
      ts_to: isoSeconds(period.to),
    },
    request: {
      account: t.account,
      action: `user_${t.exchange}` as const,
      coins: view.coins,
      coins_prices: coinsPricesOf(t),
      fee: view.fee,
      id: manualCode(t.uuid),
      moderator_id: t.moderatedBy ?? null,
      owner: t.user,
      ...profileCoinsOf(t.profileCoins),
      status: t.moderation,
      status_ts: t.moderatedAt ? isoSeconds(t.moderatedAt) : null,
      transfer_uuid: transactionRequestId(t.uuid),
      ts: view.ts,
    },
    user: {
      country: profile.country,
      email: emailOf(t.user, t.requester),
      first_name: t.requester?.given_name ?? null,
      id: t.user,
      last_name: t.requester?.family_name ?? null,
      level: profile.level,
      phone: t.requester?.phone_number ?? null,
      photo: t.requester?.picture ?? null,
    },
  };
}
