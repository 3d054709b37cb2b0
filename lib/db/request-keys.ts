/**
 * Idempotency-Keys of money-moving requests (coin transfers, manual top-ups): the key names what its first
 * request created and a fingerprint of that request, for a limited time. Taken in the same transaction that
 * creates the thing, so a key can never name two; a retry reads it and answers the same thing.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.js';
import { AlreadyExistsError } from './errors.js';
import { fields } from './item.js';
import type { GuardedItem } from './transact.js';

export interface RequestKey {
  /** What the first request created. */
  uuid: string;
  /** SHA-256 of the normalised request: the same key with another request is refused. */
  fingerprint: string;
  /** Epoch seconds: the key is forgotten after this (DynamoDB TTL deletes the item some time later). */
  expiresAt: number;
}

/** The key is held by a live earlier request. */
export class RequestKeyTakenError extends AlreadyExistsError {
  override name = 'RequestKeyTakenError';
}

export const requestKeys = {
  /** The key while it lives: an item past its expiry (not yet deleted by TTL) is no key. */
  async get(key: { PK: string; SK: string }, nowSeconds: number): Promise<RequestKey | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
    if (!out.Item) return undefined;
    const f = fields(out.Item, `${String(out.Item.type)} ${key.PK} ${key.SK}`);
    const k = { uuid: f.str('uuid'), fingerprint: f.str('fingerprint'), expiresAt: f.int('expiresAt') };
    return k.expiresAt > nowSeconds ? k : undefined;
  },

  /** Takes the key (in the transaction that creates `k.uuid`): a live key already there fails it. `owner` are attributes naming whose it is. */
  newItem(key: { PK: string; SK: string }, type: string, owner: Record<string, string>, k: RequestKey, now: string, nowSeconds: number): GuardedItem {
    return {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...key, type, ...owner, ...k, createdAt: now, updatedAt: now },
          ConditionExpression: 'attribute_not_exists(PK) OR expiresAt <= :now',
          ExpressionAttributeValues: { ':now': nowSeconds },
        },
      },
      onConditionFailed: () => new RequestKeyTakenError(`the Idempotency-Key ${key.SK} of ${key.PK} is taken`),
    };
  },
};
