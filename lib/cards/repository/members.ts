/** Members of an app: contact uniqueness records (email, phone), PIN and its failure count and lockout. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../../db/errors.js';
import { fields, type StoredItem } from '../../db/item.js';
import * as keys from '../../db/keys.js';
import { putNew, type GuardedItem } from '../../db/transact.js';

export interface Member {
  id: number;
  appId: string;
  email?: string;
  phone?: string;
  name?: string;
  pinHash?: string;
  pinFailures: number;
  pinLockedUntil?: string;
  createdAt: string;
}

export class ContactTakenError extends AlreadyExistsError {
  override name = 'ContactTakenError';
}

function memberFromItem(item: StoredItem, id: number): Member {
  const f = fields(item, `Member ${id}`);
  return {
    id: f.int('id'),
    appId: f.str('appId'),
    email: f.optStr('email'),
    phone: f.optStr('phone'),
    name: f.optStr('name'),
    pinHash: f.optStr('pinHash'),
    pinFailures: f.optInt('pinFailures') ?? 0,
    pinLockedUntil: f.optStr('pinLockedUntil'),
    createdAt: f.str('createdAt'),
  };
}


export const membersRepo = {
  /** The member and the uniqueness records of its email and phone, for one transaction. */
  newItems(m: Member): GuardedItem[] {
    const items: GuardedItem[] = [{ item: putNew({ ...keys.member(m.id), type: 'Member', ...m, updatedAt: m.createdAt }) }];
    for (const kind of ['email', 'phone'] as const) {
      const value = m[kind];
      if (value) {
        items.push({
          item: putNew({ ...keys.memberContact(m.appId, kind, value), type: 'MemberContact', memberId: m.id, createdAt: m.createdAt, updatedAt: m.createdAt }),
          onConditionFailed: () => new ContactTakenError(`${kind} already belongs to a member`),
        });
      }
    }
    return items;
  },

  async get(id: number): Promise<Member | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.member(id), ConsistentRead: true }));
    return out.Item ? memberFromItem(out.Item, id) : undefined;
  },

  async idByContact(appId: string, kind: 'email' | 'phone', value: string): Promise<number | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.memberContact(appId, kind, value), ConsistentRead: true }));
    return out.Item ? fields(out.Item, `MemberContact ${appId} ${kind}`).int('memberId') : undefined;
  },

  async setPin(id: number, pinHash: string, now: string): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.member(id),
        UpdateExpression: 'SET pinHash = :h, pinFailures = :zero, updatedAt = :now REMOVE pinLockedUntil',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':h': pinHash, ':zero': 0, ':now': now },
      }),
    );
  },

  /** Counts a wrong PIN; locks redemption until `lockUntil` once `maxFailures` is reached. Returns the count. */
  async recordPinFailure(id: number, maxFailures: number, lockUntil: string, now: string): Promise<number> {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.member(id),
        UpdateExpression: 'ADD pinFailures :one SET updatedAt = :now',
        ExpressionAttributeValues: { ':one': 1, ':now': now },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const failures = fields(out.Attributes ?? {}, `Member ${id}`).int('pinFailures');
    if (failures >= maxFailures) {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.member(id),
          UpdateExpression: 'SET pinLockedUntil = :until, pinFailures = :zero, updatedAt = :now',
          ExpressionAttributeValues: { ':until': lockUntil, ':zero': 0, ':now': now },
        }),
      );
    }
    return failures;
  },

  async clearPinFailures(id: number, now: string): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.member(id),
        UpdateExpression: 'SET pinFailures = :zero, updatedAt = :now',
        ConditionExpression: 'pinFailures > :zero',
        ExpressionAttributeValues: { ':zero': 0, ':now': now },
      }),
    ).catch((err: Error) => {
      if (!isConditionFailed(err)) throw err;
    });
  },
};
