/**
 * The exchange transfer record: its statuses, how it is stored and read, and how users and moderators see it.
 * The requests and the worker that move a transfer through its statuses are in transfers.ts.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { batchGet, ddb, queryAll, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, type GuardedItem } from '../db/transact.js';
import { updateOf } from '../db/update.js';
import { exactNumber } from '../json.js';
import { isoSeconds, transactionRequestId } from '../wire.js';
import { coinsValueMinor, recordedQuote, recordedQuoteFrom, withdrawalFeeView, type RecordedQuote } from '../withdrawals/fees.js';
import { minorText } from '../withdrawals/limits.js';
import { MODERATION_STATUSES, type Exchange } from './schema.js';
import type { UserProfileClaims } from '../identity/tickets.js';
import type { Wire } from '../json.js';
import type * as z from 'zod/mini';
import type { exchangeTransferAnswerSchema } from '../withdrawals/schema.js';

type ExchangeTransferAnswer = Wire<z.output<typeof exchangeTransferAnswerSchema>>;

export const EXCHANGE_TRANSFER_STATUSES = ['pending', 'approved', 'sending', 'sent', 'completed', 'failed', 'rejected'] as const;
export type ExchangeTransferStatus = (typeof EXCHANGE_TRANSFER_STATUSES)[number];
export type ModerationStatus = (typeof MODERATION_STATUSES)[number];

export interface ExchangeTransfer extends RecordedQuote {
  uuid: string;
  user: string;
  exchange: Exchange;
  /** The account id the user named (Coinbase user id, Poloniex account id) and the account as it was then. */
  accountId: string;
  account: Record<string, unknown>;
  /** Where the exchange sends: the Coinbase email (or id), the Poloniex address. */
  destination: string;
  debitCoins: bigint;
  transferCoins: bigint;
  feeCoins: bigint;
  /** What the exchange is asked to send: transferCoins in whole 10^-8 tokens. */
  sendCoins: bigint;
  /** The user's coins when they asked, and their profile as their ticket gave it then: what moderators see. */
  profileCoins?: bigint;
  requester?: UserProfileClaims;
  status: ExchangeTransferStatus;
  moderation: ModerationStatus;
  moderatedBy?: string;
  moderatedAt?: string;
  sendingAt?: string;
  /** The exchange's id of the send or withdrawal. */
  hash?: string;
  /** What the exchange answered about it, as JSON text (the contract's service_response). */
  serviceResponse?: string;
  settledAt?: string;
  ts: string;
}

export class ExchangeTransferStateError extends Error {
  override name = 'ExchangeTransferStateError';
}

const OPTIONAL = ['moderatedBy', 'moderatedAt', 'sendingAt', 'hash', 'serviceResponse', 'settledAt'] as const;

export function exchangeTransferFrom(i: StoredItem): ExchangeTransfer {
  const f = fields(i, `ExchangeTransfer ${String(i.uuid)}`);
  const profileCoins = f.optMoney('profileCoins');
  const requester = f.optMap('requester');
  const t: ExchangeTransfer = {
    uuid: f.str('uuid'),
    user: f.str('user'),
    exchange: f.oneOf('exchange', ['coinbase', 'poloniex'] as const),
    accountId: f.str('accountId'),
    account: f.optMap('account') ?? {},
    destination: f.str('destination'),
    ...recordedQuoteFrom(f),
    debitCoins: f.money('debitCoins'),
    transferCoins: f.money('transferCoins'),
    feeCoins: f.money('feeCoins'),
    sendCoins: f.money('sendCoins'),
    ...(profileCoins !== undefined ? { profileCoins } : {}),
    ...(requester !== undefined ? { requester: requester as UserProfileClaims } : {}),
    status: f.oneOf('status', EXCHANGE_TRANSFER_STATUSES),
    moderation: f.oneOf('moderation', MODERATION_STATUSES),
    ts: f.str('ts'),
  };
  for (const k of OPTIONAL) {
    const v = f.optStr(k);
    if (v !== undefined) (t as unknown as Record<string, string>)[k] = v;
  }
  return t;
}

type Outcome = Partial<Pick<ExchangeTransfer, 'moderation' | 'moderatedBy' | 'moderatedAt' | 'sendingAt' | 'hash' | 'serviceResponse' | 'settledAt'>>;

