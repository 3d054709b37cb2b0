/**
 * The chain engine's own record of its sender wallets, so nonces never come from a node.
 *   ChainWallet: one per (network, sender address): `next` nonce to allocate, `settledBelow` (every
 *     nonce below it is final), `approvedAt` (the disburser's allowance was requested).
 *   ChainTx: one per allocated nonce, written in the same transaction that takes the nonce and moves its
 *     payouts to SENDING: what it pays (legs) and every transaction signed for that nonce (candidates:
 *     the first send, fee-bumped replacements, a zero-value fill), each recorded before it is broadcast.
 *   ChainTx status: INFLIGHT -> CONFIRMED (mined, status 1) | REVERTED (mined, status 0)
 *                   | FILLED (our zero-value fill took the nonce) | DISPLACED (someone else's transaction took it).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../db/client.js';
import { ConditionFailedError, isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { NETWORKS, type Network } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';
import { updateOf } from '../db/update.js';

/** The values of `Network` (db/keys.ts), to read it back from items. */

export interface ChainWallet {
  network: Network;
  address: string;
  next: number;
  settledBelow: number;
  approvedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const CHAIN_TX_PURPOSES = ['transfer', 'batch', 'approve'] as const;
export type ChainTxPurpose = (typeof CHAIN_TX_PURPOSES)[number];
export const CHAIN_TX_STATUSES = ['INFLIGHT', 'CONFIRMED', 'REVERTED', 'FILLED', 'DISPLACED'] as const;
export type ChainTxStatus = (typeof CHAIN_TX_STATUSES)[number];
export const CANDIDATE_KINDS = ['send', 'fill'] as const;

/** One payout carried by a chain transaction, with the ledger accounts its settlement moves. */
export interface ChainLeg {
  unit: string;
  to: string;
  amount: bigint;
  /** Ledger account holding the amount until it settles. */
  account: string;
  /** Where a refused leg's amount returns (user coin transfers); absent: it stays in `account`. */
  refundAccount?: string;
  /** A user's withdrawal: a refused leg also leaves the user's month of withdrawals (Payout.withdrawalOf/withdrawalAt). */
  withdrawalOf?: string;
  withdrawalAt?: string;
}

export interface Candidate {
  hash: string;
  rawTx: string;
  /** `send` pays the legs; `fill` is a zero-value self transfer that only consumes the nonce. */
  kind: (typeof CANDIDATE_KINDS)[number];
  maxFeePerGas: string;
  maxPriorityFeePerGas: string;
  signedAt: string;
}

export interface ChainTx {
  network: Network;
  wallet: string;
  nonce: number;
  purpose: ChainTxPurpose;
  legs: ChainLeg[];
  candidates: Candidate[];
  status: ChainTxStatus;
  /** First time the nonce was seen consumed, at a final block, by none of our candidates. */
  displacedSeenAt?: string;
  /** The candidate that was mined, its block and gas. */
  minedHash?: string;
  blockNumber?: number;
  gasUsed?: string;
  createdAt: string;
  updatedAt: string;
}

export const chainTxId = (tx: Pick<ChainTx, 'network' | 'wallet' | 'nonce'>) => `${tx.network}:${tx.wallet}:${tx.nonce}`;

export class NonceTakenError extends ConditionFailedError {
  override name = 'NonceTakenError';
}

export class ChainTxChangedError extends ConditionFailedError {
  override name = 'ChainTxChangedError';
}

function walletFrom(i: StoredItem): ChainWallet {
  const f = fields(i, `ChainWallet ${i.network} ${i.address}`);
  return {
    network: f.oneOf('network', NETWORKS),
    address: f.str('address'),
    next: f.int('next'),
    settledBelow: f.int('settledBelow'),
    approvedAt: f.optStr('approvedAt'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

/** Transactions written before amounts were numbers hold leg amounts as decimal strings: `money` reads both. */
function txFrom(i: StoredItem): ChainTx {
  const f = fields(i, `ChainTx ${i.network}:${i.wallet}:${i.nonce}`);
  return {
    network: f.oneOf('network', NETWORKS),
    wallet: f.str('wallet'),
    nonce: f.int('nonce'),
    purpose: f.oneOf('purpose', CHAIN_TX_PURPOSES),
    legs: f.list('legs', (l) => ({
      unit: l.str('unit'),
      to: l.str('to'),
      amount: l.money('amount'),
      account: l.str('account'),
      refundAccount: l.optStr('refundAccount'),
      withdrawalOf: l.optStr('withdrawalOf'),
      withdrawalAt: l.optStr('withdrawalAt'),
    })),
    candidates: f.list('candidates', (c) => ({
      hash: c.str('hash'),
      rawTx: c.str('rawTx'),
      kind: c.oneOf('kind', CANDIDATE_KINDS),
      maxFeePerGas: c.str('maxFeePerGas'),
      maxPriorityFeePerGas: c.str('maxPriorityFeePerGas'),
      signedAt: c.str('signedAt'),
    })),
    status: f.oneOf('status', CHAIN_TX_STATUSES),
    displacedSeenAt: f.optStr('displacedSeenAt'),
    minedHash: f.optStr('minedHash'),
    blockNumber: f.optInt('blockNumber'),
    gasUsed: f.optStr('gasUsed'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

export const chainRepo = {
  async getWallet(network: Network, address: string): Promise<ChainWallet | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.chainWallet(network, address), ConsistentRead: true }));
    return out.Item ? walletFrom(out.Item) : undefined;
  },

  /** Creates the allocator at `next` (the wallet's confirmed nonce count when we first use it); keeps an existing one. */
  async createWallet(network: Network, address: string, next: number): Promise<ChainWallet> {
    const now = new Date().toISOString();
    const wallet: ChainWallet = { network, address, next, settledBelow: next, createdAt: now, updatedAt: now };
    try {
      await ddb().send(
        new PutCommand({ TableName: tableName(), Item: { ...keys.chainWallet(network, address), type: 'ChainWallet', ...wallet }, ConditionExpression: 'attribute_not_exists(PK)' }),
      );
      return wallet;
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
      return (await this.getWallet(network, address))!;
    }
  },

  /**
   * Items that take nonce `tx.nonce` (the allocator must still be at it) and record its transaction; the caller
   * adds the payouts' own transitions to the same TransactWriteItems.
   */
  allocateItems(tx: ChainTx, options: { markApproved?: boolean } = {}): GuardedItem[] {
    const now = tx.createdAt;
    return [
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.chainWallet(tx.network, tx.wallet),
            UpdateExpression: `SET #next = :after, updatedAt = :now${options.markApproved ? ', approvedAt = :now' : ''}`,
            ConditionExpression: `#next = :nonce${options.markApproved ? ' AND attribute_not_exists(approvedAt)' : ''}`,
            ExpressionAttributeNames: { '#next': 'next' },
            ExpressionAttributeValues: { ':nonce': tx.nonce, ':after': tx.nonce + 1, ':now': now },
          },
        },
        onConditionFailed: () => new NonceTakenError(`nonce ${tx.nonce} of ${tx.wallet} was taken by another sender`),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.chainTx(tx.network, tx.wallet, tx.nonce), type: 'ChainTx', ...tx },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new NonceTakenError(`nonce ${tx.nonce} of ${tx.wallet} is already recorded`),
      },
    ];
  },

  async getTx(network: Network, wallet: string, nonce: number): Promise<ChainTx | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.chainTx(network, wallet, nonce), ConsistentRead: true }));
    return out.Item ? txFrom(out.Item) : undefined;
  },

  /** The wallet's transactions with nonces in [from, to), lowest nonce first. */
  async listTxs(network: Network, wallet: string, from: number, to: number): Promise<ChainTx[]> {
    if (to <= from) return [];
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      ExpressionAttributeValues: { ':pk': keys.chainTx(network, wallet, 0).PK, ':from': keys.chainTx(network, wallet, from).SK, ':to': keys.chainTx(network, wallet, to - 1).SK },
      ConsistentRead: true,
    });
    return items.map(txFrom);
  },

  /** Appends a candidate (recorded before it is broadcast); fails if another resolver added one first. */
  async addCandidate(tx: ChainTx, candidate: Candidate): Promise<ChainTx> {
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.chainTx(tx.network, tx.wallet, tx.nonce),
          UpdateExpression: 'SET candidates = list_append(candidates, :c), updatedAt = :now',
          ConditionExpression: '#status = :inflight AND size(candidates) = :count',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':c': [candidate], ':now': candidate.signedAt, ':inflight': 'INFLIGHT', ':count': tx.candidates.length },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return txFrom(out.Attributes!);
    } catch (err) {
      if (isConditionFailed(err)) throw new ChainTxChangedError(`chain transaction ${chainTxId(tx)} changed meanwhile`);
      throw err;
    }
  },

  async markDisplacedSeen(tx: ChainTx, at: string): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.chainTx(tx.network, tx.wallet, tx.nonce),
          UpdateExpression: 'SET displacedSeenAt = :at, updatedAt = :at',
          ConditionExpression: 'attribute_not_exists(displacedSeenAt)',
          ExpressionAttributeValues: { ':at': at },
        }),
      );
    } catch (err) {
      if (!isConditionFailed(err)) throw err;
    }
  },

  /** The final state of an in-flight transaction (alone or inside a transaction). */
  finishItem(tx: ChainTx, status: Exclude<ChainTxStatus, 'INFLIGHT'>, set: Partial<ChainTx> = {}): GuardedItem {
    const update = updateOf({ ...set, status, updatedAt: new Date().toISOString() });
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.chainTx(tx.network, tx.wallet, tx.nonce),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#st = :inflight',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#st': 'status' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':inflight': 'INFLIGHT' },
        },
      },
      onConditionFailed: () => new ChainTxChangedError(`chain transaction ${chainTxId(tx)} is no longer in flight`),
    };
  },

  /** Moves the allocator's bounds forward only: `settledBelow` to `settledBelow`, `next` to at least `nextAtLeast`. */
  async advanceWallet(network: Network, address: string, bounds: { settledBelow?: number; nextAtLeast?: number; clearApproval?: boolean }): Promise<void> {
    const key = keys.chainWallet(network, address);
    const update = async (expression: string, condition: string, values: Record<string, unknown>, names: Record<string, string> = {}) => {
      try {
        await ddb().send(
          new UpdateCommand({ TableName: tableName(), Key: key, UpdateExpression: expression, ConditionExpression: condition, ExpressionAttributeValues: values, ...(Object.keys(names).length ? { ExpressionAttributeNames: names } : {}) }),
        );
      } catch (err) {
        if (!isConditionFailed(err)) throw err; // someone moved it further already
      }
    };
    const now = new Date().toISOString();
    if (bounds.settledBelow !== undefined) await update('SET settledBelow = :n, updatedAt = :now', 'settledBelow < :n', { ':n': bounds.settledBelow, ':now': now });
    if (bounds.nextAtLeast !== undefined) await update('SET #next = :n, updatedAt = :now', '#next < :n', { ':n': bounds.nextAtLeast, ':now': now }, { '#next': 'next' });
    if (bounds.clearApproval) await update('REMOVE approvedAt SET updatedAt = :now', 'attribute_exists(approvedAt)', { ':now': now });
  },
};
