/**
 * Cashback cards: loyalty apps, their cards and members, card transactions, the `reference`
 * idempotency records, member OTPs and integer id counters. Money fields are minor units of the card's
 * currency, stored as DynamoDB numbers and read back as bigint.
 */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { big, ddb, num, tableName } from '../db/client.js';
import { AlreadyExistsError, ConditionFailedError, isConditionFailed } from '../db/errors.js';
import { keys } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';

export const SCOPES = ['cashback_read', 'cashback_write', 'card_read'] as const;
export type Scope = (typeof SCOPES)[number];

export interface AppKey {
  keyId: string;
  hash: string;
  scopes: Scope[];
  createdAt: string;
}

export interface App {
  appId: string;
  name: string;
  keys: AppKey[];
  createdAt: string;
}

export interface Card {
  id: number;
  appId: string;
  uniqueIdentifier: string;
  name: string;
  description: string;
  currency: string;
  /** Decimal text, e.g. "5" or "2.5". */
  cashbackPercentage: string;
  /** Purchases below this earn nothing (minor units). */
  minAmount: bigint;
  /** Cap per earning (minor units); none when undefined. */
  maxAmount?: bigint;
  allowsPinRedemption: boolean;
  /** Redemption must carry the member's PIN. */
  pinRequired: boolean;
  createdAt: string;
  updatedAt: string;
}

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

export type CardTxType = 'earning' | 'redemption' | 'refund';

export interface CardTx {
  id: number;
  cardId: number;
  memberId: number;
  type: CardTxType;
  /** Signed change of the member's balance (minor units). */
  amount: bigint;
  reference?: string;
  /** Tells a replay of `reference` from a conflicting reuse. */
  fingerprint: string;
  purchaseAmount?: bigint;
  refundAmount?: bigint;
  /** Earnings: cashback refunds have consumed so far, and the purchase amount refunded so far. */
  cashbackRefunded?: bigint;
  purchaseRefunded?: bigint;
  /** Refunds: the earning they reverse, what was due and what the balance covered. */
  earningId?: number;
  cashbackDue?: bigint;
  balanceWarning?: string;
  /** Balance right after the transaction was applied (read after commit). */
  newBalance?: bigint;
  metadata?: Record<string, unknown>;
  skippedReason?: string;
  createdAt: string;
}

export interface CardMemberSummary {
  txCount: number;
  /** Cashback earned and not yet consumed by refunds: the cap of refunds that name no purchase. */
  refundable: bigint;
}

export interface Otp {
  codeHash: string;
  channel: 'email' | 'phone';
  tries: number;
  createdAt: string;
  expiresAt: string;
}

const put = (item: Record<string, unknown>, condition = 'attribute_not_exists(PK)') => ({
  Put: { TableName: tableName(), Item: item, ConditionExpression: condition },
});

/** Money is stored as DynamoDB numbers (bigint in, string out: see client.ts), so conditions compare numbers. */
const money = (v: bigint | undefined) => v;
const optBig = (v: unknown) => (v === undefined || v === null ? undefined : big(v));

function cardFromItem(i: Record<string, unknown>): Card {
  return {
    id: num(i.id),
    appId: String(i.appId),
    uniqueIdentifier: String(i.uniqueIdentifier),
    name: String(i.name),
    description: String(i.description ?? ''),
    currency: String(i.currency),
    cashbackPercentage: String(i.cashbackPercentage),
    minAmount: big(i.minAmount),
    maxAmount: optBig(i.maxAmount),
    allowsPinRedemption: Boolean(i.allowsPinRedemption),
    pinRequired: Boolean(i.pinRequired),
    createdAt: String(i.createdAt),
    updatedAt: String(i.updatedAt),
  };
}

function memberFromItem(i: Record<string, unknown>): Member {
  return {
    id: num(i.id),
    appId: String(i.appId),
    email: i.email as string | undefined,
    phone: i.phone as string | undefined,
    name: i.name as string | undefined,
    pinHash: i.pinHash as string | undefined,
    pinFailures: num(i.pinFailures),
    pinLockedUntil: i.pinLockedUntil as string | undefined,
    createdAt: String(i.createdAt),
  };
}

function txFromItem(i: Record<string, unknown>): CardTx {
  return {
    id: num(i.id),
    cardId: num(i.cardId),
    memberId: num(i.memberId),
    type: i.txType as CardTxType,
    amount: big(i.amount),
    reference: i.reference as string | undefined,
    fingerprint: String(i.fingerprint),
    purchaseAmount: optBig(i.purchaseAmount),
    refundAmount: optBig(i.refundAmount),
    cashbackRefunded: optBig(i.cashbackRefunded),
    purchaseRefunded: optBig(i.purchaseRefunded),
    earningId: i.earningId === undefined ? undefined : num(i.earningId),
    cashbackDue: optBig(i.cashbackDue),
    balanceWarning: i.balanceWarning as string | undefined,
    newBalance: optBig(i.newBalance),
    metadata: i.metadata as Record<string, unknown> | undefined,
    skippedReason: i.skippedReason as string | undefined,
    createdAt: String(i.createdAt),
  };
}

