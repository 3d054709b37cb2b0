/** Withdrawal profiles, a user's months of earnings and withdrawals, and bank cash-out transfers. */
import { updateOf } from '../db/update.js';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { accountDetailsFrom, type CashoutAccountDetails } from '../cashout-accounts/repository.js';
import { ddb, queryAll, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, transactWrite, type GuardedItem } from '../db/transact.js';
import { recordedQuoteFrom, type RecordedQuote } from './fees.js';

export interface WithdrawalProfile {
  user: string;
  /** ISO 3166-1 numeric ("036"). */
  country: string;
  level: string;
  /** Decimal text ("80", "62.5"). */
  karma: string;
  /** Decimal text: the booster multiplier ("0", "1.5"). */
  booster: string;
  /** Withdrawals are locked by karma (see profiles.ts: hysteresis). */
  withdrawalsLocked: boolean;
  createdAt: string;
  updatedAt: string;
}

function profileFrom(i: StoredItem): WithdrawalProfile {
  const f = fields(i, `WithdrawalProfile ${String(i.user)}`);
  return {
    user: f.str('user'),
    country: f.str('country'),
    level: f.str('level'),
    karma: f.str('karma'),
    booster: f.str('booster'),
    withdrawalsLocked: f.flag('withdrawalsLocked'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

export const withdrawalProfilesRepo = {
  async get(user: string): Promise<WithdrawalProfile | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.withdrawalProfile(user), ConsistentRead: true }));
    return out.Item ? profileFrom(out.Item) : undefined;
  },

  /** Writes the profile; `expectedUpdatedAt` (the version read) makes concurrent updates of one profile fail instead of losing one. */
  async put(p: WithdrawalProfile, expectedUpdatedAt: string | undefined): Promise<void> {
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.withdrawalProfile(p.user), type: 'WithdrawalProfile', ...p },
        ...(expectedUpdatedAt === undefined
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: 'updatedAt = :v', ExpressionAttributeValues: { ':v': expectedUpdatedAt } }),
      }),
    );
  },
};

/** One month of a user's earnings and withdrawals. */
export interface WithdrawalMonth {
  period: string;
  earnCoins: bigint;
  transferCoins: bigint;
  lastEarnAt?: string;
  lastTransferAt?: string;
}

function monthFrom(i: StoredItem): WithdrawalMonth {
  const f = fields(i, `WithdrawalMonth ${String(i.user)} ${String(i.period)}`);
  const lastEarnAt = f.optStr('lastEarnAt');
  const lastTransferAt = f.optStr('lastTransferAt');
  return {
    period: f.str('period'),
    earnCoins: f.optMoney('earnCoins') ?? 0n,
    transferCoins: f.optMoney('transferCoins') ?? 0n,
    ...(lastEarnAt ? { lastEarnAt } : {}),
    ...(lastTransferAt ? { lastTransferAt } : {}),
  };
}

export const withdrawalMonthsRepo = {
  /**
   * The transaction item adding to a month's totals; `stamp` records `now` as the month's last earning or withdrawal.
   * `maxTransferCoins`: the month's transferCoins may not exceed it after the addition (the item's condition, so
   * concurrent withdrawals can never together pass it); `onOverLimit` is the error when they would.
   */
  addItem(
    user: string,
    period: string,
    add: { earnCoins?: bigint; transferCoins?: bigint },
    now: string,
    stamp = true,
    limit?: { maxTransferCoins: bigint; onOverLimit: () => Error },
  ): GuardedItem {
    const field = add.earnCoins !== undefined ? 'earnCoins' : 'transferCoins';
    const amount = add.earnCoins ?? add.transferCoins ?? 0n;
    const last = field === 'earnCoins' ? 'lastEarnAt' : 'lastTransferAt';
    // The total before the addition must be at most max - amount (a month without withdrawals yet is 0); an
    // addition beyond max on its own can never be written.
    const ceiling = limit ? limit.maxTransferCoins - amount : undefined;
    const condition = ceiling === undefined ? {} : { ConditionExpression: ceiling >= 0n ? 'attribute_not_exists(transferCoins) OR transferCoins <= :ceiling' : 'attribute_not_exists(PK) AND attribute_exists(PK)' };
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.withdrawalMonth(user, period),
          UpdateExpression: `ADD ${field} :amount SET #type = :type, #user = :user, period = :period, createdAt = if_not_exists(createdAt, :now), updatedAt = :now${stamp ? `, ${last} = :now` : ''}`,
          ...condition,
          ExpressionAttributeNames: { '#type': 'type', '#user': 'user' },
          ExpressionAttributeValues: { ':amount': amount, ':type': 'WithdrawalMonth', ':user': user, ':period': period, ':now': now, ...(ceiling !== undefined && ceiling >= 0n ? { ':ceiling': ceiling } : {}) },
        },
      },
      ...(limit ? { onConditionFailed: limit.onOverLimit } : {}),
    };
  },

  /** Every month with an earning or a withdrawal, oldest first. */
  async list(user: string): Promise<WithdrawalMonth[]> {
    const { PK } = keys.withdrawalMonth(user, '');
    const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': PK, ':sk': keys.withdrawalMonthPrefix }, ConsistentRead: true });
    return items.map(monthFrom);
  },

  /** The totals of `period` and of the months before it (one query: a user has one item per month). */
  async periodTotals(user: string, period: string): Promise<PeriodTotals> {
    return periodTotalsOf(await withdrawalMonthsRepo.list(user), period);
  },
};

/** The totals the limits of a period need: before it and in it, and the first month with any record. */
export interface PeriodTotals {
  earnedBefore: bigint;
  transferredBefore: bigint;
  earnedInPeriod: bigint;
  transferredInPeriod: bigint;
  firstPeriod?: string;
}

