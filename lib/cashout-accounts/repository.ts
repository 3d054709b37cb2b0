/**
 * Users' bank cash-out accounts: one item per account under the user's key (so every read and write is the
 * caller's own) with the account number sealed by the card vault, and a per-user count item taken in the same
 * transaction as each creation and removal, so the cap holds however many requests run at once.
 */
import { updateOf } from '../db/update.js';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { envelopeFrom } from '../cashout/repository.js';
import { ddb, queryAll, tableName } from '../db/client.js';
import { collectionCountItem } from '../db/counters.js';
import { isConditionFailed } from '../db/errors.js';
import { fields, type Fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { deleteExisting, putNew, transactWrite, type GuardedItem } from '../db/transact.js';
import type { Envelope } from '../security/card-vault.js';
import { fail } from './failures.js';

/** The bank details as stored: the number only sealed (and its last 3 digits, for logs and support). */
export interface StoredCashoutAccount {
  id: string;
  country: string;
  city?: string;
  bank: string;
  name: string;
  bsb: string;
  accountNumber: Envelope;
  accountLast3: string;
  postcode?: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
}

export type CashoutAccountFields = Omit<StoredCashoutAccount, 'id' | 'createdAt' | 'updatedAt'>;
/** An account's details with its id (the number sealed): what a cash-out transfer keeps of the account it pays. */
export type CashoutAccountDetails = Omit<StoredCashoutAccount, 'createdAt' | 'updatedAt'>;

const OPTIONAL = ['city', 'postcode', 'description'] as const;

/** The details of an account item, or of the copy a transfer keeps (absent optional fields left out). */
export function accountDetailsFrom(f: Fields, what: string): CashoutAccountDetails {
  const details: CashoutAccountDetails = {
    id: f.str('id'),
    country: f.str('country'),
    bank: f.str('bank'),
    name: f.str('name'),
    bsb: f.str('bsb'),
    accountNumber: envelopeFrom(f, 'accountNumber', what),
    accountLast3: f.str('accountLast3'),
  };
  for (const name of OPTIONAL) {
    const value = f.optStr(name);
    if (value !== undefined) details[name] = value;
  }
  return details;
}

function accountFrom(i: StoredItem): StoredCashoutAccount {
  const what = `CashoutAccount ${i.user} ${i.id}`;
  const f = fields(i, what);
  return { ...accountDetailsFrom(f, what), createdAt: f.str('createdAt'), updatedAt: f.str('updatedAt') };
}

const notFound = (id: string) => fail('cashout_account_not_found', `no cash-out account ${id}`, { id });

/** Adds `delta` to the user's account count; an increase only while the count stays within `max`. */
const countItem = (user: string, delta: number, now: string, max?: number): GuardedItem =>
  collectionCountItem(keys.cashoutAccountCount(user), 'CashoutAccountCount', { user }, delta, now, max === undefined ? undefined : { max, onFull: () => fail('too_many_cashout_accounts', `a user can keep at most ${max} cash-out accounts`, { max }) });


export const cashoutAccountsRepo = {
  /** A new account and the count that bounds them, in one transaction: refused (too_many_cashout_accounts) at `max`. */
  async create(user: string, id: string, a: CashoutAccountFields, now: string, max: number): Promise<void> {
    await transactWrite([
      countItem(user, 1, now, max),
      { item: putNew({ ...keys.cashoutAccount(user, id), type: 'CashoutAccount', user, id, ...a, createdAt: now, updatedAt: now }) },
    ]);
  },

  /** Newest first (as the contract lists "My second account" before "My primary account"). */
  async list(user: string): Promise<StoredCashoutAccount[]> {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)',
      ExpressionAttributeValues: { ':pk': keys.cashoutAccountCount(user).PK, ':sk': keys.cashoutAccountPrefix },
      ConsistentRead: true,
    });
    return items.map(accountFrom).sort((x, y) => y.createdAt.localeCompare(x.createdAt) || x.id.localeCompare(y.id));
  },

  /** One of the user's accounts (another user's id is no account of this user's). */
  async get(user: string, id: string): Promise<StoredCashoutAccount | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutAccount(user, id), ConsistentRead: true }));
    return out.Item ? accountFrom(out.Item) : undefined;
  },

  /** Replaces the bank details of one of the user's accounts (cashout_account_not_found when the user has none with this id). */
  async update(user: string, id: string, a: CashoutAccountFields, now: string): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.cashoutAccount(user, id),
          ...updateOf({ ...a, updatedAt: now }, { remove: OPTIONAL.filter((k) => a[k] === undefined) }),
          ConditionExpression: 'attribute_exists(PK)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw notFound(id);
      throw err;
    }
  },

  /** Removes all the accounts named, or none (cashout_account_not_found naming the first the user does not have). */
  async remove(user: string, ids: string[], now: string): Promise<void> {
    const unique = [...new Set(ids)];
    await transactWrite([
      ...deleteExisting(unique.map((id) => keys.cashoutAccount(user, id)), (i) => notFound(unique[i]!)),
      countItem(user, -unique.length, now),
    ]);
  },
};
