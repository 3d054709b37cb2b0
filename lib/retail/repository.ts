/**
 * Retail connect sessions as stored: the record, its reads, and its entry in the user's withdrawal history (kept
 * apart from the session logic so the withdrawal history and moderators' reviews bundle none of it).
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, ddb, queryAll, tableName } from '../db/client.js';
import { isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, type GuardedItem } from '../db/transact.js';
import { updateOf } from '../db/update.js';
import type { CoinCurrency } from '../rates/currencies.js';
import { fail } from './failures.js';

const RETAIL_STATUSES = ['init', 'amount_set', 'payment_set', 'rebate_set', 'terminate'] as const;
export type RetailStatus = (typeof RETAIL_STATUSES)[number];
/** Who made the latest change: the sweep ends expired sessions as `system`. */
const STATUS_SIDES = ['terminal', 'user', 'system'] as const;
export type StatusSide = (typeof STATUS_SIDES)[number];
/** Statuses a session can still move from. */
export const OPEN_STATUSES: readonly RetailStatus[] = ['init', 'amount_set', 'payment_set'];

export interface RetailSession {
  uuid: string;
  user: string;
  participant: string;
  card: string;
  deviceId: string;
  operator: string;
  code: string;
  currency: CoinCurrency;
  /** The user's level when the session started (the loyalty program's `user_level`). */
  userLevel: string;
  timeoutSeconds: number;
  createdAt: string;
  updatedAt: string;
  /** When the session times out (ISO). Not the table's TTL attribute (`expiresAt`): sessions are kept. */
  expiresTs: string;
  status: RetailStatus;
  statusSide: StatusSide;
  /** The coin price quote: one whole token in `currency`, and when it was quoted. */
  priceText: string;
  quotedAt: string;
  /** amount_set (the terminal's). */
  amountMinor?: bigint;
  paymentMethod?: 'cash' | 'cashless';
  paymentReference?: string;
  amountSetAt?: string;
  /** payment_set (the user's): the coins, what was paid in money, and the balance before. */
  paymentCoins?: bigint;
  paymentValueMinor?: bigint;
  profileCoins?: bigint;
  /** The payment's transaction (a withdrawal in the user's history). */
  paymentUuid?: string;
  paidAt?: string;
  /** payment_confirm and rebate_set (the terminal's). */
  confirmedAt?: string;
  rebateCoins?: bigint;
  /** terminate; `expired` when the sweep ended it. */
  terminatedAt?: string;
  terminatedReason?: 'expired';
}

const OPTIONAL_MONEY = ['amountMinor', 'paymentCoins', 'paymentValueMinor', 'profileCoins', 'rebateCoins'] as const;
const OPTIONAL_TEXT = ['paymentReference', 'amountSetAt', 'paymentUuid', 'paidAt', 'confirmedAt', 'terminatedAt'] as const;

