/** Ledger persistence: account balances, immutable entries and per-account postings. */
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { monotonicFactory } from 'ulid';
import { batchGet, big, ddb, tableName } from './client.js';
import { AlreadyExistsError, InsufficientFundsError } from './errors.js';
import { keys } from './keys.js';
import type { GuardedItem } from './transact.js';

const ulid = monotonicFactory();

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

export class DuplicateEntryError extends AlreadyExistsError {
  override name = 'DuplicateEntryError';
}

export const ledgerRepo = {
  /** Items for one TransactWriteItems: the entry (unique by idempotency key), balance updates, postings. */
  entryWriteItems(entry: LedgerEntry, now = new Date()): GuardedItem[] {
    const table = tableName();
    const at = now.toISOString();
    const id = ulid(now.getTime());
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
              postings: entry.postings.map((p) => ({ account: p.account, amount: p.amount.toString() })),
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
              amount: p.amount.toString(),
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
    return big(out.Item?.balance);
  },

  async getBalances(accounts: string[]): Promise<Map<string, bigint>> {
    const items = await batchGet(accounts.map((a) => keys.account(a)));
    return new Map(items.map((item) => [String(item.accountId), big(item.balance)]));
  },

  async getEntry(idempotencyKey: string): Promise<StoredEntry | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.entry(idempotencyKey), ConsistentRead: true }));
    const i = out.Item;
    if (!i) return undefined;
    return {
      id: String(i.id),
      idempotencyKey,
      kind: String(i.kind),
      memo: i.memo as string | undefined,
      createdAt: String(i.createdAt),
      postings: (i.postings as { account: string; amount: string }[]).map((p) => ({ account: p.account, amount: BigInt(p.amount) })),
    };
  },

  /** Newest first. */
  async listPostingsByAccount(account: string, limit = 50): Promise<{ entryKey: string; kind: string; amount: bigint; createdAt: string }[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': keys.account(account).PK, ':sk': keys.postingPrefix },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => ({ entryKey: String(i.entryKey), kind: String(i.kind), amount: big(i.amount), createdAt: String(i.createdAt) }));
  },
};
