/**
 * Billing items: the operator's plans document (one item, the document as JSON text so its numbers come back
 * exactly as written), promo codes (listed through GSI1) and their redemptions (one per participant and code).
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb, queryAll, tableName, unmarshallRaw } from '../db/client.js';
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

/** The card saved for an account, as the provider described it (never its number). */
export interface AccountCard {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  /** The card holder's name and billing address when known (null otherwise). */
  name: string | null;
  addressLine1: string | null;
  addressLine2: string | null;
  addressCity: string | null;
  addressState: string | null;
  addressZip: string | null;
  addressCountry: string | null;
}

/**
 * A participant's billing account. `plan` is absent until billing is activated (the participant is on its
 * trial, then on nothing chosen); dates of the paid period and the contract are UTC days (YYYY-MM-DD).
 */
export interface BillingAccount {
  participant: string;
  plan?: string;
  trialFrom: string;
  trialTo: string;
  paidFrom?: string;
  paidTo?: string;
  contractFrom?: string;
  contractTo?: string;
  /** Weeks the participant committed to the plan when it was chosen. */
  commitmentWeeks?: number;
  terminated: boolean;
  card?: AccountCard;
  /** The user (ticket `sub`) who set the card. */
  cardSetBy?: string;
  /** The user (ticket `sub`) who activated billing. */
  activatedBy?: string;
  stripeCustomerId?: string;
  notificationEmails: string[];
  /** Incremented by every write: a write names the version it read, so concurrent writes cannot lose each other. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

const optNullStr = (item: ReturnType<typeof fields>, name: string): string | null => item.optStr(name) ?? null;

function cardFrom(i: Record<string, unknown>): AccountCard {
  const card = fields(i, 'BillingAccount card');
  return {
    id: card.str('id'),
    brand: card.str('brand'),
    last4: card.str('last4'),
    expMonth: card.int('expMonth'),
    expYear: card.int('expYear'),
    name: optNullStr(card, 'name'),
    addressLine1: optNullStr(card, 'addressLine1'),
    addressLine2: optNullStr(card, 'addressLine2'),
    addressCity: optNullStr(card, 'addressCity'),
    addressState: optNullStr(card, 'addressState'),
    addressZip: optNullStr(card, 'addressZip'),
    addressCountry: optNullStr(card, 'addressCountry'),
  };
}

export function accountFrom(i: StoredItem): BillingAccount {
  const item = fields(i, `BillingAccount ${String(i.participant)}`);
  const card = item.optMap('card');
  const account: BillingAccount = {
    participant: item.str('participant'),
    trialFrom: item.str('trialFrom'),
    trialTo: item.str('trialTo'),
    terminated: item.flag('terminated'),
    notificationEmails: item.strList('notificationEmails'),
    version: item.int('version'),
    createdAt: item.str('createdAt'),
    updatedAt: item.str('updatedAt'),
  };
  const optional = {
    plan: item.optStr('plan'),
    paidFrom: item.optStr('paidFrom'),
    paidTo: item.optStr('paidTo'),
    contractFrom: item.optStr('contractFrom'),
    contractTo: item.optStr('contractTo'),
    commitmentWeeks: item.optInt('commitmentWeeks'),
    card: card ? cardFrom(card) : undefined,
    cardSetBy: item.optStr('cardSetBy'),
    activatedBy: item.optStr('activatedBy'),
    stripeCustomerId: item.optStr('stripeCustomerId'),
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) (account as unknown as Record<string, unknown>)[name] = value;
  return account;
}

/** The stored item of an account (absent optional fields are left out, nulls of the card kept out too). */
function accountItem(account: BillingAccount): Record<string, unknown> {
  const { card, ...rest } = account;
  const item: Record<string, unknown> = { ...keys.billingAccount(account.participant), type: 'BillingAccount' };
  for (const [name, value] of Object.entries(rest)) if (value !== undefined) item[name] = value;
  if (card) item.card = Object.fromEntries(Object.entries(card).filter(([, v]) => v !== null));
  return item;
}

/** Another write changed the account since it was read. */
export class AccountChangedError extends Error {
  override name = 'AccountChangedError';
}

export const accountsRepo = {
  async get(participant: string): Promise<BillingAccount | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.billingAccount(participant), ConsistentRead: true }));
    return out.Item ? accountFrom(out.Item) : undefined;
  },

  /** Creates the account unless one exists; answers the account in force (this one or the existing one). */
  async createIfAbsent(account: BillingAccount): Promise<BillingAccount> {
    try {
      await ddb().send(
        new PutCommand({ TableName: tableName(), Item: accountItem(account), ConditionExpression: 'attribute_not_exists(PK)', ReturnValuesOnConditionCheckFailure: 'ALL_OLD' }),
      );
      return account;
    } catch (err) {
      if (!(err instanceof ConditionalCheckFailedException)) throw err;
      // The existing item comes back in the low-level attribute format.
      const current = unmarshallRaw((err as { Item?: Record<string, unknown> }).Item);
      return current ? accountFrom(current) : (await accountsRepo.get(account.participant))!;
    }
  },

  /**
   * Writes the account as changed from the version it was read at (`account.version`): the stored version
   * must still be that one. Answers the written account (its version incremented, `updatedAt` = now).
   */
  async replace(account: BillingAccount, now = new Date().toISOString()): Promise<BillingAccount> {
    const next = { ...account, version: account.version + 1, updatedAt: now };
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: accountItem(next),
          ConditionExpression: 'attribute_exists(PK) AND version = :read',
          ExpressionAttributeValues: { ':read': account.version },
        }),
      );
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw new AccountChangedError(`the billing account of ${account.participant} changed since version ${account.version}`);
      throw err;
    }
    return next;
  },
};
