/**
 * Billing items: the operator's plans document (one item, the document as JSON text so its numbers come back
 * exactly as written), promo codes (listed through GSI1) and their redemptions (one per participant and code).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb, queryAll, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, transactWrite } from '../db/transact.js';
import { plansDocumentSchema, type PlansDocument } from './schema.js';

export interface StoredPlansDocument {
  document: PlansDocument;
  updatedAt: string;
  updatedBy: string;
}

function plansFrom(i: StoredItem): StoredPlansDocument {
  const item = fields(i, 'BillingPlans');
  return { document: plansDocumentSchema.parse(JSON.parse(item.str('document'))), updatedAt: item.str('updatedAt'), updatedBy: item.str('updatedBy') };
}

export const plansRepo = {
  async get(): Promise<StoredPlansDocument | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.billingPlans(), ConsistentRead: true }));
    return out.Item ? plansFrom(out.Item) : undefined;
  },

  /** Replaces the document; `createdAt` stays the first one's. */
  async put(document: PlansDocument, updatedBy: string, now = new Date().toISOString()): Promise<StoredPlansDocument> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.billingPlans(),
        UpdateExpression: 'SET #type = :type, #document = :document, updatedBy = :by, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#type': 'type', '#document': 'document' },
        ExpressionAttributeValues: { ':type': 'BillingPlans', ':document': JSON.stringify(document), ':by': updatedBy, ':now': now },
      }),
    );
    return { document, updatedAt: now, updatedBy };
  },
};

export interface PromoCode {
  /** As the operator wrote it (the key is its lower-case form). */
  code: string;
  daysValue: number;
  usesTotal: number;
  usesLeft: number;
  /** The last UTC day it can be used. */
  expiresOn: string;
  /** The instant it stops being usable: the day after `expiresOn`, 00:00 UTC. */
  validUntil: string;
  disabled: boolean;
  createdAt: string;
  updatedAt: string;
}

export function promoFrom(i: StoredItem): PromoCode {
  const item = fields(i, `PromoCode ${String(i.code)}`);
  return {
    code: item.str('code'),
    daysValue: item.int('daysValue'),
    usesTotal: item.int('usesTotal'),
    usesLeft: item.int('usesLeft'),
    expiresOn: item.str('expiresOn'),
    validUntil: item.str('validUntil'),
    disabled: item.flag('disabled'),
    createdAt: item.str('createdAt'),
    updatedAt: item.str('updatedAt'),
  };
}

export interface PromoRedemption {
  code: string;
  participant: string;
  periodKey: string;
  daysValue: number;
  createdAt: string;
}

function redemptionFrom(i: StoredItem): PromoRedemption {
  const item = fields(i, `PromoRedemption ${String(i.code)}`);
  return { code: item.str('code'), participant: item.str('participant'), periodKey: item.str('periodKey'), daysValue: item.int('daysValue'), createdAt: item.str('createdAt') };
}

export class PromoCodeExistsError extends Error {
  override name = 'PromoCodeExistsError';
}

/** Why a redemption was refused, with the items as they were. */
export class RedemptionRefused extends Error {
  override name = 'RedemptionRefused';
  constructor(
    readonly reason: 'promo' | 'redeemed',
    readonly promo?: PromoCode,
    readonly redemption?: PromoRedemption,
  ) {
    super(reason === 'promo' ? 'the promo code is not usable' : 'the participant already redeemed this code');
  }
}

export const promoCodesRepo = {
  /** The code by its lower-case key. */
  async get(key: string): Promise<PromoCode | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.promoCode(key), ConsistentRead: true }));
    return out.Item ? promoFrom(out.Item) : undefined;
  },

  async create(key: string, promo: Omit<PromoCode, 'usesLeft' | 'disabled' | 'createdAt' | 'updatedAt'>, now = new Date().toISOString()): Promise<PromoCode> {
    const item = { ...keys.promoCode(key), ...keys.promoCodeInList(key), type: 'PromoCode', ...promo, usesLeft: promo.usesTotal, disabled: false, createdAt: now, updatedAt: now };
    try {
      await ddb().send(new PutCommand({ TableName: tableName(), Item: item, ConditionExpression: 'attribute_not_exists(PK)' }));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new PromoCodeExistsError(`promo code ${promo.code} exists (codes match whatever their letter case)`);
      throw err;
    }
    return promoFrom(item);
  },

  async list(): Promise<PromoCode[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.promoCodes() } });
    return items.map(promoFrom);
  },

  /** Disables the code (for good); undefined when there is no such code. */
  async disable(key: string, now = new Date().toISOString()): Promise<PromoCode | undefined> {
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.promoCode(key),
          UpdateExpression: 'SET disabled = :true, updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK)',
          ExpressionAttributeValues: { ':true': true, ':now': now },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return promoFrom(out.Attributes!);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) return undefined;
      throw err;
    }
  },

  async redemption(key: string, participant: string): Promise<PromoRedemption | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.promoRedemption(key, participant), ConsistentRead: true }));
    return out.Item ? redemptionFrom(out.Item) : undefined;
  },

  /**
   * Takes one use of the code for the participant, in one transaction: the redemption is new (a participant
   * redeems a code once) and the code has uses left, is not disabled and has not expired at `now`. A refusal
   * is a RedemptionRefused carrying the item whose condition failed, as it was.
   */
  async redeem(key: string, participant: string, periodKey: string, daysValue: number, now: string): Promise<void> {
    const redemption = { ...keys.promoRedemption(key, participant), type: 'PromoRedemption', code: key, participant, periodKey, daysValue, createdAt: now, updatedAt: now };
    await transactWrite([
      {
        // First: a repeated redemption is told apart before the code's state.
        item: { Put: { ...putNew(redemption).Put, ReturnValuesOnConditionCheckFailure: 'ALL_OLD' } },
        onConditionFailed: (current) => new RedemptionRefused('redeemed', undefined, current ? redemptionFrom(current) : undefined),
      },
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.promoCode(key),
            UpdateExpression: 'SET usesLeft = usesLeft - :one, updatedAt = :now',
            ConditionExpression: 'attribute_exists(PK) AND usesLeft > :zero AND validUntil > :now AND disabled = :false',
            ExpressionAttributeValues: { ':one': 1, ':zero': 0, ':now': now, ':false': false },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        onConditionFailed: (current) => new RedemptionRefused('promo', current ? promoFrom(current) : undefined),
      },
    ]);
  },
};