export const exchangeTransfersRepo = {
  newItem(t: ExchangeTransfer): GuardedItem {
    return {
      item: putNew({ ...keys.exchangeTransfer(t.uuid), GSI1PK: keys.exchangeTransfers(), GSI1SK: `${t.ts}#${t.uuid}`, ...keys.withdrawalInHistory(t.user, t.ts, t.uuid), type: 'ExchangeTransfer', ...t, createdAt: t.ts, updatedAt: t.ts }),
    };
  },

  async get(uuid: string): Promise<ExchangeTransfer | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.exchangeTransfer(uuid), ConsistentRead: true }));
    return out.Item ? exchangeTransferFrom(out.Item) : undefined;
  },

  /** The transfers named that exist, by uuid (one batch read). */
  async getMany(uuids: string[]): Promise<Map<string, ExchangeTransfer>> {
    const items = await batchGet(uuids.map((uuid) => keys.exchangeTransfer(uuid)));
    return new Map(items.map((i) => exchangeTransferFrom(i)).map((t) => [t.uuid, t]));
  },

  /**
   * Transfers requested between the sort keys `from` and `until` (`<ISO>#<uuid>` bounds), oldest first unless
   * `newestFirst`; with `statuses`, only those still in one of them. With `user`, that user's only (their
   * withdrawal index).
   */
  async listRequestedBetween(from: string, until: string, options: { statuses?: readonly ExchangeTransferStatus[]; newestFirst?: boolean; user?: string } = {}): Promise<ExchangeTransfer[]> {
    const { statuses = [], newestFirst = false, user } = options;
    const index = user ? 'GSI2' : 'GSI1';
    const names: Record<string, string> = {};
    const values: Record<string, unknown> = { ':pk': user ? keys.withdrawalHistory(user) : keys.exchangeTransfers(), ':from': from, ':until': until };
    const filters: string[] = [];
    if (statuses.length) {
      names['#status'] = 'status';
      statuses.forEach((status, i) => (values[`:s${i}`] = status));
      filters.push(`#status IN (${statuses.map((_, i) => `:s${i}`).join(', ')})`);
    }
    if (user) {
      names['#type'] = 'type';
      values[':type'] = 'ExchangeTransfer';
      filters.push('#type = :type');
    }
    const items = await queryAll({
      IndexName: index,
      KeyConditionExpression: `${index}PK = :pk AND ${index}SK BETWEEN :from AND :until`,
      ...(filters.length ? { FilterExpression: filters.join(' AND '), ExpressionAttributeNames: names } : {}),
      ExpressionAttributeValues: values,
      ScanIndexForward: !newestFirst,
    });
    return items.map(exchangeTransferFrom);
  },

  /** from -> to, once (ExchangeTransferStateError when it is not in `from`), with what the step learnt. */
  transitionItem(uuid: string, from: ExchangeTransferStatus, to: ExchangeTransferStatus, outcome: Outcome = {}): GuardedItem {
    const update = updateOf({ ...outcome, status: to, updatedAt: new Date().toISOString() });
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.exchangeTransfer(uuid),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: '#status = :from',
          ExpressionAttributeNames: { ...update.ExpressionAttributeNames, '#status': 'status' },
          ExpressionAttributeValues: { ...update.ExpressionAttributeValues, ':from': from },
        },
      },
      onConditionFailed: () => new ExchangeTransferStateError(`exchange transfer ${uuid} is not ${from}`),
    };
  },
};

/** The user's view: pending until sent (or rejected/failed: `failure`), `success` once the exchange completed it. */
export const USER_STATUS: Record<ExchangeTransferStatus, 'pending' | 'success' | 'failure'> = {
  pending: 'pending',
  approved: 'pending',
  sending: 'pending',
  sent: 'pending',
  completed: 'success',
  failed: 'failure',
  rejected: 'failure',
};

/** The transfer as the transfer routes answer it (and as history entries show it, with its type). */
export function exchangeTransferView(t: ExchangeTransfer): ExchangeTransferAnswer {
  return {
    account: t.account,
    coins: t.debitCoins.toString(),
    fee: withdrawalFeeView(recordedQuote(t), 'transfer') as ExchangeTransferAnswer['fee'],
    hash: t.hash ?? null,
    id: transactionRequestId(t.uuid),
    status: USER_STATUS[t.status],
    ts: isoSeconds(t.ts),
  };
}

/** The transfer as a withdrawal history entry (type coinbase or poloniex), with the debit's value at its price. */
export function exchangeHistoryEntry(t: ExchangeTransfer) {
  const { fee, ...view } = exchangeTransferView(t);
  return {
    account: view.account,
    coins: view.coins,
    [`converted_${t.currency}_value`]: exactNumber(minorText(coinsValueMinor(t.debitCoins, { num: t.priceNum, den: t.priceDen }))),
    fee_summary: fee,
    hash: view.hash,
    id: view.id,
    status: view.status,
    ts: view.ts,
    type: t.exchange,
  };
}

/** The transfer's manual code: what moderators name it by. */
export const manualCode = (uuid: string) => `${transactionRequestId(uuid)}:manual`;
/** The uuid a manual code (or a transfer id) names. */
export const transferUuidOf = (code: string) => code.replace(/^urn:authenticateit:transaction_request:/, '').replace(/:manual$/, '');
