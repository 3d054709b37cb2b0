/**
 * Payouts: the state of getting cashback to the customer.
 *   chain:    PENDING -> SENDING -> CONFIRMED | FAILED, and SENDING -> PENDING when the transaction that
 *             carried it is known never to have paid (its nonce went to a fill or to someone else's
 *             transaction, or its batch reverted as a whole)
 *   textcoin: PENDING -> MAILED -> CLAIMED | RECLAIMED  (PENDING -> RECLAIMED when it expires unmailed)
 * Every transition is a conditional write on the current status.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, ddb, tableName, unmarshallRaw } from '../db/client.js';
import { ConditionFailedError, isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { NETWORKS, type Network } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';
import { updateOf } from '../db/update.js';

export const PAYOUT_STATUSES = ['PENDING', 'SENDING', 'CONFIRMED', 'FAILED', 'MAILED', 'CLAIMED', 'RECLAIMED'] as const;
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number];

export const PAYOUT_KINDS = ['chain', 'textcoin'] as const;
export type PayoutKind = (typeof PAYOUT_KINDS)[number];

export interface Payout {
  unit: string;
  network: Network;
  kind: PayoutKind;
  status: PayoutStatus;
  /** Checksummed address (chain) or email (textcoin). */
  destination: string;
  amount: bigint;
  /** Ledger account holding the amount until it settles. */
  account: string;
  source: string;
  createdAt: string;
  updatedAt: string;
  claimExpiresAt?: string;
  /** Sends so far (each in a new chain transaction). */
  attempts?: number;
  /** The chain transaction carrying it while SENDING (`<network>:<wallet>:<nonce>`), and after. */
  chainTx?: string;
  nonce?: number;
  /** The first candidate's hash while in flight; the mined one once CONFIRMED. */
  txHash?: string;
  /** Send in a transaction of its own: its batch reverted as a whole once. */
  sendAlone?: boolean;
  blockNumber?: number;
  error?: string;
  claimedBy?: string;
  /** When set, a FAILED transfer moves the amount back here (user coin transfers return the coins). */
  refundAccount?: string;
  /** A user's withdrawal (an Ethereum transfer): a FAILED transfer also takes the returned amount out of that user's month of withdrawals (the month it was requested in). */
  withdrawalOf?: string;
  withdrawalAt?: string;
}

export class PayoutStateError extends ConditionFailedError {
  override name = 'PayoutStateError';
}

/**
 * A payout item, from the table or from a stream image (numbers as decimal text either way). Payouts
 * written before amounts were numbers hold `amount` as a decimal string: `money` reads both.
 */
