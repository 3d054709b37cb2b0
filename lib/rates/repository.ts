/** Currency rates: the price of one whole cashback token in each purchase currency, as decimal strings. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { keys } from '../db/keys.js';

export type Rates = Record<string, string>;

export const ratesRepo = {
  async get(): Promise<Rates> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.rates() }));
    return (out.Item?.rates as Rates | undefined) ?? {};
  },

  async put(rates: Rates, now = new Date().toISOString()): Promise<void> {
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.rates(), type: 'Rates', rates, createdAt: now, updatedAt: now } }),
    );
  },
};
