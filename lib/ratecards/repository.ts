/** Rate cards as stored: one item per card (the default card, or a participant's), with who changed it last. */
import { updateOf } from '../db/update.js';
import { DeleteCommand, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { fields, type Fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { RateCardSettings } from './catalogue.js';

export interface StoredRateCard {
  /** 'default' or a participant urn. */
  owner: string;
  settings: RateCardSettings;
  createdAt: string;
  updatedAt: string;
  /** The ticket subject that set it last. */
  updatedBy: string;
}

const optMapOf = (item: Fields, name: string) => (item.optMap(name) ? item.map(name) : undefined);

function cardFrom(i: StoredItem): StoredRateCard {
  const item = fields(i, `RateCard ${String(i.owner)}`);
  const budget = optMapOf(item, 'budget');
  const rewards = item.map('userRewards');
  const settings: RateCardSettings = {
    billable: item.bool('billable'),
    items: item.list('items', (e) => ({ id: e.str('id'), value: e.str('value') })),
    userRewards: {
      ...(rewards.optStr('percents') !== undefined ? { percents: rewards.str('percents') } : {}),
      ...(rewards.optStr('value') !== undefined ? { value: rewards.str('value') } : {}),
      ...(rewards.optMoney('coins') !== undefined ? { coins: rewards.money('coins') } : {}),
    },
  };
  const gst = item.optInt('gst');
  if (gst !== undefined) settings.gst = gst;
  if (budget) {
    settings.budget = {};
    for (const period of ['day', 'week', 'month'] as const) {
      const v = budget.optStr(period);
      if (v !== undefined) settings.budget[period] = v;
    }
  }
  return { owner: item.str('owner'), settings, createdAt: item.str('createdAt'), updatedAt: item.str('updatedAt'), updatedBy: item.str('updatedBy') };
}

export const rateCardsRepo = {
  async get(owner: string): Promise<StoredRateCard | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.rateCard(owner), ConsistentRead: true }));
    return out.Item ? cardFrom(out.Item) : undefined;
  },

  /** Creates or replaces a card, keeping when it was first created. */
  async put(owner: string, settings: RateCardSettings, by: string, now = new Date().toISOString()): Promise<StoredRateCard> {
    const s = settings;
    // One write: the first card's createdAt is kept by the update itself, optional settings left out are removed.
    const set: Record<string, unknown> = { type: 'RateCard', owner, billable: s.billable, items: s.items, userRewards: s.userRewards, updatedAt: now, updatedBy: by };
    if (s.gst !== undefined) set.gst = s.gst;
    if (s.budget) set.budget = s.budget;
    const remove = ['gst', 'budget'].filter((name) => !(name in set));
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.rateCard(owner),
        ...updateOf(set, { remove, keep: { createdAt: now } }),
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return { owner, settings, createdAt: String(out.Attributes?.createdAt ?? now), updatedAt: now, updatedBy: by };
  },

  /** False when there was no such card. */
  async delete(owner: string): Promise<boolean> {
    try {
      await ddb().send(new DeleteCommand({ TableName: tableName(), Key: keys.rateCard(owner), ConditionExpression: 'attribute_exists(PK)' }));
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return false;
      throw err;
    }
  },
};