export class CardReferenceExistsError extends AlreadyExistsError {
  override name = 'CardReferenceExistsError';
}

export class ContactTakenError extends AlreadyExistsError {
  override name = 'ContactTakenError';
}

export const appsRepo = {
  async create(app: App): Promise<void> {
    try {
      await ddb().send(new PutCommand({ ...put({ ...keys.app(app.appId), type: 'App', ...app, updatedAt: app.createdAt }).Put }));
    } catch (err) {
      if (isConditionFailed(err)) throw new AlreadyExistsError(`app ${app.appId} already exists`);
      throw err;
    }
  },

  async get(appId: string): Promise<App | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.app(appId) }));
    return out.Item ? ({ appId, name: String(out.Item.name), keys: out.Item.keys as AppKey[], createdAt: String(out.Item.createdAt) } as App) : undefined;
  },

  async addKey(appId: string, key: AppKey): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.app(appId),
        UpdateExpression: 'SET #keys = list_append(#keys, :k), updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':k': [key], ':now': key.createdAt },
      }),
    );
  },
};

const cardItem = (card: Card) => ({
  ...keys.card(card.id),
  GSI1PK: keys.cardsOfApp(card.appId),
  GSI1SK: String(card.id).padStart(12, '0'),
  type: 'Card',
  ...card,
  minAmount: money(card.minAmount),
  maxAmount: money(card.maxAmount),
});

export const cardsRepo = {
  async create(card: Card): Promise<void> {
    await ddb().send(new PutCommand({ ...put(cardItem(card)).Put }));
  },

  async update(card: Card): Promise<void> {
    await ddb().send(new PutCommand({ ...put(cardItem(card), 'attribute_exists(PK)').Put }));
  },

  async get(id: number): Promise<Card | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.card(id) }));
    return out.Item ? cardFromItem(out.Item) : undefined;
  },

  async listByApp(appId: string): Promise<Card[]> {
    const cards: Card[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': keys.cardsOfApp(appId) },
          ExclusiveStartKey: start,
        }),
      );
      cards.push(...(out.Items ?? []).map(cardFromItem));
      start = out.LastEvaluatedKey;
    } while (start);
    return cards;
  },
};

export const membersRepo = {
  /** The member and the uniqueness records of its email and phone, for one transaction. */
  newItems(m: Member): GuardedItem[] {
    const items: GuardedItem[] = [{ item: put({ ...keys.member(m.id), type: 'Member', ...m, updatedAt: m.createdAt }) }];
    for (const kind of ['email', 'phone'] as const) {
      const value = m[kind];
      if (value) {
        items.push({
          item: put({ ...keys.memberContact(m.appId, kind, value), type: 'MemberContact', memberId: m.id, createdAt: m.createdAt, updatedAt: m.createdAt }),
          onConditionFailed: () => new ContactTakenError(`${kind} already belongs to a member`),
        });
      }
    }
    return items;
  },

  async get(id: number): Promise<Member | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.member(id), ConsistentRead: true }));
    return out.Item ? memberFromItem(out.Item) : undefined;
  },

  async idByContact(appId: string, kind: 'email' | 'phone', value: string): Promise<number | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.memberContact(appId, kind, value), ConsistentRead: true }));
    return out.Item ? num(out.Item.memberId) : undefined;
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
    const failures = num(out.Attributes?.pinFailures);
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

