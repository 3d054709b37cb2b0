/**
 * Members of an app: contact uniqueness records (email, phone), PIN and its tries and lockout.
 *
 * PIN tries: `pinFailures` counts the tries taken and not forgiven by a right PIN; the try that reaches the
 * maximum also sets `pinLockedUntil` (and the count stays at the maximum while locked). A try is taken by one
 * conditional update before the PIN is compared, so parallel guesses cannot share a count.
 */
import { GetCommand, UpdateCommand, type UpdateCommandInput } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName, unmarshallRaw } from '../../db/client.js';
import { AlreadyExistsError, ConditionFailedError, ContentionError, isConditionFailed } from '../../db/errors.js';
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

/** The PIN is locked (too many wrong PINs): no try was taken. */
export class PinLockedError extends ConditionFailedError {
  override name = 'PinLockedError';
  constructor(readonly lockedUntil: string) {
    super(`PIN locked until ${lockedUntil}`);
  }
}

/** A PIN try taken: the tries counted with it, the PIN it is to be compared with, and the lock it set when it was the last. */
export interface PinTry {
  failures: number;
  pinHash?: string;
  lockedUntil?: string;
}

type PinState = Pick<Member, 'pinFailures' | 'pinLockedUntil'>;

/** The one conditional update that takes a try from `seen`'s state; its condition fails when the state moved on. */
function pinTryUpdate(id: number, seen: PinState, maxFailures: number, lockUntil: string, now: string): UpdateCommandInput {
  const base = { TableName: tableName(), Key: keys.member(id), ReturnValues: 'ALL_NEW' as const, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const };
  if (seen.pinLockedUntil) {
    // A lock that has run out: counting starts again with this try.
    const last = maxFailures <= 1;
    return {
      ...base,
      UpdateExpression: last ? 'SET pinFailures = :one, pinLockedUntil = :until, updatedAt = :now' : 'SET pinFailures = :one, updatedAt = :now REMOVE pinLockedUntil',
      ConditionExpression: 'pinLockedUntil = :seen',
      ExpressionAttributeValues: { ':one': 1, ':seen': seen.pinLockedUntil, ':now': now, ...(last ? { ':until': lockUntil } : {}) },
    };
  }
  if (seen.pinFailures + 1 < maxFailures) {
    return {
      ...base,
      UpdateExpression: 'ADD pinFailures :one SET updatedAt = :now',
      ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(pinLockedUntil) AND (attribute_not_exists(pinFailures) OR pinFailures < :last)',
      ExpressionAttributeValues: { ':one': 1, ':last': maxFailures - 1, ':now': now },
    };
  }
  // The last try: it locks at once, before its PIN is compared (a right PIN lifts its own lock).
  return {
    ...base,
    UpdateExpression: 'SET pinFailures = :max, pinLockedUntil = :until, updatedAt = :now',
    ConditionExpression: 'attribute_exists(PK) AND attribute_not_exists(pinLockedUntil) AND ((attribute_not_exists(pinFailures) AND :last <= :zero) OR pinFailures >= :last)',
    ExpressionAttributeValues: { ':max': maxFailures, ':last': maxFailures - 1, ':zero': 0, ':until': lockUntil, ':now': now },
  };
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

  /** Sets the PIN; never touches its tries or lock. With `expectedHash`, only while the PIN is still that one (false otherwise). */
  async setPin(id: number, pinHash: string, now: string, expectedHash?: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.member(id),
          UpdateExpression: 'SET pinHash = :h, updatedAt = :now',
          ConditionExpression: expectedHash === undefined ? 'attribute_exists(PK)' : 'pinHash = :expected',
          ExpressionAttributeValues: { ':h': pinHash, ':now': now, ...(expectedHash === undefined ? {} : { ':expected': expectedHash }) },
        }),
      );
      return true;
    } catch (err) {
      if (expectedHash !== undefined && isConditionFailed(err)) return false;
      throw err;
    }
  },

  /**
   * Takes one PIN try before the PIN is compared, starting from the state `seen` (re-read from a failed
   * condition when it moved on). Throws PinLockedError when locked; the try that reaches `maxFailures` sets the
   * lock until `lockUntil`. Parallel tries each count: at most `maxFailures` of them are ever compared.
   */
  async takePinTry(id: number, seen: PinState, maxFailures: number, lockUntil: string, now: string): Promise<PinTry> {
    let state = seen;
    for (let attempt = 1; attempt <= 5; attempt++) {
      if (state.pinLockedUntil && state.pinLockedUntil > now) throw new PinLockedError(state.pinLockedUntil);
      try {
        const out = await ddb().send(new UpdateCommand(pinTryUpdate(id, state, maxFailures, lockUntil, now)));
        // Only the last try leaves a lock (the conditions exclude any other).
        const f = fields(out.Attributes ?? {}, `Member ${id}`);
        return { failures: f.int('pinFailures'), pinHash: f.optStr('pinHash'), lockedUntil: f.optStr('pinLockedUntil') };
      } catch (err) {
        if (!isConditionFailed(err)) throw err;
        const current = unmarshallRaw((err as { Item?: Record<string, unknown> }).Item);
        if (!current) throw new ConditionFailedError(`member ${id} not found`);
        state = memberFromItem(current, id);
      }
    }
    throw new ContentionError('too many concurrent PIN tries, retry later');
  },

  /**
   * After a right PIN: its tries are forgiven. Conditioned so that a lock set meanwhile by another try stands;
   * only the lock this very try set (`taken.lockedUntil`) is lifted.
   */
  async clearPinFailures(id: number, taken: PinTry, now: string): Promise<void> {
    const mine = taken.lockedUntil;
    await ddb()
      .send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.member(id),
          UpdateExpression: mine ? 'SET pinFailures = :zero, updatedAt = :now REMOVE pinLockedUntil' : 'SET pinFailures = :zero, updatedAt = :now',
          ConditionExpression: mine ? 'pinLockedUntil = :mine' : 'attribute_not_exists(pinLockedUntil) AND pinFailures > :zero',
          ExpressionAttributeValues: { ':zero': 0, ':now': now, ...(mine ? { ':mine': mine } : {}) },
        }),
      )
      .catch((err: Error) => {
        if (!isConditionFailed(err)) throw err;
      });
  },
};
