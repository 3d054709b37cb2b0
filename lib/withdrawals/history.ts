/**
 * A user's withdrawal history (POST /payments-service/withdrawal/history/get): every withdrawal of every type,
 * newest first, in chunks. Each withdrawal item carries the user's history keys (GSI2, `withdrawalInHistory`)
 * from the transaction that created it, so one query reads a chunk and each entry shows its current status.
 *
 * The chunk id is opaque to clients: the sort key of the last entry given, base64url-encoded. The next chunk
 * starts strictly after it, and the query's partition is always the caller's own, so a chunk id can neither
 * repeat nor skip an entry, nor reach another user's history.
 */
import { transfersNow } from '../coins/views.js';
import { exchangeHistoryEntry, exchangeTransferFrom, type ExchangeTransfer } from '../exchanges/transfer-records.js';
import type { TransferView } from '../coins/schema.js';
import { coinTransferFrom } from '../coins/repository.js';
import { retailHistoryEntry, retailSessionFrom, type RetailSession } from '../retail/repository.js';
import { ddb, tableName } from '../db/client.js';
import type { StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { Wire } from '../json.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cashoutHistoryEntry } from './cashout.js';
import { fail } from './failures.js';
import { cashoutTransferFrom, type CashoutTransfer } from './repository.js';
import type * as z from 'zod/mini';
import type { WithdrawalHistoryRequest, withdrawalHistorySchema } from './schema.js';

export const HISTORY_CHUNK_PREFIX = 'urn:authenticateit:transactions_history_chunk:';
/** Entries in a chunk when the request names no limit. */
export const DEFAULT_HISTORY_CHUNK = 20;

const SORT_KEY = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z#[0-9a-f-]{36}$/;

export const chunkIdAfter = (sortKey: string) => HISTORY_CHUNK_PREFIX + Buffer.from(sortKey, 'utf8').toString('base64url');

/** The sort key a chunk id continues after; payments-bad_chunk_id when it is not one this service gave. */
function afterOf(chunkId: string): string {
  const token = chunkId.startsWith(HISTORY_CHUNK_PREFIX) ? chunkId.slice(HISTORY_CHUNK_PREFIX.length) : '';
  const sortKey = /^[A-Za-z0-9_-]+$/.test(token) ? Buffer.from(token, 'base64url').toString('utf8') : '';
  if (!SORT_KEY.test(sortKey)) throw fail('bad_chunk_id', 'chunk_id is not a chunk of your withdrawal history: send the next of the previous answer, or none for the newest');
  return sortKey;
}

type HistoryEntry = Wire<z.output<typeof withdrawalHistorySchema>>['history'][number];

/** How each type of withdrawal is shown (as a history entry, as a moderator's review entry). */
export interface WithdrawalEntryBuilders<E> {
  cashout: (t: CashoutTransfer) => E | Promise<E>;
  ethereum: (v: TransferView) => E;
  exchange: (t: ExchangeTransfer) => E;
  retail: (s: RetailSession) => E;
}

/** The user's withdrawal items, newest first: at most `limit`, those before the sort key `before` when given. */
export async function newestWithdrawalItems(user: string, limit: number, before?: string): Promise<StoredItem[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI2',
      KeyConditionExpression: before === undefined ? 'GSI2PK = :pk' : 'GSI2PK = :pk AND GSI2SK < :before',
      ExpressionAttributeValues: { ':pk': keys.withdrawalHistory(user), ...(before === undefined ? {} : { ':before': before }) },
      ScanIndexForward: false,
      Limit: limit,
    }),
  );
  return out.Items ?? [];
}

/** Withdrawal items as entries, each by its type's builder (Ethereum transfers' payouts read in one batch). */
export async function withdrawalEntries<E>(items: StoredItem[], build: WithdrawalEntryBuilders<E>): Promise<E[]> {
  const transfers = items.filter((i) => i.type === 'CoinTransfer').map(coinTransferFrom);
  const payouts = await transfersNow(transfers);
  let next = 0;
  return Promise.all(
    items.map((item): E | Promise<E> => {
      switch (item.type) {
        case 'CashoutTransfer':
          return build.cashout(cashoutTransferFrom(item));
        case 'CoinTransfer':
          return build.ethereum(payouts[next++]!);
        case 'ExchangeTransfer':
          return build.exchange(exchangeTransferFrom(item));
        case 'RetailSession':
          return build.retail(retailSessionFrom(item));
        default:
          throw new Error(`a ${String(item.type)} item is in the withdrawal history index`);
      }
    }),
  );
}

const HISTORY_ENTRIES: WithdrawalEntryBuilders<HistoryEntry> = {
  cashout: cashoutHistoryEntry,
  ethereum: (v) => v,
  exchange: (t) => exchangeHistoryEntry(t) as HistoryEntry,
  retail: retailHistoryEntry,
};

export async function withdrawalHistory(user: string, req: WithdrawalHistoryRequest): Promise<Wire<z.output<typeof withdrawalHistorySchema>>> {
  const after = req.chunk_id ? afterOf(req.chunk_id) : undefined;
  const limit = req.limit ?? DEFAULT_HISTORY_CHUNK;
  // One more than the chunk: whether there is a next chunk is known without a query that finds nothing.
  const items = await newestWithdrawalItems(user, limit + 1, after);
  const chunk = items.slice(0, limit);
  const last = chunk.at(-1);
  return {
    history: await withdrawalEntries(chunk, HISTORY_ENTRIES),
    next: items.length > limit && last ? chunkIdAfter(String(last.GSI2SK)) : null,
  };
}