export function retailSessionFrom(i: StoredItem): RetailSession {
  const f = fields(i, `RetailSession ${String(i.uuid)}`);
  const s: RetailSession = {
    uuid: f.str('uuid'),
    user: f.str('user'),
    participant: f.str('participant'),
    card: f.str('card'),
    deviceId: f.str('deviceId'),
    operator: f.str('operator'),
    code: f.str('code'),
    currency: f.str('currency') as CoinCurrency,
    userLevel: f.str('userLevel'),
    timeoutSeconds: f.int('timeoutSeconds'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
    expiresTs: f.str('expiresTs'),
    status: f.oneOf('status', RETAIL_STATUSES),
    statusSide: f.oneOf('statusSide', STATUS_SIDES),
    priceText: f.str('priceText'),
    quotedAt: f.str('quotedAt'),
  };
  const method = f.optStr('paymentMethod');
  if (method !== undefined) s.paymentMethod = method === 'cashless' ? 'cashless' : 'cash';
  if (f.optStr('terminatedReason') === 'expired') s.terminatedReason = 'expired';
  for (const k of OPTIONAL_MONEY) {
    const v = f.optMoney(k);
    if (v !== undefined) s[k] = v;
  }
  for (const k of OPTIONAL_TEXT) {
    const v = f.optStr(k);
    if (v !== undefined) s[k] = v;
  }
  return s;
}

export const sessionId = (uuid: string) => `urn:authenticateit:retail_connect:session:${uuid}`;
const SESSION_ID = /^urn:authenticateit:retail_connect:session:([0-9a-f-]{36})$/;
export const sessionUuidOf = (id: string) => {
  const m = SESSION_ID.exec(id);
  if (!m) throw fail('retail_session_not_found', `no retail session ${id}`, { session_id: id });
  return m[1]!;
};

/** A session's move to another status, in a transaction: written only while the session is in one of `from`. */
export interface SessionChange {
  from: readonly RetailStatus[];
  /** The attributes the move sets (the new status, side and update time among them). */
  set: Partial<RetailSession>;
  /** Index keys written with them (not session attributes: a payment's place in the user's withdrawal history). */
  index?: Record<string, string>;
  /** Refuse a session expired by this instant (ISO). */
  liveAt?: string;
  /** Refuse unless the session is still at this quote. */
  quotedAt?: string;
}

export const retailSessionsRepo = {
  /** The new session's put (in init's transaction), in its user's sessions by creation time. */
  newItem(s: RetailSession): GuardedItem {
    return { item: putNew({ ...keys.retailSession(s.uuid), ...keys.retailSessionOfUser(s.user, s.createdAt, s.uuid), type: 'RetailSession', ...s }) };
  },

  /** The record that the code (by its hash) started `session`: put once, so a code starts one session; `expiresAt` is the table's TTL. */
  codeUseItem(codeHash: string, session: string, createdAt: string, expiresAt: number, onUsed: () => Error): GuardedItem {
    return { item: putNew({ ...keys.retailCodeUse(codeHash), type: 'RetailCodeUse', session, createdAt, expiresAt }), onConditionFailed: onUsed };
  },

  /** The session's conditional update for one change; `onConditionFailed` when it is not in a state the change allows. */
  changeItem(uuid: string, change: SessionChange, onConditionFailed: () => Error): GuardedItem {
    const update = updateOf({ ...change.set, ...change.index });
    const names: Record<string, string> = { ...update.ExpressionAttributeNames, '#status': 'status' };
    const values: Record<string, unknown> = { ...update.ExpressionAttributeValues };
    change.from.forEach((s, i) => (values[`:from${i}`] = s));
    const conditions = [`#status IN (${change.from.map((_, i) => `:from${i}`).join(', ')})`];
    if (change.liveAt) {
      conditions.push('expiresTs > :now');
      values[':now'] = change.liveAt;
    }
    if (change.quotedAt) {
      conditions.push('quotedAt = :quotedAt');
      values[':quotedAt'] = change.quotedAt;
    }
    // The condition reads the status before the SET changes it.
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.retailSession(uuid),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: conditions.join(' AND '),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
        },
      },
      onConditionFailed,
    };
  },

  /** The marker of a paid session (coins in its hold), by expiry for the sweep. */
  paidMarkerItem(s: RetailSession, createdAt: string): GuardedItem {
    return { item: putNew({ ...keys.retailPaidSession(s.uuid), ...keys.retailPaidByExpiry(s.expiresTs, s.uuid), type: 'RetailPaidSession', uuid: s.uuid, createdAt }) };
  },

  /** The paid marker's removal, once the coins left the hold (confirmed or returned). */
  paidMarkerDeleteItem(uuid: string): GuardedItem {
    return { item: { Delete: { TableName: tableName(), Key: keys.retailPaidSession(uuid) } } };
  },

  /**
   * Quotes the session again if it still is at quote `oldQuotedAt` and waits for the amount or the payment. False
   * when it is not (another read quoted it first, or it moved on): the caller reads it as it is.
   */
  async requote(uuid: string, oldQuotedAt: string, priceText: string, quotedAt: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.retailSession(uuid),
          UpdateExpression: 'SET priceText = :price, quotedAt = :at',
          ConditionExpression: 'quotedAt = :old AND #status IN (:init, :amount)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':price': priceText, ':at': quotedAt, ':old': oldQuotedAt, ':init': 'init', ':amount': 'amount_set' },
        }),
      );
      return true;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return false;
    }
  },

  async get(uuid: string): Promise<RetailSession | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.retailSession(uuid), ConsistentRead: true }));
    return out.Item ? retailSessionFrom(out.Item) : undefined;
  },

  /** The sessions of these uuids that exist, in their order (consistent reads, batched). */
  async getMany(uuids: readonly string[]): Promise<RetailSession[]> {
    const found = new Map((await batchGet(uuids.map(keys.retailSession))).map((i) => [String(i.uuid), retailSessionFrom(i)]));
    return uuids.flatMap((u) => found.get(u) ?? []);
  },

  /** The user's sessions created since `fromIso`, newest first (active ones are at most a session's timeout old). */
  async ofUserSince(user: string, fromIso: string): Promise<RetailSession[]> {
    const items = await queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK >= :from',
      ExpressionAttributeValues: { ':pk': keys.userRetailSessions(user), ':from': fromIso },
      ScanIndexForward: false,
    });
    return items.map(retailSessionFrom);
  },

  /** Paid sessions past their expiry (the sweep's). */
  async paidExpiredBy(nowIso: string): Promise<string[]> {
    const items = await queryAll({
      IndexName: 'GSI1',
      KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :now',
      ExpressionAttributeValues: { ':pk': keys.retailPaidSessions(), ':now': nowIso },
    });
    return items.map((i) => String(i.uuid));
  },
};

/** A session the user paid in, as a withdrawal history entry (type retail_connect). */
export function retailHistoryEntry(s: RetailSession) {
  return {
    account: { card_id: s.card, participant_id: s.participant },
    coins: (s.paymentCoins ?? 0n).toString(),
    coins_rebate: s.rebateCoins !== undefined ? s.rebateCoins.toString() : null,
    hash: null,
    id: transactionRequestId(s.paymentUuid!),
    session_id: sessionId(s.uuid),
    status: s.status === 'rebate_set' ? ('success' as const) : s.status === 'terminate' ? ('failure' as const) : ('pending' as const),
    ts: isoSeconds(s.paidAt!),
    type: 'retail_connect' as const,
  };
}
