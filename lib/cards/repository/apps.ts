/** Loyalty apps of the cards API and their API keys (stored hashed, each with scopes). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../../db/errors.js';
import { fields, type StoredItem } from '../../db/item.js';
import * as keys from '../../db/keys.js';

export const SCOPES = ['cashback_read', 'cashback_write', 'card_read'] as const;
export type Scope = (typeof SCOPES)[number];

const isScope = (s: string): s is Scope => (SCOPES as readonly string[]).includes(s);

export interface AppKey {
  keyId: string;
  hash: string;
  scopes: Scope[];
  createdAt: string;
}

export interface App {
  appId: string;
  name: string;
  keys: AppKey[];
  createdAt: string;
}

function appFromItem(item: StoredItem, appId: string): App {
  const f = fields(item, `App ${appId}`);
  return {
    appId,
    name: f.str('name'),
    keys: f.list('keys', (k) => ({
      keyId: k.str('keyId'),
      hash: k.str('hash'),
      // A scope this code no longer knows grants nothing.
      scopes: k.strList('scopes').filter(isScope),
      createdAt: k.str('createdAt'),
    })),
    createdAt: f.str('createdAt'),
  };
}

export const appsRepo = {
  async create(app: App): Promise<void> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.app(app.appId), type: 'App', ...app, updatedAt: app.createdAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new AlreadyExistsError(`app ${app.appId} already exists`);
      throw err;
    }
  },

  async get(appId: string): Promise<App | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.app(appId) }));
    return out.Item ? appFromItem(out.Item, appId) : undefined;
  },

  async addKey(appId: string, key: AppKey): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.app(appId),
        UpdateExpression: 'SET #keys = list_append(#keys, :k), updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeNames: { '#keys': 'keys' },
        ExpressionAttributeValues: { ':k': [key], ':now': key.createdAt },
      }),
    );
  },
};
