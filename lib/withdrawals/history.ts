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
import { exchangeHistoryEntry, exchangeTransferFrom } from '../exchanges/transfer-records.js';
import { coinTransferFrom } from '../coins/repository.js';
import { retailHistoryEntry, retailSessionFrom } from '../retail/repository.js';
import { ddb, tableName } from '../db/client.js';
import type { StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { Wire } from '../json.js';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { cashoutHistoryEntry } from './cashout.js';
import { fail } from './failures.js';
import { cashoutTransferFrom } from './repository.js';
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

/** Withdrawal items as their types' history entries (Ethereum transfers' payouts read in one batch). */
async function entriesOf(items: StoredItem[]): Promise<HistoryEntry[]> {
  const transfers = await transfersNow(items.filter((i) => i.type === 'CoinTransfer').map(coinTransferFrom));
  let next = 0;
  return Promise.all(
    items.map((item): HistoryEntry | Promise<HistoryEntry> => {
      switch (item.type) {
        case 'CashoutTransfer':
          return cashoutHistoryEntry(cashoutTransferFrom(item));
        case 'CoinTransfer':
          return transfers[next++]!;
        case 'ExchangeTransfer':
          return exchangeHistoryEntry(exchangeTransferFrom(item)) as HistoryEntry;
        case 'RetailSession':
          return retailHistoryEntry(retailSessionFrom(item));
        default:
          throw new Error(`a ${String(item.type)} item is in the withdrawal history index`);
      }
    }),
  );
}

export async function withdrawalHistory(user: string, req: WithdrawalHistoryRequest): Promise<Wire<z.output<typeof withdrawalHistorySchema>>> {
  const after = req.chunk_id ? afterOf(req.chunk_id) : undefined;
  const limit = req.limit ?? DEFAULT_HISTORY_CHUNK;
  // One more than the chunk: whether there is a next chunk is known without a query that finds nothing.
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName(),
      IndexName: 'GSI2',
      KeyConditionExpression: after === undefined ? 'GSI2PK = :pk' : 'GSI2PK = :pk AND GSI2SK < :after',
      ExpressionAttributeValues: { ':pk': keys.withdrawalHistory(user), ...(after === undefined ? {} : { ':after': after }) },
      ScanIndexForward: false,
      Limit: limit + 1,
    }),
  );
  const items = out.Items ?? [];
  const chunk = items.slice(0, limit);
  const last = chunk.at(-1);
  return {
    history: await entriesOf(chunk),
    next: items.length > limit && last ? chunkIdAfter(String(last.GSI2SK)) : null,
  };
}
