/**
 * Coin prices: the price of one whole token in each currency, as decimal strings, each with the time it was
 * set. Currencies are stored upper case (purchases name them so); the wire names coin currencies lower case.
 */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';

export type Rates = Record<string, string>;

export interface StoredPrices {
  rates: Rates;
  /** When each price was set (ISO timestamp); prices stored before timestamps were kept carry the item's updatedAt. */
  pricedAt: Record<string, string>;
}

function pricesFrom(i: StoredItem): StoredPrices {
  const item = fields(i, 'Rates');
  const rates = item.map('rates');
  const currencies = Object.keys(item.optMap('rates') ?? {});
  const stamps = item.optMap('pricedAt') ? item.map('pricedAt') : undefined;
  const updatedAt = item.str('updatedAt');
  return {
    rates: Object.fromEntries(currencies.map((currency) => [currency, rates.str(currency)])),
    pricedAt: Object.fromEntries(currencies.map((currency) => [currency, stamps?.optStr(currency) ?? updatedAt])),
  };
}

export const ratesRepo = {
  async prices(): Promise<StoredPrices> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.rates() }));
    return out.Item ? pricesFrom(out.Item) : { rates: {}, pricedAt: {} };
  },

  async put(prices: StoredPrices, now = new Date().toISOString()): Promise<void> {
    await ddb().send(
      new PutCommand({ TableName: tableName(), Item: { ...keys.rates(), type: 'Rates', rates: prices.rates, pricedAt: prices.pricedAt, createdAt: now, updatedAt: now } }),
    );
  },
};
