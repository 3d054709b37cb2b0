/** Named integer sequences (ids the cards API shows as integers, HD wallet indexes). Gaps are possible, reuse is not. */
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.js';
import { fields } from './item.js';
import * as keys from './keys.js';
import type { GuardedItem } from './transact.js';

export const countersRepo = {
  /** Next integer of a named sequence (ids the cards API shows as integers). Gaps are possible, reuse is not. */
  async next(name: string): Promise<number> {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.counter(name),
        UpdateExpression: 'ADD #v :one SET #type = :type',
        ExpressionAttributeNames: { '#v': 'value', '#type': 'type' },
        ExpressionAttributeValues: { ':one': 1, ':type': 'Counter' },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return fields(out.Attributes ?? {}, `Counter ${name}`).int('value');
  },
};

/**
 * A fixed-window budget: a counter item per key and window that only grows while it stays within `max`
 * (`n + add <= max`), and expires by TTL after its window. Rate limits (OTP sends, webhook replays) and
 * amount limits (a partner's daily cashback) are budgets; put `budgetTake(...)` in the transaction that
 * does the limited thing so the budget is spent exactly when the thing happens.
 */
export interface Budget {
  key: { PK: string; SK: string };
  /** What this use spends (1 for a rate limit, an amount for a money limit). */
  add: number | bigint;
  max: number | bigint;
  /** When the window's counter may be deleted (epoch seconds): the window's end plus a margin. */
  expiresAt: number;
}

/** A transaction item taking `add` from a budget; its condition fails when the budget cannot cover it. */
export function budgetTake(b: Budget) {
  const add = BigInt(b.add);
  const room = BigInt(b.max) - add;
  return {
    Update: {
      TableName: tableName(),
      Key: b.key,
      UpdateExpression: 'ADD n :add SET expiresAt = if_not_exists(expiresAt, :ttl), #type = :type, createdAt = if_not_exists(createdAt, :now), updatedAt = :now',
      // A use larger than the whole budget fails even on a fresh window (room < 0 fails both branches).
      ConditionExpression: '(attribute_not_exists(n) AND :zero <= :room) OR n <= :room',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':add': add, ':room': room, ':zero': 0n, ':ttl': b.expiresAt, ':type': 'Budget', ':now': new Date().toISOString() },
    },
  };
}

/**
 * A transaction item giving back what `budgetTake(b)` took, for a use reserved before its outcome was known
 * that turned out not to count (a wrong-code budget taken before comparing, and the code was right).
 */
export function budgetGiveBack(b: Budget) {
  return {
    Update: {
      TableName: tableName(),
      Key: b.key,
      UpdateExpression: 'ADD n :minus SET expiresAt = if_not_exists(expiresAt, :ttl), #type = :type, updatedAt = :now',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':minus': -BigInt(b.add), ':ttl': b.expiresAt, ':type': 'Budget', ':now': new Date().toISOString() },
    },
  };
}

export type BudgetWindowSize = 'minute' | 'hour' | 'day';
const WINDOW_MS: Record<BudgetWindowSize, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000 };

/** A budget's window start: the UTC hour (`2026-11-23T23`), day (`2026-11-23`) or minute of `now`. */
export const budgetWindow = (now: Date, size: BudgetWindowSize) => now.toISOString().slice(0, size === 'day' ? 10 : size === 'hour' ? 13 : 16);

/** A budget of the window holding `now`, with when it resets. */
export interface WindowedBudget extends Budget {
  /** The window's start (`budgetWindow`). */
  window: string;
  /** The window's end: when a full budget has room again. */
  resetsAt: string;
}

/** The budget of the fixed UTC window holding `now`: keyed by the window's start, its counter kept an hour past its end. */
export function windowBudget(size: BudgetWindowSize, now: Date, key: (window: string) => { PK: string; SK: string }, add: number | bigint, max: number | bigint): WindowedBudget {
  const window = budgetWindow(now, size);
  const end = Math.floor(now.getTime() / WINDOW_MS[size]) * WINDOW_MS[size] + WINDOW_MS[size];
  return { key: key(window), add, max, expiresAt: Math.floor(end / 1000) + 3600, window, resetsAt: new Date(end).toISOString() };
}

/**
 * A capped per-owner collection's count (a user's bank accounts, Poloniex addresses): adds `delta` in the
 * transaction of each creation (+1) and removal (-n); with `cap`, an increase only while the count is below
 * `cap.max` (then `cap.onFull()`), so the cap holds however many creations run at once.
 */
export function collectionCountItem(key: { PK: string; SK: string }, type: string, owner: Record<string, string>, delta: number, now: string, cap?: { max: number; onFull: () => Error }): GuardedItem {
  const ownerNames = Object.fromEntries(Object.keys(owner).map((k, i) => [`#o${i}`, k]));
  const ownerValues = Object.fromEntries(Object.values(owner).map((v, i) => [`:o${i}`, v]));
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: key,
        UpdateExpression: `ADD #count :delta SET #type = :type, ${Object.keys(ownerNames).map((n, i) => `${n} = :o${i}`).join(', ')}${Object.keys(owner).length ? ', ' : ''}createdAt = if_not_exists(createdAt, :now), updatedAt = :now`,
        ...(cap === undefined ? {} : { ConditionExpression: 'attribute_not_exists(#count) OR #count < :max' }),
        ExpressionAttributeNames: { '#count': 'count', '#type': 'type', ...ownerNames },
        ExpressionAttributeValues: { ':delta': delta, ':type': type, ':now': now, ...ownerValues, ...(cap === undefined ? {} : { ':max': cap.max }) },
      },
    },
    ...(cap === undefined ? {} : { onConditionFailed: cap.onFull }),
  };
}
