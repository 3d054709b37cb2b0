/** Partners of the cashback program. Keys are stored only as SHA-256 hashes (they are 256-bit random). */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { Network } from '../db/keys.js';
import { updateOf } from '../db/update.js';

export const PARTNER_STATUSES = ['active', 'disabled'] as const;

export interface Partner {
  name: string;
  keyHash: string;
  status: (typeof PARTNER_STATUSES)[number];
  createdAt: string;
  /** Overrides of the configured limits on what the partner may take from the distribution fund (token units). */
  maxFundPerPurchase?: bigint;
  maxFundPerDay?: bigint;
}

/** A limit override to store, or null to fall back to the configured default again. */
export type FundLimitChanges = { maxFundPerPurchase?: bigint | null; maxFundPerDay?: bigint | null };

function partnerFrom(i: StoredItem): Partner {
  const f = fields(i, `Partner ${i.name}`);
  return {
    name: f.str('name'),
    keyHash: f.str('keyHash'),
    status: f.oneOf('status', PARTNER_STATUSES),
    createdAt: f.str('createdAt'),
    maxFundPerPurchase: f.optMoney('maxFundPerPurchase'),
    maxFundPerDay: f.optMoney('maxFundPerDay'),
  };
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

  /** Sets (or with null removes) the partner's fund limit overrides; the partner as stored afterwards. */
  async updateFundLimits(name: string, changes: FundLimitChanges): Promise<Partner> {
    // A limit left out stays as it is; only a null one goes.
    const remove = (['maxFundPerPurchase', 'maxFundPerDay'] as const).filter((k) => changes[k] === null);
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.partner(name),
          ...updateOf({ updatedAt: new Date().toISOString(), maxFundPerPurchase: changes.maxFundPerPurchase ?? undefined, maxFundPerDay: changes.maxFundPerDay ?? undefined }, { remove }),
          ConditionExpression: 'attribute_exists(PK)',
          ReturnValues: 'ALL_NEW',
        }),
      );
      return partnerFrom(out.Attributes ?? {});
    } catch (err) {
      if (isConditionFailed(err)) throw new Error(`no partner named ${name}`);
      throw err;
    }
  },
};

/** The partner's daily fund budget items (`budgetTake` counters, `n` = token units taken that UTC day). */
export const partnerFundBudgetsRepo = {
  /** What the partner's purchases took from the network's fund on that day (0 when nothing). */
  async taken(network: Network, partner: string, day: string): Promise<bigint> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.partnerFundBudget(network, partner, day), ConsistentRead: true }));
    return out.Item ? fields(out.Item, `Budget ${partner} ${day}`).money('n') : 0n;
  },

  /**
   * Marks the day's budget as alerted, once: the amount taken at that moment, or undefined when another
   * purchase marked it first.
   */
  async markAlerted(network: Network, partner: string, day: string, at: string): Promise<bigint | undefined> {
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.partnerFundBudget(network, partner, day),
          UpdateExpression: 'SET alertedAt = :at',
          ConditionExpression: 'attribute_exists(n) AND attribute_not_exists(alertedAt)',
          ExpressionAttributeValues: { ':at': at },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return fields(out.Attributes ?? {}, `Budget ${partner} ${day}`).money('n');
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  },
};
