/** Partners of the cashback program. Keys are stored only as SHA-256 hashes (they are 256-bit random). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../db/errors.js';
import { keys } from '../db/keys.js';

export interface Partner {
  name: string;
  keyHash: string;
  status: 'active' | 'disabled';
  createdAt: string;
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
    if (!out.Item) return undefined;
    const { keyHash, status, createdAt } = out.Item as Record<string, string>;
    return { name, keyHash: keyHash!, status: status as Partner['status'], createdAt: createdAt! };
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
