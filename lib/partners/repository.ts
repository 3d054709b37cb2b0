/** Partners of the cashback program. Keys are stored only as SHA-256 hashes (they are 256-bit random). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';

export const PARTNER_STATUSES = ['active', 'disabled'] as const;

export interface Partner {
  name: string;
  keyHash: string;
  status: (typeof PARTNER_STATUSES)[number];
  createdAt: string;
}

function partnerFrom(i: StoredItem): Partner {
  const f = fields(i, `Partner ${i.name}`);
  return { name: f.str('name'), keyHash: f.str('keyHash'), status: f.oneOf('status', PARTNER_STATUSES), createdAt: f.str('createdAt') };
}

export const partnersRepo = {
  async create(partner: Partner): Promise<void> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.partner(partner.name), type: 'Partner', ...partner, updatedAt: partner.createdAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new AlreadyExistsError(`partner ${partner.name} already exists`);
      throw err;
    }
  },

  async getByName(name: string): Promise<Partner | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.partner(name) }));
    return out.Item ? partnerFrom(out.Item) : undefined;
  },

  async updateKeyHash(name: string, keyHash: string): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.partner(name),
        UpdateExpression: 'SET keyHash = :h, updatedAt = :now',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':h': keyHash, ':now': new Date().toISOString() },
      }),
    );
  },
};
