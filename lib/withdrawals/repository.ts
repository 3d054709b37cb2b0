/** Withdrawal profiles and a user's months of earnings and withdrawals. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';

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
  /** The transaction item adding to a month's totals; `stamp` records `now` as the month's last earning or withdrawal. */
  addItem(user: string, period: string, add: { earnCoins?: bigint; transferCoins?: bigint }, now: string, stamp = true): GuardedItem {
    const field = add.earnCoins !== undefined ? 'earnCoins' : 'transferCoins';
    const amount = add.earnCoins ?? add.transferCoins ?? 0n;
    const last = field === 'earnCoins' ? 'lastEarnAt' : 'lastTransferAt';
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.withdrawalMonth(user, period),
          UpdateExpression: `ADD ${field} :amount SET #type = :type, #user = :user, period = :period, createdAt = if_not_exists(createdAt, :now), updatedAt = :now${stamp ? `, ${last} = :now` : ''}`,
          ExpressionAttributeNames: { '#type': 'type', '#user': 'user' },
          ExpressionAttributeValues: { ':amount': amount, ':type': 'WithdrawalMonth', ':user': user, ':period': period, ':now': now },
        },
      },
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
