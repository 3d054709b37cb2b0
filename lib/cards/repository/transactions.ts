/**
 * Card transactions (earnings, redemptions, refunds) in their member's history, the `reference` idempotency
 * records and the per card and member summary. Amounts are minor units of the card's currency, written as
 * bigint (DynamoDB numbers, so conditions and `ADD` compare and add exactly).
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../../db/client.js';
import { AlreadyExistsError, ConditionFailedError } from '../../db/errors.js';
import { fields, type Fields, type StoredItem } from '../../db/item.js';
import * as keys from '../../db/keys.js';
import { putNew, type GuardedItem } from '../../db/transact.js';
import { metadataFromText, metadataText } from '../metadata.js';

const CARD_TX_TYPES = ['earning', 'redemption', 'refund'] as const;
export type CardTxType = (typeof CARD_TX_TYPES)[number];

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

export class CardReferenceExistsError extends AlreadyExistsError {
  override name = 'CardReferenceExistsError';
}

/** Earn metadata is stored as its JSON text (`metadataJson`, see ../metadata.ts); items written before hold a map (`metadata`). */
function metadataOf(f: Fields): Record<string, unknown> | undefined {
  const text = f.optStr('metadataJson');
  return text === undefined ? f.optMap('metadata') : metadataFromText(text);
}

function txFromItem(item: StoredItem, what: string): CardTx {
  const f = fields(item, what);
  return {
    id: f.int('id'),
    cardId: f.int('cardId'),
    memberId: f.int('memberId'),
    type: f.oneOf('txType', CARD_TX_TYPES),
    amount: f.money('amount'),
    reference: f.optStr('reference'),
    fingerprint: f.str('fingerprint'),
    purchaseAmount: f.optMoney('purchaseAmount'),
    refundAmount: f.optMoney('refundAmount'),
    cashbackRefunded: f.optMoney('cashbackRefunded'),
    purchaseRefunded: f.optMoney('purchaseRefunded'),
    earningId: f.optInt('earningId'),
    cashbackDue: f.optMoney('cashbackDue'),
    balanceWarning: f.optStr('balanceWarning'),
    newBalance: f.optMoney('newBalance'),
    metadata: metadataOf(f),
    skippedReason: f.optStr('skippedReason'),
    createdAt: f.str('createdAt'),
  };
}


export const cardTxRepo = {
  /** The transaction record, its reference guard (when given) and the member summary update. */
  newItems(tx: CardTx, refundableDelta: bigint): GuardedItem[] {
    const items: GuardedItem[] = [
      {
        item: putNew({
          ...keys.cardTx(tx.cardId, tx.memberId, tx.id),
          ...tx,
          type: 'CardTx',
          txType: tx.type,
          newBalance: undefined,
          metadata: undefined,
          metadataJson: tx.metadata === undefined ? undefined : metadataText(tx.metadata),
          updatedAt: tx.createdAt,
        }),
      },
    ];
    if (tx.reference) {
      items.push({
        item: putNew({ ...keys.cardReference(tx.cardId, tx.type, tx.reference), type: 'CardReference', txId: tx.id, memberId: tx.memberId, createdAt: tx.createdAt, updatedAt: tx.createdAt }),
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

  /**
   * Refunds consume an earning's cashback under optimistic concurrency on what was consumed before. The
   * totals only grow, and never past the earning's cashback and purchase (also checked by the condition).
   */
  consumeEarningItem(earning: CardTx, cashback: bigint, purchase: bigint, now: string): GuardedItem {
    const c = (earning.cashbackRefunded ?? 0n) + cashback;
    const p = (earning.purchaseRefunded ?? 0n) + purchase;
    if (cashback < 0n || purchase < 0n || c > earning.amount || p > (earning.purchaseAmount ?? 0n)) {
      throw new RangeError(`earning ${earning.id}: cannot consume ${cashback} cashback and ${purchase} purchase of what is left`);
    }
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.cardTx(earning.cardId, earning.memberId, earning.id),
          UpdateExpression: 'SET cashbackRefunded = :c, purchaseRefunded = :p, updatedAt = :now',
          ConditionExpression: 'cashbackRefunded = :seenC AND purchaseRefunded = :seenP AND amount >= :c AND purchaseAmount >= :p',
          ExpressionAttributeValues: {
            ':c': c,
            ':p': p,
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
    return out.Item ? txFromItem(out.Item, `CardTx ${txId}`) : undefined;
  },

  async byReference(cardId: number, type: CardTxType, reference: string): Promise<CardTx | undefined> {
    const ref = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cardReference(cardId, type, reference), ConsistentRead: true }));
    if (!ref.Item) return undefined;
    const f = fields(ref.Item, `CardReference ${cardId} ${type} ${reference}`);
    return this.get(cardId, f.int('memberId'), f.int('txId'));
  },

  async summary(cardId: number, memberId: number): Promise<CardMemberSummary> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cardMember(cardId, memberId), ConsistentRead: true }));
    // No summary yet: no transaction yet.
    const f = fields(out.Item ?? {}, `CardMember ${cardId} ${memberId}`);
    return { txCount: f.optInt('txCount') ?? 0, refundable: f.optMoney('refundable') ?? 0n };
  },

  /** Newest first; `offset` items skipped (history pages are at most 100 deep per call). */
  async listNewestFirst(cardId: number, memberId: number, limit: number, offset: number): Promise<CardTx[]> {
    const items = await queryAll(
      {
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :tx)',
        ExpressionAttributeValues: { ':pk': keys.cardMember(cardId, memberId).PK, ':tx': keys.cardTxPrefix },
        ScanIndexForward: false,
        ConsistentRead: true,
      },
      offset + limit,
    );
    return items.slice(offset).map((item) => txFromItem(item, `a transaction of card ${cardId} member ${memberId}`));
  },
};
