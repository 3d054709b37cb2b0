/**
 * TransactWriteItems with typed failures: each item may say which error its failed condition means.
 * Transaction conflicts (another transaction touching the same item) are retried with jittered backoff.
 */
import { TransactWriteCommand, type TransactWriteCommandInput } from '@aws-sdk/lib-dynamodb';
import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { ddb, tableName, unmarshallRaw } from './client.js';
import { ConditionFailedError, ContentionError } from './errors.js';

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

export interface GuardedItem {
  item: TransactItem;
  /** Error to throw when this item's condition fails; gets the item as it was, when DynamoDB returns it. */
  onConditionFailed?: (current?: Record<string, unknown>) => Error;
}

/** Transaction items deleting each key on the condition that it exists: the first missing one cancels them all with `onMissing(its index)`. */
export const deleteExisting = (keys: { PK: string; SK: string }[], onMissing: (index: number) => Error): GuardedItem[] =>
  keys.map((Key, i) => ({ item: { Delete: { TableName: tableName(), Key, ConditionExpression: 'attribute_exists(PK)' } }, onConditionFailed: () => onMissing(i) }));

/** A transaction's Put of a new item: it fails (and cancels the transaction) when the key already exists. */
export const putNew = (item: Record<string, unknown>) => ({ Put: { TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' } });

export interface TransactResult {
  consumedWriteUnits: number;
  attempts: number;
}

const MAX_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function transactWrite(items: GuardedItem[], token?: string): Promise<TransactResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const out = await ddb().send(
        new TransactWriteCommand({
          TransactItems: items.map((g) => g.item),
          ReturnConsumedCapacity: 'TOTAL',
          ...(token ? { ClientRequestToken: token } : {}),
        }),
      );
      const consumedWriteUnits = (out.ConsumedCapacity ?? []).reduce((s, c) => s + (c.CapacityUnits ?? 0), 0);
      return { consumedWriteUnits, attempts: attempt };
    } catch (err) {
      if (!(err instanceof TransactionCanceledException) && (err as Error).name !== 'TransactionCanceledException') throw err;
      const reasons = (err as TransactionCanceledException).CancellationReasons ?? [];
      const failed = reasons.findIndex((r) => r.Code === 'ConditionalCheckFailed');
      if (failed >= 0) {
        const guard = items[failed];
        const current = unmarshallRaw(reasons[failed]?.Item);
        throw guard?.onConditionFailed?.(current) ?? new ConditionFailedError(`condition failed on item ${failed}`, current);
      }
      const retriable = reasons.some((r) => r.Code === 'TransactionConflict' || r.Code === 'ThrottlingError');
      if (!retriable && reasons.length > 0) throw err;
      if (attempt >= MAX_ATTEMPTS) throw new ContentionError('too many concurrent updates to the same records, retry later');
      await sleep(Math.random() * 15 * 2 ** attempt);
    }
  }
}
