/** Currency rates: the price of one whole cashback token in each purchase currency, as decimal strings. */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';

export type Rates = Record<string, string>;

function ratesFrom(i: StoredItem): Rates {
  const item = fields(i, 'Rates');
  const rates = item.map('rates');
  return Object.fromEntries(Object.keys(item.optMap('rates') ?? {}).map((currency) => [currency, rates.str(currency)]));
}

export const ratesRepo = {
  async get(): Promise<Rates> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.rates() }));
    return out.Item ? ratesFrom(out.Item) : {};
  },

  async put(rates: Rates, now = new Date().toISOString()): Promise<void> {
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.rates(), type: 'Rates', rates, createdAt: now, updatedAt: now } }),
    );
  },
};
