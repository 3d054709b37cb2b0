/**
 * Billing items: the operator's plans document (one item, the document as JSON text so its numbers come back
 * exactly as written), promo codes (listed through GSI1) and their redemptions (one per participant and code),
 * participants' billing accounts (in the renewal job's index, GSI1, while they have work for it) and their
 * payments.
 */
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { ddb, queryAll, tableName, unmarshallRaw } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, transactWrite, type GuardedItem } from '../db/transact.js';
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

  /** Gives back the use a redemption for `periodKey` took (its payment failed): transaction items. */
  releaseItems(key: string, participant: string, periodKey: string, now: string): GuardedItem[] {
    return [
      {
        item: {
          Delete: {
            TableName: tableName(),
            Key: keys.promoRedemption(key, participant),
            ConditionExpression: 'periodKey = :period',
            ExpressionAttributeValues: { ':period': periodKey },
          },
        },
      },
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.promoCode(key),
            UpdateExpression: 'SET usesLeft = usesLeft + :one, updatedAt = :now',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':one': 1, ':now': now },
          },
        },
      },
    ];
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
  /** The UTC day the current plan was chosen: its commitment counts from here. */
  planFrom?: string;
  /** What the current paid period's plan part cost (minor units): the base of the unused-part credit on a change. */
  periodCostMinor?: bigint;
  /** Credit carried to the next charges (minor units): unused parts of earlier plans that exceeded a charge. */
  creditMinor?: bigint;
  /** A payment in flight (its key and when it started): no other plan change or renewal starts until it ends. */
  pendingPayment?: { key: string; since: string };
  /** The first day of a period whose renewal was declined: the participant is unpaid since then. */
  unpaidSince?: string;
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
  const pending = item.optMap('pendingPayment');
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
    planFrom: item.optStr('planFrom'),
    periodCostMinor: item.optMoney('periodCostMinor'),
    creditMinor: item.optMoney('creditMinor'),
    pendingPayment: pending ? { key: fields(pending, 'BillingAccount pendingPayment').str('key'), since: fields(pending, 'BillingAccount pendingPayment').str('since') } : undefined,
    unpaidSince: item.optStr('unpaidSince'),
    card: card ? cardFrom(card) : undefined,
    cardSetBy: item.optStr('cardSetBy'),
    activatedBy: item.optStr('activatedBy'),
    stripeCustomerId: item.optStr('stripeCustomerId'),
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) (account as unknown as Record<string, unknown>)[name] = value;
  return account;
}

/** The free plan: the only one that needs no card. */
export const FREE_PLAN = 'basic';
/** Whether the plan is paid for from the card (every plan but the free one). */
export const isPaidPlan = (plan: string | undefined) => plan !== undefined && plan !== FREE_PLAN;

/**
 * Where the account sits in the renewal job's index (GSI1), from its state: a payment in flight, whatever
 * the plan; else a paid plan not declined, by the day its paid period ends; else nowhere.
 */
function renewalIndex(account: BillingAccount): Record<string, string> {
  if (account.pendingPayment) return { GSI1PK: keys.billingAccountsPending(), GSI1SK: account.pendingPayment.since };
  if (isPaidPlan(account.plan) && account.paidTo && !account.unpaidSince) return { GSI1PK: keys.billingAccountsRenewing(), GSI1SK: account.paidTo };
  return {};
}

/** The stored item of an account (absent optional fields are left out, nulls of the card kept out too). */
function accountItem(account: BillingAccount): Record<string, unknown> {
  const { card, ...rest } = account;
  const item: Record<string, unknown> = { ...keys.billingAccount(account.participant), ...renewalIndex(account), type: 'BillingAccount' };
  for (const [name, value] of Object.entries(rest)) if (value !== undefined) item[name] = value;
  if (card) item.card = Object.fromEntries(Object.entries(card).filter(([, v]) => v !== null));
  return item;
}

/** Another write changed the account since it was read. */
export class AccountChangedError extends Error {
  override name = 'AccountChangedError';
}

/** The account written as changed from the version it was read at (`account.version`): the stored version must still be that one. */
function accountReplaceItem(account: BillingAccount, now: string): GuardedItem {
  return {
    item: {
      Put: {
        TableName: tableName(),
        Item: accountItem({ ...account, version: account.version + 1, updatedAt: now }),
        ConditionExpression: 'attribute_exists(PK) AND version = :read',
        ExpressionAttributeValues: { ':read': account.version },
      },
    },
    onConditionFailed: () => new AccountChangedError(`the billing account of ${account.participant} changed since version ${account.version}`),
  };
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
    const { item, onConditionFailed } = accountReplaceItem(account, now);
    try {
      await ddb().send(new PutCommand(item.Put!));
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException) throw onConditionFailed!();
      throw err;
    }
    return { ...account, version: account.version + 1, updatedAt: now };
  },
};

