/**
 * Rewards coins a participant used, counted per UTC day: every reward paid from the participant's deposit adds
 * to its day in the same transaction as the ledger entry, and a billing period charges the days it contains.
 */
import * as keys from '../db/keys.js';
import { queryAll, tableName } from '../db/client.js';
import { fields } from '../db/item.js';
import type { GuardedItem } from '../db/transact.js';
import { addDays } from './periods.js';

/** The transaction item that adds `coins` to the participant's usage on `day`. */
export function rewardsUsageItem(participant: string, coins: bigint, day: string, now: string): GuardedItem {
  return {
    item: {
      Update: {
        TableName: tableName(),
        Key: keys.rewardsUsage(participant, day),
        UpdateExpression: 'ADD coins :coins SET #type = :type, participant = :participant, #day = :day, createdAt = if_not_exists(createdAt, :now), updatedAt = :now',
        ExpressionAttributeNames: { '#type': 'type', '#day': 'day' },
        ExpressionAttributeValues: { ':coins': coins, ':type': 'RewardsUsage', ':participant': participant, ':day': day, ':now': now },
      },
    },
  };
}

/** Coins used on the days from `from` up to, not including, `to`. */
export async function rewardsUsed(participant: string, from: string, to: string): Promise<bigint> {
  if (to <= from) return 0n;
  const { PK, SK: first } = keys.rewardsUsage(participant, from);
  const { SK: last } = keys.rewardsUsage(participant, addDays(to, -1));
  const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND SK BETWEEN :first AND :last', ExpressionAttributeValues: { ':pk': PK, ':first': first, ':last': last }, ConsistentRead: true });
  return items.reduce((sum, i) => sum + fields(i, `RewardsUsage ${String(i.day)}`).money('coins'), 0n);
}
