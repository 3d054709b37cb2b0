/**
 * Idempotency-Keys of money-moving requests (coin transfers, bank cash-outs, manual top-ups): the key names what its first
 * request created and a fingerprint of that request, for a limited time. Taken in the same transaction that
 * creates the thing, so a key can never name two; a retry reads it and answers the same thing.
 */
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from './client.js';
import { AlreadyExistsError } from './errors.js';
import { fields } from './item.js';
import type { GuardedItem } from './transact.js';

/** How long an Idempotency-Key answers its retries (the routes document 24 hours). */
export const REQUEST_KEY_TTL_SECONDS = 24 * 3600;

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

/** A money-moving request made idempotent by its caller's optional Idempotency-Key. */
export interface KeyedRequest<T> {
  /** The key's item (in its owner's partition); undefined: the request carries no key. */
  key: { PK: string; SK: string } | undefined;
  /** The key item's type and the attributes naming its owner. */
  type: string;
  owner: Record<string, string>;
  /** The request as it counts for sameness (normalised, JSON): the same key with another request is refused. */
  request: unknown;
  /** What the key's first request created, as it is now (undefined when missing: it was written with the key). */
  answer(uuid: string): Promise<T | undefined>;
  /** The failure of the key used with another request. */
  reused(): Error;
}

/**
 * Runs `create` at most once per live key. `create` puts `keyItems(uuid, now)` FIRST in the transaction that
 * creates `uuid` (so when both the key and a rule of that transaction fail, the key's answer wins). A retry with
 * the same request is answered what the key created, before any rule is checked (it may since have used the
 * room it had); the key with another request is refused; of concurrent requests with one key, one creates and
 * the others answer what it created.
 */
export async function keyedRequest<T>(r: KeyedRequest<T>, create: (keyItems: (uuid: string, now: string) => GuardedItem[]) => Promise<T>, nowMs = Date.now()): Promise<T> {
  const nowSeconds = Math.floor(nowMs / 1000);
  const fingerprint = createHash('sha256').update(JSON.stringify(r.request), 'utf8').digest('hex');
  const earlier = async (key: { PK: string; SK: string }): Promise<T | undefined> => {
    const taken = await requestKeys.get(key, nowSeconds);
    if (!taken) return undefined;
    if (taken.fingerprint !== fingerprint) throw r.reused();
    const answer = await r.answer(taken.uuid);
    if (answer === undefined) throw new Error(`${r.type} ${key.PK} ${key.SK} names ${taken.uuid}, which is missing`);
    return answer;
  };
  const key = r.key;
  if (!key) return create(() => []);
  const before = await earlier(key);
  if (before !== undefined) return before;
  try {
    return await create((uuid, now) => [requestKeys.newItem(key, r.type, r.owner, { uuid, fingerprint, expiresAt: nowSeconds + REQUEST_KEY_TTL_SECONDS }, now, nowSeconds)]);
  } catch (err) {
    if (err instanceof RequestKeyTakenError) {
      const after = await earlier(key);
      if (after !== undefined) return after;
    }
    throw err;
  }
}
