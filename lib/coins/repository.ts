/** User coins (payments service): a user's Ethereum addresses and a participant's Ethereum account. */
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, type GuardedItem } from '../db/transact.js';

export interface UserAddress {
  address: string;
  description: string;
  ts: string;
}

function userAddressFrom(i: StoredItem): UserAddress {
  const f = fields(i, `UserAddress ${i.user} ${i.address}`);
  return { address: f.str('address'), description: f.optStr('description') ?? '', ts: f.str('ts') };
}

export const userAddressesRepo = {
  /** Adds or updates (the description) one address. */
  async put(user: string, a: UserAddress): Promise<void> {
    await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...keys.userAddress(user, a.address), type: 'UserAddress', user, ...a, createdAt: a.ts, updatedAt: a.ts } }));
  },

  async list(user: string): Promise<UserAddress[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
        ExpressionAttributeValues: { ':pk': `USER#${user}`, ':sk': keys.userAddressPrefix },
        ConsistentRead: true,
      }),
    );
    return (out.Items ?? []).map(userAddressFrom);
  },

  async remove(user: string, addresses: string[]): Promise<void> {
    // A batch may not name one key twice: the same address given twice (in any letter case) is removed once.
    const unique = [...new Set(addresses)];
    for (let i = 0; i < unique.length; i += 25) {
      await ddb().send(
        new BatchWriteCommand({ RequestItems: { [tableName()]: unique.slice(i, i + 25).map((a) => ({ DeleteRequest: { Key: keys.userAddress(user, a) } })) } }),
      );
    }
  },
};

export const participantsRepo = {
  async getAddress(participant: string): Promise<string | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.participant(participant), ConsistentRead: true }));
    // The address is null once removed.
    return out.Item ? fields(out.Item, `ParticipantEthereum ${participant}`).optStr('address') : undefined;
  },

  async setAddress(participant: string, address: string | null, now: string): Promise<void> {
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.participant(participant), type: 'ParticipantEthereum', participant, address, createdAt: now, updatedAt: now } }),
    );
  },
};

export const COIN_TRANSFER_STATUSES = ['pending', 'approved', 'rejected', 'success', 'failure'] as const;
export type CoinTransferStatus = (typeof COIN_TRANSFER_STATUSES)[number];

export interface CoinTransfer {
  uuid: string;
  user: string;
  address: string;
  coins: bigint;
  fee: bigint;
  status: CoinTransferStatus;
  hash: string | null;
  ts: string;
}

export interface TransferDecision {
  decidedBy: string;
  decidedAt: string;
  payoutUnit?: string;
}

/** A transfer as stored: the decision once made. */
export type StoredCoinTransfer = CoinTransfer & Partial<TransferDecision>;

/** A coin transfer item, from the table or from a stream image (numbers as decimal text either way). */
export function coinTransferFrom(i: StoredItem): StoredCoinTransfer {
  const f = fields(i, `CoinTransfer ${i.uuid}`);
  return {
    uuid: f.str('uuid'),
    user: f.str('user'),
    address: f.str('address'),
    coins: f.money('coins'),
    fee: f.money('fee'),
    status: f.oneOf('status', COIN_TRANSFER_STATUSES),
    hash: f.optStr('hash') ?? null,
    ts: f.str('ts'),
    decidedBy: f.optStr('decidedBy'),
    decidedAt: f.optStr('decidedAt'),
    payoutUnit: f.optStr('payoutUnit'),
  };
}

function depositFrom(i: StoredItem): Deposit {
  const f = fields(i, `Deposit ${i.txHash}:${i.logIndex}`);
  return {
    user: f.str('user'),
    txHash: f.str('txHash'),
    logIndex: f.int('logIndex'),
    address: f.str('address'),
    coins: f.money('coins'),
    blockNumber: f.int('blockNumber'),
    ts: f.str('ts'),
  };
}

export const coinTransfersRepo = {
  newItem(t: CoinTransfer): GuardedItem {
    return {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.coinTransfer(t.uuid), GSI1PK: keys.coinHistory(t.user), GSI1SK: t.ts, ...keys.withdrawalInHistory(t.user, t.ts, t.uuid), type: 'CoinTransfer', ...t, createdAt: t.ts, updatedAt: t.ts },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    };
  },

  /** Newest first: the user's transfers and deposits from the history index. */
  async listByUser(user: string, limit = 100): Promise<(StoredCoinTransfer | (Deposit & { type: 'Deposit' }))[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.coinHistory(user) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map((i) => (i.type === 'Deposit' ? { ...depositFrom(i), type: 'Deposit' as const } : coinTransferFrom(i)));
  },
};

export class TransferDecidedError extends Error {
  override name = 'TransferDecidedError';
}

export const coinTransferDecisions = {
  async get(uuid: string): Promise<StoredCoinTransfer | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.coinTransfer(uuid), ConsistentRead: true }));
    return out.Item ? coinTransferFrom(out.Item) : undefined;
  },

  /** pending -> approved | rejected, once: the first decision wins. */
  decideItem(uuid: string, status: 'approved' | 'rejected', d: TransferDecision): GuardedItem {
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.coinTransfer(uuid),
          UpdateExpression: `SET #status = :s, decidedBy = :by, decidedAt = :at, updatedAt = :at${d.payoutUnit ? ', payoutUnit = :unit' : ''}`,
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':s': status, ':by': d.decidedBy, ':at': d.decidedAt, ':pending': 'pending', ...(d.payoutUnit ? { ':unit': d.payoutUnit } : {}) },
        },
      },
      onConditionFailed: () => new TransferDecidedError(`transfer ${uuid} was already decided`),
    };
  },
};

export interface Deposit {
  user: string;
  txHash: string;
  logIndex: number;
  address: string;
  coins: bigint;
  blockNumber: number;
  ts: string;
}

export const depositsRepo = {
  async addressOf(user: string): Promise<string | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.userDeposit(user), ConsistentRead: true }));
    return out.Item ? fields(out.Item, `DepositAddress ${user}`).str('address') : undefined;
  },

  /** The user's deposit address and its reverse lookup, once (a concurrent first call loses and reads). */
  newAddressItems(user: string, address: string, index: number, now: string): GuardedItem[] {
    return [
      { item: putNew({ ...keys.userDeposit(user), type: 'DepositAddress', address, index, createdAt: now, updatedAt: now }) },
      { item: putNew({ ...keys.depositAddress(address), type: 'DepositAddressOwner', user, createdAt: now, updatedAt: now }) },
    ];
  },

  async usersOf(addresses: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    for (const address of new Set(addresses)) {
      const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.depositAddress(address) }));
      if (out.Item) found.set(address, fields(out.Item, `DepositAddressOwner ${address}`).str('user'));
    }
    return found;
  },

  newDepositItem(d: Deposit): GuardedItem {
    return {
      item: {
        Put: {
          TableName: tableName(),
          Item: { ...keys.deposit(d.txHash, d.logIndex), GSI1PK: keys.coinHistory(d.user), GSI1SK: d.ts, type: 'Deposit', ...d, createdAt: d.ts, updatedAt: d.ts },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
    };
  },

  async cursor(): Promise<number | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.depositScanCursor(), ConsistentRead: true }));
    return out.Item ? fields(out.Item, 'DepositScanCursor').int('lastBlock') : undefined;
  },

  async setCursor(lastBlock: number): Promise<void> {
    const now = new Date().toISOString();
    await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...keys.depositScanCursor(), type: 'DepositScanCursor', lastBlock, createdAt: now, updatedAt: now } }));
  },
};
