/** Cashback cards of an app: settings, with amounts in minor units of the card's currency (DynamoDB numbers). */
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../../db/client.js';
import { fields, type StoredItem } from '../../db/item.js';
import * as keys from '../../db/keys.js';

export interface Card {
  id: number;
  appId: string;
  uniqueIdentifier: string;
  name: string;
  description: string;
  currency: string;
  /** Decimal text, e.g. "5" or "2.5". */
  cashbackPercentage: string;
  /** Purchases below this earn nothing (minor units). */
  minAmount: bigint;
  /** Cap per earning (minor units); none when undefined. */
  maxAmount?: bigint;
  allowsPinRedemption: boolean;
  /** Redemption must carry the member's PIN. */
  pinRequired: boolean;
  createdAt: string;
  updatedAt: string;
}

function cardFromItem(item: StoredItem, what: string): Card {
  const f = fields(item, what);
  return {
    id: f.int('id'),
    appId: f.str('appId'),
    uniqueIdentifier: f.str('uniqueIdentifier'),
    name: f.str('name'),
    description: f.optStr('description') ?? '',
    currency: f.str('currency'),
    cashbackPercentage: f.str('cashbackPercentage'),
    minAmount: f.optMoney('minAmount') ?? 0n,
    maxAmount: f.optMoney('maxAmount'),
    allowsPinRedemption: f.flag('allowsPinRedemption'),
    pinRequired: f.flag('pinRequired'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

/** Writes the whole card: new (`attribute_not_exists`) or replacing one (`attribute_exists`). */
async function save(card: Card, condition: string): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: tableName(),
      Item: { ...keys.card(card.id), ...keys.cardInApp(card.appId, card.id), type: 'Card', ...card },
      ConditionExpression: condition,
    }),
  );
}

export const cardsRepo = {
  create: (card: Card) => save(card, 'attribute_not_exists(PK)'),

  update: (card: Card) => save(card, 'attribute_exists(PK)'),

  async get(id: number): Promise<Card | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.card(id) }));
    return out.Item ? cardFromItem(out.Item, `Card ${id}`) : undefined;
  },

  async listByApp(appId: string): Promise<Card[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.cardsOfApp(appId) } });
    return items.map((item) => cardFromItem(item, `a card of app ${appId}`));
  },
};
