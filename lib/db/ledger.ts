/** Ledger persistence: account balances, immutable entries and per-account postings. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { batchGet, ddb, tableName } from './client.js';
import { AlreadyExistsError, InsufficientFundsError } from './errors.js';
import { fields, type StoredItem } from './item.js';
import * as keys from './keys.js';
import type { GuardedItem } from './transact.js';

/** Entry ids: ULIDs, monotonic within a process. Made at first use, so bundles that never post leave the library out. */
let ulid: ReturnType<typeof monotonicFactory> | undefined;
const entryId = (at: number) => (ulid ??= monotonicFactory())(at);

export interface Posting {
  account: string;
  /** Positive credits, negative debits, in the asset's smallest unit. */
  amount: bigint;
  /** Only platform-side counter accounts (external inflows) may go below zero. */
  allowNegative?: boolean;
}

export interface LedgerEntry {
  idempotencyKey: string;
  kind: string;
  postings: Posting[];
  memo?: string;
}

export interface StoredEntry extends LedgerEntry {
  id: string;
  createdAt: string;
}

export interface AccountPosting {
  entryKey: string;
  kind: string;
  amount: bigint;
  createdAt: string;
}

/*
 * Amounts are DynamoDB numbers written from bigint. Entries and postings written before that carry them as
 * decimal strings: `money` reads both, so those items need no migration.
 */
function entryFrom(i: StoredItem, idempotencyKey: string): StoredEntry {
  const f = fields(i, `LedgerEntry ${idempotencyKey}`);
  return {
    id: f.str('id'),
    idempotencyKey,
    kind: f.str('kind'),
    memo: f.optStr('memo'),
    createdAt: f.str('createdAt'),
    postings: f.list('postings', (p) => ({ account: p.str('account'), amount: p.money('amount') })),
  };
}

function postingFrom(i: StoredItem, account: string): AccountPosting {
  const f = fields(i, `Posting ${account} ${i.SK}`);
  return { entryKey: f.str('entryKey'), kind: f.str('kind'), amount: f.money('amount'), createdAt: f.str('createdAt') };
}

function accountFrom(i: StoredItem): { accountId: string; balance: bigint } {
  const f = fields(i, `Account ${i.accountId}`);
  return { accountId: f.str('accountId'), balance: f.money('balance') };
}

export class DuplicateEntryError extends AlreadyExistsError {
  override name = 'DuplicateEntryError';
}

export const ledgerRepo = {
  /** Items for one TransactWriteItems: the entry (unique by idempotency key), balance updates, postings. */
  entryWriteItems(entry: LedgerEntry, now = new Date()): GuardedItem[] {
    const table = tableName();
    const at = now.toISOString();
    const id = entryId(now.getTime());
    const items: GuardedItem[] = [
      {
        item: {
          Put: {
            TableName: table,
            Item: {
              ...keys.entry(entry.idempotencyKey),
              GSI1PK: keys.entriesByDay(at.slice(0, 10)),
              GSI1SK: id,
              type: 'LedgerEntry',
              id,
              kind: entry.kind,
              memo: entry.memo,
              postings: entry.postings.map((p) => ({ account: p.account, amount: p.amount })),
              createdAt: at,
              updatedAt: at,
            },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new DuplicateEntryError(`ledger entry ${entry.idempotencyKey} already exists`),
      },
    ];
    for (const p of entry.postings) {
      const debit = p.amount < 0n;
      items.push({
        item: {
          Update: {
            TableName: table,
            Key: keys.account(p.account),
            UpdateExpression:
              'ADD balance :delta SET #type = if_not_exists(#type, :type), createdAt = if_not_exists(createdAt, :now), updatedAt = :now, accountId = :id',
            ...(debit && !p.allowNegative
              ? { ConditionExpression: 'balance >= :needed', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
              : {}),
            ExpressionAttributeNames: { '#type': 'type' },
            ExpressionAttributeValues: {
              ':delta': p.amount,
              ':type': 'Account',
              ':now': at,
              ':id': p.account,
              ...(debit && !p.allowNegative ? { ':needed': -p.amount } : {}),
            },
          },
        },
        onConditionFailed: () => new InsufficientFundsError(`insufficient funds in ${p.account}`, p.account),
      });
      items.push({
        item: {
          Put: {
            TableName: table,
            Item: {
              ...keys.posting(p.account, id),
              type: 'Posting',
              entryKey: entry.idempotencyKey,
              kind: entry.kind,
              amount: p.amount,
              createdAt: at,
              updatedAt: at,
            },
          },
        },
      });
    }
    return items;
  },

  async getBalance(account: string): Promise<bigint> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.account(account), ConsistentRead: true }));
    return out.Item ? accountFrom(out.Item).balance : 0n;
  },

  async getBalances(accounts: string[]): Promise<Map<string, bigint>> {
    const items = await batchGet(accounts.map((a) => keys.account(a)));
    return new Map(items.map((item) => accountFrom(item)).map((a) => [a.accountId, a.balance]));
  },

  async getEntry(idempotencyKey: string): Promise<StoredEntry | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.entry(idempotencyKey), ConsistentRead: true }));
    return out.Item ? entryFrom(out.Item, idempotencyKey) : undefined;
  },

  /** Newest first. */
  async listPostingsByAccount(account: string, limit = 50): Promise<AccountPosting[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': keys.account(account).PK, ':sk': keys.postingPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => postingFrom(i, account));
  },
};