export function periodTotalsOf(months: WithdrawalMonth[], period: string): PeriodTotals {
  const t: PeriodTotals = { earnedBefore: 0n, transferredBefore: 0n, earnedInPeriod: 0n, transferredInPeriod: 0n };
  for (const m of months) {
    if (m.period < period) {
      t.earnedBefore += m.earnCoins;
      t.transferredBefore += m.transferCoins;
    } else if (m.period === period) {
      t.earnedInPeriod += m.earnCoins;
      t.transferredInPeriod += m.transferCoins;
    }
  }
  const first = months[0]?.period;
  return first && first <= period ? { ...t, firstPeriod: first } : t;
}

export const CASHOUT_TRANSFER_STATUSES = ['pending', 'paying', 'paid', 'failed'] as const;
export type CashoutTransferStatus = (typeof CASHOUT_TRANSFER_STATUSES)[number];

/** The bank account a transfer pays, as it was stored when the transfer was asked for (the number still sealed, bound to the user and account id). */
export type CashoutTransferAccount = CashoutAccountDetails;

/**
 * A bank cash-out transfer: what its quote was made of (so the fee summary is recomputed exactly), what it
 * moves, and its state: pending -> paying (written before the provider is called) -> paid | failed.
 */
export interface CashoutTransfer extends RecordedQuote {
  uuid: string;
  user: string;
  status: CashoutTransferStatus;
  account: CashoutTransferAccount;
  /** What it moves: debitCoins = transferCoins + feeCoins left the user's coins for the hold. */
  debitCoins: bigint;
  transferCoins: bigint;
  feeCoins: bigint;
  /** Paid to the bank account, in cents of `currency`. */
  payoutValueMinor: bigint;
  /** The delivered coins in US cents at the time; absent without a usd price. */
  usdValueMinor?: bigint;
  /** The user's coins when they asked (absent on transfers from before it was recorded). */
  profileCoins?: bigint;
  ts: string;
  providerReference?: string;
  failureCode?: string;
  failureReason?: string;
  settledAt?: string;
}

export function cashoutTransferFrom(i: StoredItem): CashoutTransfer {
  const what = `CashoutTransfer ${String(i.uuid)}`;
  const f = fields(i, what);
  const opt = <K extends string, V>(k: K, v: V | undefined) => (v === undefined ? {} : ({ [k]: v } as Record<K, V>));
  return {
    uuid: f.str('uuid'),
    user: f.str('user'),
    status: f.oneOf('status', CASHOUT_TRANSFER_STATUSES),
    account: accountDetailsFrom(f.map('account'), `${what}: account`),
    ...recordedQuoteFrom(f),
    debitCoins: f.money('debitCoins'),
    transferCoins: f.money('transferCoins'),
    feeCoins: f.money('feeCoins'),
    payoutValueMinor: f.money('payoutValueMinor'),
    ...opt('usdValueMinor', f.optMoney('usdValueMinor')),
    ...opt('profileCoins', f.optMoney('profileCoins')),
    ts: f.str('ts'),
    ...opt('providerReference', f.optStr('providerReference')),
    ...opt('failureCode', f.optStr('failureCode')),
    ...opt('failureReason', f.optStr('failureReason')),
    ...opt('settledAt', f.optStr('settledAt')),
  };
}

/** The transfer is not in the state a transition expected (a concurrent delivery moved it). */
export class CashoutTransferStateError extends Error {
  override name = 'CashoutTransferStateError';
}

export type CashoutTransferOutcome = Pick<CashoutTransfer, 'providerReference' | 'failureCode' | 'failureReason' | 'settledAt'>;

export const cashoutTransfersRepo = {
  newItem(t: CashoutTransfer): GuardedItem {
    return {
      item: putNew({ ...keys.cashoutTransfer(t.uuid), GSI1PK: keys.openCashoutTransfers(), GSI1SK: t.ts, ...keys.withdrawalInHistory(t.user, t.ts, t.uuid), type: 'CashoutTransfer', ...t, createdAt: t.ts, updatedAt: t.ts }),
    };
  },

  async get(uuid: string): Promise<CashoutTransfer | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutTransfer(uuid), ConsistentRead: true }));
    return out.Item ? cashoutTransferFrom(out.Item) : undefined;
  },

  /** Transfers still pending or paying that were requested at `until` or before, oldest first. */
  async listOpenSince(until: string): Promise<CashoutTransfer[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until', ExpressionAttributeValues: { ':pk': keys.openCashoutTransfers(), ':until': until } });
    return items.map(cashoutTransferFrom);
  },

  /** from -> to, once (CashoutTransferStateError when it is not in `from`); for a transaction with the ledger entry it goes with. A settled transfer leaves the open index. */
  transitionItem(uuid: string, from: CashoutTransferStatus, to: CashoutTransferStatus, outcome: CashoutTransferOutcome = {}): GuardedItem {
    const settled = to === 'paid' || to === 'failed';
    const update = updateOf({ ...outcome, status: to, updatedAt: new Date().toISOString() }, { remove: settled ? ['GSI1PK', 'GSI1SK'] : [] });
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.cashoutTransfer(uuid),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':from': from },
        },
      },
      onConditionFailed: () => new CashoutTransferStateError(`cash-out transfer ${uuid} is not ${from}`),
    };
  },

  async transition(uuid: string, from: CashoutTransferStatus, to: CashoutTransferStatus, outcome: CashoutTransferOutcome = {}): Promise<void> {
    await transactWrite([cashoutTransfersRepo.transitionItem(uuid, from, to, outcome)]);
  },
};