export function payoutFrom(i: StoredItem): Payout {
  const f = fields(i, `Payout ${i.unit}`);
  return {
    unit: f.str('unit'),
    network: f.oneOf('network', NETWORKS),
    kind: f.oneOf('kind', PAYOUT_KINDS),
    status: f.oneOf('status', PAYOUT_STATUSES),
    destination: f.str('destination'),
    amount: f.money('amount'),
    account: f.str('account'),
    source: f.str('source'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
    claimExpiresAt: f.optStr('claimExpiresAt'),
    attempts: f.optInt('attempts'),
    chainTx: f.optStr('chainTx'),
    nonce: f.optInt('nonce'),
    txHash: f.optStr('txHash'),
    sendAlone: f.flag('sendAlone'),
    blockNumber: f.optInt('blockNumber'),
    error: f.optStr('error'),
    claimedBy: f.optStr('claimedBy'),
    refundAccount: f.optStr('refundAccount'),
    withdrawalOf: f.optStr('withdrawalOf'),
    withdrawalAt: f.optStr('withdrawalAt'),
  };
}

/** Where a payout sits in the status index: textcoins by expiry (for the reclaim job), the rest by creation. */
const statusSortKey = (p: Pick<Payout, 'kind' | 'status' | 'createdAt' | 'claimExpiresAt'>, now: string) =>
  p.kind === 'textcoin' && p.status === 'MAILED' ? (p.claimExpiresAt ?? now) : now;

export const payoutsRepo = {
  putNewItem(p: Payout): GuardedItem {
    return {
      item: {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.payout(p.unit),
            type: 'Payout',
            ...p,
            GSI1PK: keys.payoutsByStatus(p.status),
            GSI1SK: statusSortKey(p, p.createdAt),
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      onConditionFailed: () => new PayoutStateError(`payout ${p.unit} already exists`),
    };
  },

  async get(unit: string): Promise<Payout | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.payout(unit), ConsistentRead: true }));
    return out.Item ? payoutFrom(out.Item) : undefined;
  },

  /** The update of a transition, usable alone (`transition`) or inside a transaction. */
  /**
   * `p.attempts` is part of the condition: two deliveries of one message racing on the same payout
   * cannot both record a send attempt.
   */
  transitionItem(p: Payout, from: PayoutStatus[], to: PayoutStatus, set: Partial<Payout> = {}, now = new Date().toISOString()): GuardedItem {
    const fields: Record<string, unknown> = {
      ...set,
      status: to,
      updatedAt: now,
      GSI1PK: keys.payoutsByStatus(to),
      GSI1SK: statusSortKey({ ...p, ...set, status: to }, now),
    };
    const { UpdateExpression: expression, ExpressionAttributeNames: names, ExpressionAttributeValues: values } = updateOf(fields);
    from.forEach((s, i) => (values[`:from${i}`] = s));
    names['#status'] = 'status';
    names['#attempts'] = 'attempts';
    const attemptsCondition =
      p.attempts === undefined ? 'attribute_not_exists(#attempts)' : ((values[':prevAttempts'] = p.attempts), '#attempts = :prevAttempts');
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.payout(p.unit),
          UpdateExpression: expression,
          ConditionExpression: `#status IN (${from.map((_, i) => `:from${i}`).join(', ')}) AND ${attemptsCondition}`,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onConditionFailed: (current) =>
        new PayoutStateError(`payout ${p.unit} is ${String(current?.status ?? 'missing')}, not ${from.join('|')}`, current),
    };
  },

  async transition(p: Payout, from: PayoutStatus[], to: PayoutStatus, set: Partial<Payout> = {}): Promise<Payout> {
    const { item, onConditionFailed } = this.transitionItem(p, from, to, set);
    const update = item.Update!;
    try {
      const out = await ddb().send(new UpdateCommand({ ...update, ReturnValues: 'ALL_NEW' } as never));
      return payoutFrom((out as { Attributes: Record<string, unknown> }).Attributes);
    } catch (err) {
      if (isConditionFailed(err)) {
        throw onConditionFailed!(unmarshallRaw((err as { Item?: Record<string, unknown> }).Item));
      }
      throw err;
    }
  },

  /**
   * A transition of a payout the chain engine holds in flight, by unit: only while it is still SENDING in
   * the chain transaction `chainTx`, so an old transaction can never settle a payout that was sent again.
   */
  inFlightItem(unit: string, chainTx: string, to: PayoutStatus, set: Partial<Payout> = {}, now = new Date().toISOString()): GuardedItem {
    const update = updateOf({ ...set, status: to, updatedAt: now, GSI1PK: keys.payoutsByStatus(to), GSI1SK: now });
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.payout(unit),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#status = :sending AND #chainTx = :chainTx',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status', '#chainTx': 'chainTx' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':sending': 'SENDING', ':chainTx': chainTx },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        },
      },
      onConditionFailed: (current) => new PayoutStateError(`payout ${unit} is not SENDING in ${chainTx}`, current),
    };
  },

  async getMany(units: string[]): Promise<Payout[]> {
    return (await batchGet(units.map((u) => keys.payout(u)))).map(payoutFrom);
  },

  /** Payouts in a status whose index key (creation or expiry time) is at or before `until`, oldest first. */
  async listByStatus(status: PayoutStatus, until: string, limit = 100): Promise<Payout[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :until',
        ExpressionAttributeValues: { ':pk': keys.payoutsByStatus(status), ':until': until },
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(payoutFrom);
  },
};
