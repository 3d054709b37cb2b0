/**
 * Users' Poloniex deposit addresses: where a withdrawal to the user's Poloniex account is sent. One item per
 * address under the user's key (every read and write is the caller's own), its id derived from user and
 * address (adding an address again updates its description), and a per-user count taken in each add's
 * transaction, so the cap holds however many adds run at once.
 *
 * `status` is the user's view of the latest transfer to the address (`pending` until one succeeds or fails),
 * read from that transfer's record, so it is never stored twice and never behind; `is_new` is true while no
 * transfer has been asked for to it. A transfer request marks the address as its latest in the request's own
 * transaction (so a removed address is refused).
 */
import { isoSeconds } from '../wire.js';
import { createHash } from 'node:crypto';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../db/client.js';
import { collectionCountItem } from '../db/counters.js';
import { isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { deleteExisting, putNew, transactWrite, type GuardedItem } from '../db/transact.js';
import { fail } from './failures.js';
import type { PoloniexAccountsAnswer } from './schema.js';
import { exchangeTransfersRepo, USER_STATUS } from './transfer-records.js';

/** The most addresses a user keeps. */
export const MAX_POLONIEX_ACCOUNTS = 20;

export interface PoloniexAccount {
  id: string;
  address: string;
  description: string;
  /** The latest transfer asked for to it (its record says when, and how it went); absent: none yet. */
  lastTransferUuid?: string;
  createdAt: string;
  updatedAt: string;
}

/** The account id: 40 hex digits, the same for the same user and address (any letter case). */
export const poloniexAccountId = (user: string, address: string) => createHash('sha1').update(`${user}|${address.toLowerCase()}`, 'utf8').digest('hex');

function accountFrom(i: StoredItem): PoloniexAccount {
  const f = fields(i, `PoloniexAccount ${String(i.user)} ${String(i.id)}`);
  const lastTransferUuid = f.optStr('lastTransferUuid');
  return {
    id: f.str('id'),
    address: f.str('address'),
    description: f.optStr('description') ?? '',
    ...(lastTransferUuid ? { lastTransferUuid } : {}),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

const notFound = (id: string) => fail('poloniex_account_not_found', `no Poloniex account ${id}`, { id });
const countItem = (user: string, delta: number, now: string, capped: boolean): GuardedItem =>
  collectionCountItem(keys.poloniexAccountCount(user), 'PoloniexAccountCount', { user }, delta, now, capped ? { max: MAX_POLONIEX_ACCOUNTS, onFull: () => fail('too_many_poloniex_accounts', `a user can keep at most ${MAX_POLONIEX_ACCOUNTS} Poloniex addresses`, { max: MAX_POLONIEX_ACCOUNTS }) } : undefined);

class AccountExistsError extends Error {}

export const poloniexAccountsRepo = {
  /** Newest first, as the contract lists them. */
  async list(user: string): Promise<PoloniexAccount[]> {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.poloniexAccountCount(user).PK, ':sk': keys.poloniexAccountPrefix },
      ConsistentRead: true,
    });
    return items.map(accountFrom).sort((x, y) => y.createdAt.localeCompare(x.createdAt) || x.id.localeCompare(y.id));
  },

  /** One of the user's addresses (another user's id is none of theirs). */
  async get(user: string, id: string): Promise<PoloniexAccount | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.poloniexAccount(user, id), ConsistentRead: true }));
    return out.Item ? accountFrom(out.Item) : undefined;
  },

  /** Adds the address (true), or updates the description of the one the user has (false). */
  async add(user: string, address: string, description: string, now: string): Promise<{ id: string; created: boolean }> {
    const id = poloniexAccountId(user, address);
    try {
      await transactWrite([
        // First: an address the user has is an update, even when the count is full.
        { item: putNew({ ...keys.poloniexAccount(user, id), type: 'PoloniexAccount', user, id, address, description, createdAt: now, updatedAt: now }), onConditionFailed: () => new AccountExistsError() },
        countItem(user, 1, now, true),
      ]);
      return { id, created: true };
    } catch (err) {
      if (!(err instanceof AccountExistsError)) throw err;
      await poloniexAccountsRepo.describe(user, id, description, now);
      return { id, created: false };
    }
  },

  /** Sets the description of one of the user's addresses (poloniex_account_not_found otherwise). */
  async describe(user: string, id: string, description: string, now: string): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.poloniexAccount(user, id),
          UpdateExpression: 'SET description = :d, updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':d': description, ':now': now },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw notFound(id);
      throw err;
    }
  },

  /** The transaction item marking a transfer asked for to the address as its latest (the address must still be the user's). */
  transferAskedItem(user: string, id: string, uuid: string, now: string): GuardedItem {
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.poloniexAccount(user, id),
          UpdateExpression: 'SET lastTransferUuid = :uuid, updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':now': now, ':uuid': uuid },
        },
      },
      onConditionFailed: () => notFound(id),
    };
  },

  /** Removes all the addresses named, or none (poloniex_account_not_found naming the first the user does not have). */
  async remove(user: string, ids: string[], now: string): Promise<void> {
    const unique = [...new Set(ids)];
    await transactWrite([
      ...deleteExisting(unique.map((id) => keys.poloniexAccount(user, id)), (i) => notFound(unique[i]!)),
      countItem(user, -unique.length, now, false),
    ]);
  },
};

/** Addresses as the contract answers them, each with its latest transfer's status (one batch read for all). */
export async function poloniexAccountViews(accounts: PoloniexAccount[]): Promise<PoloniexAccountsAnswer['accounts']> {
  const latest = await exchangeTransfersRepo.getMany(accounts.flatMap((a) => (a.lastTransferUuid ? [a.lastTransferUuid] : [])));
  return accounts.map((a) => {
    const t = a.lastTransferUuid ? latest.get(a.lastTransferUuid) : undefined;
    return { address: a.address, description: a.description, id: a.id, is_new: a.lastTransferUuid === undefined, status: t ? USER_STATUS[t.status] : 'pending', ts: isoSeconds(a.createdAt) };
  });
}

/** The user's addresses as the contract answers them. */
export async function poloniexAccountsView(user: string): Promise<PoloniexAccountsAnswer> {
  return { accounts: await poloniexAccountViews(await poloniexAccountsRepo.list(user)) };
}

export async function addPoloniexAccount(user: string, address: string, description: string | undefined): Promise<PoloniexAccountsAnswer> {
  await poloniexAccountsRepo.add(user, address, description ?? '', new Date().toISOString());
  return poloniexAccountsView(user);
}

export async function updatePoloniexAccount(user: string, id: string, description: string | undefined): Promise<PoloniexAccountsAnswer> {
  await poloniexAccountsRepo.describe(user, id, description ?? '', new Date().toISOString());
  return poloniexAccountsView(user);
}

export async function removePoloniexAccounts(user: string, ids: string[]): Promise<PoloniexAccountsAnswer> {
  await poloniexAccountsRepo.remove(user, ids, new Date().toISOString());
  return poloniexAccountsView(user);
}