export const PAYMENT_STATUSES = ['charging', 'paid', 'failed'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/** The card a payment was charged to, as it was then. */
export type PaymentCard = Pick<AccountCard, 'id' | 'brand' | 'last4' | 'expMonth' | 'expYear' | 'name'>;

/**
 * One payment of a participant's plan: a plan change (`change:<id>`) or a renewal (`renewal:<first day of the
 * period>`). Written `charging` with the account's `pendingPayment` in one transaction, then settled `paid` or
 * `failed` with the account in another; the card is charged in between with an idempotency key from `key`.
 */
export interface BillingPayment {
  participant: string;
  key: string;
  kind: 'change' | 'renewal';
  status: PaymentStatus;
  /** The plan of the period paid for (for a contract's end, the plan that ended). */
  plan: string;
  /** The period bought (absent when none is: a contract's end). */
  periodFrom?: string;
  periodTo?: string;
  currency: string;
  rows: { amountMinor: bigint; description: string }[];
  /** What the card is charged (0: nothing to charge). */
  amountMinor: bigint;
  creditLeftMinor: bigint;
  /** What the plan part cost: the base of a later unused-part credit. */
  planCostMinor: bigint;
  commitmentWeeks: number;
  promoCode?: string;
  promoDays?: number;
  card?: PaymentCard;
  /** The user whose request made it (absent for renewals). */
  requestedBy?: string;
  chargeId?: string;
  /** Why it failed, in words fit for the participant. */
  reason?: string;
  declineCode?: string;
  /** Where its receipt or failure notice goes (the account's notification emails when it settled). */
  notify?: string[];
  createdAt: string;
  updatedAt: string;
}

/** What a payment keeps of the card it charged. */
export function paymentCardOf(card: AccountCard): PaymentCard {
  const { id, brand, last4, expMonth, expYear, name } = card;
  return { id, brand, last4, expMonth, expYear, name };
}

const paymentCardFrom = (i: Record<string, unknown>): PaymentCard => paymentCardOf(cardFrom(i));

export function paymentFrom(i: StoredItem): BillingPayment {
  const item = fields(i, `BillingPayment ${String(i.participant)} ${String(i.key)}`);
  const card = item.optMap('card');
  const payment: BillingPayment = {
    participant: item.str('participant'),
    key: item.str('key'),
    kind: item.oneOf('kind', ['change', 'renewal'] as const),
    status: item.oneOf('status', PAYMENT_STATUSES),
    plan: item.str('plan'),
    currency: item.str('currency'),
    rows: item.list('rows', (r) => ({ amountMinor: r.money('amountMinor'), description: r.str('description') })),
    amountMinor: item.money('amountMinor'),
    creditLeftMinor: item.money('creditLeftMinor'),
    planCostMinor: item.money('planCostMinor'),
    commitmentWeeks: item.int('commitmentWeeks'),
    createdAt: item.str('createdAt'),
    updatedAt: item.str('updatedAt'),
  };
  const optional = {
    periodFrom: item.optStr('periodFrom'),
    periodTo: item.optStr('periodTo'),
    promoCode: item.optStr('promoCode'),
    promoDays: item.optInt('promoDays'),
    card: card ? paymentCardFrom(card) : undefined,
    requestedBy: item.optStr('requestedBy'),
    chargeId: item.optStr('chargeId'),
    reason: item.optStr('reason'),
    declineCode: item.optStr('declineCode'),
    notify: i.notify === undefined ? undefined : item.strList('notify'),
  };
  for (const [name, value] of Object.entries(optional)) if (value !== undefined) (payment as unknown as Record<string, unknown>)[name] = value;
  return payment;
}

/** The payment was settled (or started) by another writer. */
export class PaymentChangedError extends Error {
  override name = 'PaymentChangedError';
}

export const paymentsRepo = {
  async get(participant: string, key: string): Promise<BillingPayment | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.billingPayment(participant, key), ConsistentRead: true }));
    return out.Item ? paymentFrom(out.Item) : undefined;
  },

  /** Every payment of the participant (a participant makes about one a month), in no particular order. */
  async list(participant: string): Promise<BillingPayment[]> {
    const { PK } = keys.billingPayment(participant, '');
    const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :prefix)', ExpressionAttributeValues: { ':pk': PK, ':prefix': keys.billingPaymentsPrefix() }, ConsistentRead: true });
    return items.map(paymentFrom);
  },

  /** A new payment, in the transaction that marks the account's payment in flight. */
  startItem(payment: BillingPayment): GuardedItem {
    return {
      item: putNew({ ...keys.billingPayment(payment.participant, payment.key), type: 'BillingPayment', ...payment }),
      onConditionFailed: () => new PaymentChangedError(`payment ${payment.key} of ${payment.participant} exists`),
    };
  },

  /** Settles a charging payment (`paid` or `failed` with what came of the charge). */
  settleItem(payment: BillingPayment, now: string): GuardedItem {
    const item: Record<string, unknown> = { ...keys.billingPayment(payment.participant, payment.key), type: 'BillingPayment', ...payment, updatedAt: now };
    return {
      item: { Put: { TableName: tableName(), Item: item, ConditionExpression: '#status = :charging', ExpressionAttributeNames: { '#status': 'status' }, ExpressionAttributeValues: { ':charging': 'charging' } } },
      onConditionFailed: () => new PaymentChangedError(`payment ${payment.key} of ${payment.participant} is settled`),
    };
  },

  /** The account written as changed from the version read, as a transaction item. */
  accountItem: (account: BillingAccount, now: string) => accountReplaceItem(account, now),

  /** Accounts in the renewal job's index: payments in flight since before `before`, or paid periods ending by `day`. */
  async pendingSince(before: string): Promise<string[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK < :before', ExpressionAttributeValues: { ':pk': keys.billingAccountsPending(), ':before': before } });
    return items.map((i) => fields(i, 'BillingAccount').str('participant'));
  },
  async renewingBy(day: string): Promise<string[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk AND GSI1SK <= :day', ExpressionAttributeValues: { ':pk': keys.billingAccountsRenewing(), ':day': day } });
    return items.map((i) => fields(i, 'BillingAccount').str('participant'));
  },
};