export const cardTxRepo = {
  /** The transaction record, its reference guard (when given) and the member summary update. */
  newItems(tx: CardTx, refundableDelta: bigint): GuardedItem[] {
    const items: GuardedItem[] = [
      {
        item: put({
          ...keys.cardTx(tx.cardId, tx.memberId, tx.id),
          ...tx,
          type: 'CardTx',
          txType: tx.type,
          amount: money(tx.amount),
          purchaseAmount: money(tx.purchaseAmount),
          refundAmount: money(tx.refundAmount),
          cashbackRefunded: money(tx.cashbackRefunded),
          purchaseRefunded: money(tx.purchaseRefunded),
          cashbackDue: money(tx.cashbackDue),
          newBalance: undefined,
          updatedAt: tx.createdAt,
        }),
      },
    ];
    if (tx.reference) {
      items.push({
        item: put({ ...keys.cardReference(tx.cardId, tx.type, tx.reference), type: 'CardReference', txId: tx.id, memberId: tx.memberId, createdAt: tx.createdAt, updatedAt: tx.createdAt }),
        onConditionFailed: () => new CardReferenceExistsError(`reference ${tx.reference} already used`),
      });
    }
    const debitsRefundable = refundableDelta < 0n;
    items.push({
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.cardMember(tx.cardId, tx.memberId),
          UpdateExpression: 'ADD txCount :one, refundable :delta SET #type = :type, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
          ...(debitsRefundable ? { ConditionExpression: 'refundable >= :needed' } : {}),
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: {
            ':one': 1,
            ':delta': refundableDelta,
            ':type': 'CardMember',
            ':now': tx.createdAt,
            ...(debitsRefundable ? { ':needed': -refundableDelta } : {}),
          },
        },
      },
      onConditionFailed: () => new ConditionFailedError('the refundable cashback changed concurrently'),
    });
    return items;
  },

  /** Refunds consume an earning's cashback under optimistic concurrency on what was consumed before. */
  consumeEarningItem(earning: CardTx, cashback: bigint, purchase: bigint, now: string): GuardedItem {
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.cardTx(earning.cardId, earning.memberId, earning.id),
          UpdateExpression: 'SET cashbackRefunded = :c, purchaseRefunded = :p, updatedAt = :now',
          ConditionExpression: 'cashbackRefunded = :seenC AND purchaseRefunded = :seenP',
          ExpressionAttributeValues: {
            ':c': (earning.cashbackRefunded ?? 0n) + cashback,
            ':p': (earning.purchaseRefunded ?? 0n) + purchase,
            ':seenC': earning.cashbackRefunded ?? 0n,
            ':seenP': earning.purchaseRefunded ?? 0n,
            ':now': now,
          },
        },
      },
      onConditionFailed: () => new ConditionFailedError(`earning ${earning.id} was refunded concurrently`),
    };
  },

  async recordNewBalance(tx: CardTx, balance: bigint): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.cardTx(tx.cardId, tx.memberId, tx.id),
        UpdateExpression: 'SET newBalance = if_not_exists(newBalance, :b)',
        ExpressionAttributeValues: { ':b': balance },
      }),
    );
  },

  async get(cardId: number, memberId: number, txId: number): Promise<CardTx | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cardTx(cardId, memberId, txId), ConsistentRead: true }));
    return out.Item ? txFromItem(out.Item) : undefined;
  },

  async byReference(cardId: number, type: CardTxType, reference: string): Promise<CardTx | undefined> {
    const ref = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cardReference(cardId, type, reference), ConsistentRead: true }));
    if (!ref.Item) return undefined;
    return this.get(cardId, num(ref.Item.memberId), num(ref.Item.txId));
  },

  async summary(cardId: number, memberId: number): Promise<CardMemberSummary> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cardMember(cardId, memberId), ConsistentRead: true }));
    return { txCount: num(out.Item?.txCount), refundable: big(out.Item?.refundable) };
  },

  /** Newest first; `offset` items skipped (history pages are at most 100 deep per call). */
  async listNewestFirst(cardId: number, memberId: number, limit: number, offset: number): Promise<CardTx[]> {
    const wanted = offset + limit;
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName(),
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tx)',
          ExpressionAttributeValues: { ':pk': keys.cardMember(cardId, memberId).PK, ':tx': keys.cardTxPrefix },
          ScanIndexForward: false,
          Limit: Math.min(1000, wanted - items.length),
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      items.push(...(out.Items ?? []));
      start = out.LastEvaluatedKey;
    } while (start && items.length < wanted);
    return items.slice(offset, wanted).map(txFromItem);
  },
};

export const otpRepo = {
  /** A new code replaces the previous one, but not within `minIntervalMs` of it (no resetting tries by re-requesting). */
  async put(appId: string, memberId: number, otp: Otp, minIntervalMs: number): Promise<void> {
    const notBefore = new Date(Date.parse(otp.createdAt) - minIntervalMs).toISOString();
    const { expiresAt, ...rest } = otp;
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          // `expiresAt` is the table's TTL attribute (epoch seconds); the ISO deadline is `validUntil`.
          Item: { ...keys.otp(appId, memberId), type: 'Otp', ...rest, validUntil: expiresAt, expiresAt: Math.ceil(Date.parse(expiresAt) / 1000) + 3600, updatedAt: otp.createdAt },
          ConditionExpression: 'attribute_not_exists(PK) OR createdAt < :notBefore',
          ExpressionAttributeValues: { ':notBefore': notBefore },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new AlreadyExistsError('a code was sent moments ago');
      throw err;
    }
  },

  /** Counts one try and returns the OTP as it was before, or undefined when none is live or tries are used up. */
  async takeTry(appId: string, memberId: number, maxTries: number, now: string): Promise<Otp | undefined> {
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.otp(appId, memberId),
          UpdateExpression: 'ADD tries :one SET updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND tries < :max AND validUntil > :now',
          ExpressionAttributeValues: { ':one': 1, ':max': maxTries, ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const i = out.Attributes!;
      return { codeHash: String(i.codeHash), channel: i.channel as Otp['channel'], tries: num(i.tries), createdAt: String(i.createdAt), expiresAt: String(i.validUntil) };
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  },

  /** A code works once: delete it, conditioned on it being the one just checked. */
  async consume(appId: string, memberId: number, codeHash: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.otp(appId, memberId),
          UpdateExpression: 'SET validUntil = :gone',
          ConditionExpression: 'codeHash = :h AND validUntil > :gone',
          ExpressionAttributeValues: { ':h': codeHash, ':gone': '0' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },
};
