/** Cash-out providers: profile with encrypted card data and webhook secrets, API key lookup. */
import { GetCommand, PutCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError, ConditionFailedError, isConditionFailed } from '../db/errors.js';
import { fields, StoredItemError, type Fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, transactWrite } from '../db/transact.js';
import { budgetTake, windowBudget } from '../db/counters.js';
import { updateOf } from '../db/update.js';
import type { Envelope } from '../security/card-vault.js';

export interface CashoutProvider {
  name: string;
  pan: Envelope;
  ipin: Envelope;
  panLast4: string;
  expDate: string;
  endpoint: string;
  webhookSecret: Envelope;
  /** After a rotation the previous secret keeps signing alongside the new one until this time. */
  previousWebhookSecret?: Envelope;
  previousSecretValidUntil?: string;
  apiKeyId: string;
  apiKeyHash: string;
  consentAt: string;
  createdAt: string;
  updatedAt: string;
}

/**
 * The AES-256-GCM envelope (card-vault.ts) in map `name`; a missing one fails on its first field. Version 1
 * is read too: the vault refuses to open it, naming the record, when it is used.
 */
export function envelopeFrom(f: Fields, name: string, of: string): Envelope {
  const what = `${of}: ${name}`;
  const e = f.map(name);
  const v = e.int('v');
  if (v !== 1 && v !== 2) throw new StoredItemError(`${what}: v is not 1 or 2 (${v})`);
  return { v, kek: e.str('kek'), edk: e.optStr('edk'), iv: e.str('iv'), ct: e.str('ct'), tag: e.str('tag') };
}

function providerFrom(i: StoredItem): CashoutProvider {
  const what = `CashoutProvider ${i.name}`;
  const f = fields(i, what);
  return {
    name: f.str('name'),
    pan: envelopeFrom(f, 'pan', what),
    ipin: envelopeFrom(f, 'ipin', what),
    panLast4: f.str('panLast4'),
    expDate: f.str('expDate'),
    endpoint: f.str('endpoint'),
    webhookSecret: envelopeFrom(f, 'webhookSecret', what),
    previousWebhookSecret: f.optMap('previousWebhookSecret') && envelopeFrom(f, 'previousWebhookSecret', what),
    previousSecretValidUntil: f.optStr('previousSecretValidUntil'),
    apiKeyId: f.str('apiKeyId'),
    apiKeyHash: f.str('apiKeyHash'),
    consentAt: f.str('consentAt'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

export class ProviderExistsError extends AlreadyExistsError {
  override name = 'ProviderExistsError';
}

export const cashoutProvidersRepo = {
  /** The provider and its API key lookup, both new, in one transaction. */
  async create(p: CashoutProvider): Promise<void> {
    await transactWrite([
      {
        item: putNew({ ...keys.cashoutProvider(p.name), type: 'CashoutProvider', ...p }),
        onConditionFailed: () => new ProviderExistsError(`a provider named ${p.name} already exists`),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.cashoutKey(p.apiKeyId), type: 'CashoutKey', provider: p.name, createdAt: p.createdAt, updatedAt: p.createdAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
    ]);
  },

  async get(name: string): Promise<CashoutProvider | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutProvider(name), ConsistentRead: true }));
    return out.Item ? providerFrom(out.Item) : undefined;
  },

  async nameByKeyId(keyId: string): Promise<string | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutKey(keyId) }));
    return out.Item ? fields(out.Item, `CashoutKey ${keyId}`).str('provider') : undefined;
  },

  /** Points the provider at a new API key (the lookup item of the old one is left dangling and no longer matches). */
  async addKey(name: string, keyId: string, keyHash: string, now: string): Promise<void> {
    await transactWrite([
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.cashoutProvider(name),
            UpdateExpression: 'SET apiKeyId = :id, apiKeyHash = :h, updatedAt = :now',
            ConditionExpression: 'attribute_exists(PK)',
            ExpressionAttributeValues: { ':id': keyId, ':h': keyHash, ':now': now },
          },
        },
      },
      { item: putNew({ ...keys.cashoutKey(keyId), type: 'CashoutKey', provider: name, createdAt: now, updatedAt: now }) },
    ]);
  },

  async update(name: string, fields: Partial<CashoutProvider>): Promise<CashoutProvider> {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.cashoutProvider(name),
        ...updateOf(fields),
        ConditionExpression: 'attribute_exists(PK)',
        ReturnValues: 'ALL_NEW',
      }),
    );
    return providerFrom(out.Attributes!);
  },
};

export const CLAIM_STATUSES = ['PENDING', 'SUBMITTED', 'PAYING', 'PAID', 'FAILED'] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const PAYMENT_OUTCOMES = ['approved', 'declined', 'unknown'] as const;

export interface PaymentAttempt {
  at: string;
  outcome: (typeof PAYMENT_OUTCOMES)[number];
  code?: number;
  response?: string;
  gatewayReference?: string;
}

export interface Claim {
  uuid: string;
  provider: string;
  /** The provider's own id of the cash-out. */
  providerId: string;
  amount: number;
  status: ClaimStatus;
  claimExpiresAt: string;
  /** Filled by the customer's submission. */
  customer?: { pan: Envelope; panLast4: string; expDate: string; name: string; mobile: string };
  submittedAt?: string;
  /** Our reference at the gateway: the gateway is asked for it before any second payment. */
  paymentReference?: string;
  attempts?: PaymentAttempt[];
  resultCode?: number;
  resultResponse?: string;
  paidAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** A claim item, from the table or from a stream image. `amount` is the provider's integer amount. */
export function claimFrom(i: StoredItem): Claim {
  const what = `Claim ${i.uuid}`;
  const f = fields(i, what);
  const customerMap = f.optMap('customer');
  const c = customerMap && fields(customerMap, `${what}: customer`);
  return {
    uuid: f.str('uuid'),
    provider: f.str('provider'),
    providerId: f.str('providerId'),
    amount: f.int('amount'),
    status: f.oneOf('status', CLAIM_STATUSES),
    claimExpiresAt: f.str('claimExpiresAt'),
    customer: c && {
      pan: envelopeFrom(c, 'pan', `${what}: customer`),
      panLast4: c.str('panLast4'),
      expDate: c.str('expDate'),
      name: c.str('name'),
      mobile: c.str('mobile'),
    },
    submittedAt: f.optStr('submittedAt'),
    paymentReference: f.optStr('paymentReference'),
    attempts: f.list('attempts', (a) => ({
      at: a.str('at'),
      outcome: a.oneOf('outcome', PAYMENT_OUTCOMES),
      code: a.optInt('code'),
      response: a.optStr('response'),
      gatewayReference: a.optStr('gatewayReference'),
    })),
    resultCode: f.optInt('resultCode'),
    resultResponse: f.optStr('resultResponse'),
    paidAt: f.optStr('paidAt'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

function deliveryFrom(i: StoredItem): WebhookDelivery {
  const f = fields(i, `WebhookDelivery ${i.id}`);
  return {
    id: f.str('id'),
    provider: f.str('provider'),
    claimUuid: f.str('claimUuid'),
    body: f.str('body'),
    status: f.oneOf('status', WEBHOOK_STATUSES),
    attempts: f.list('attempts', (a) => ({ at: a.str('at'), status: a.optInt('status'), error: a.optStr('error'), ms: a.int('ms') })),
    nextAttemptAt: f.optStr('nextAttemptAt'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

export class ClaimIdExistsError extends AlreadyExistsError {
  override name = 'ClaimIdExistsError';
}

export class ClaimStateError extends AlreadyExistsError {
  override name = 'ClaimStateError';
}

export const claimsRepo = {
  /** The claim and its provider-id guard, in one transaction. */
  async create(c: Claim): Promise<void> {
    await transactWrite([
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.claimByProviderId(c.provider, c.providerId), type: 'ClaimId', uuid: c.uuid, amount: c.amount, createdAt: c.createdAt, updatedAt: c.createdAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new ClaimIdExistsError(`claim id ${c.providerId} already used`),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.claim(c.uuid), GSI1PK: keys.claimsOfProvider(c.provider), GSI1SK: c.createdAt, type: 'Claim', ...c },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
    ]);
  },

  async byProviderId(provider: string, id: string): Promise<{ uuid: string; amount: number } | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.claimByProviderId(provider, id), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const f = fields(out.Item, `ClaimId ${provider} ${id}`);
    return { uuid: f.str('uuid'), amount: f.int('amount') };
  },

  async get(uuid: string): Promise<Claim | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.claim(uuid), ConsistentRead: true }));
    return out.Item ? claimFrom(out.Item) : undefined;
  },

  /** Moves a claim on only from the status the caller saw (every step of the payment state machine). */
  async transition(uuid: string, from: ClaimStatus, to: ClaimStatus, fields: Partial<Claim> = {}, extraCondition?: { expression: string; values: Record<string, unknown> }): Promise<Claim> {
    const update = updateOf({ ...fields, status: to, updatedAt: new Date().toISOString() });
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.claim(uuid),
          UpdateExpression: update.UpdateExpression,
          ConditionExpression: `#status = :from${extraCondition ? ` AND ${extraCondition.expression}` : ''}`,
          ExpressionAttributeNames: { '#status': 'status', ...update.ExpressionAttributeNames },
          ExpressionAttributeValues: { ':from': from, ...update.ExpressionAttributeValues, ...(extraCondition?.values ?? {}) },
          ReturnValues: 'ALL_NEW',
        }),
      );
      return claimFrom(out.Attributes!);
    } catch (err) {
      if (isConditionFailed(err)) throw new ClaimStateError(`claim ${uuid} is not ${from}`);
      throw err;
    }
  },

  async appendAttempt(uuid: string, attempt: PaymentAttempt): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.claim(uuid),
        UpdateExpression: 'SET attempts = list_append(if_not_exists(attempts, :empty), :a), updatedAt = :now',
        ExpressionAttributeValues: { ':a': [attempt], ':empty': [], ':now': attempt.at },
      }),
    );
  },
};

export const WEBHOOK_STATUSES = ['PENDING', 'DELIVERED', 'FAILED'] as const;
export type WebhookStatus = (typeof WEBHOOK_STATUSES)[number];

export interface WebhookAttempt {
  at: string;
  status?: number;
  error?: string;
  ms: number;
}

export interface WebhookDelivery {
  /** Also the `webhook-id` header: the same for every attempt, so receivers can deduplicate. */
  id: string;
  provider: string;
  claimUuid: string;
  /** The exact body sent on every attempt. */
  body: string;
  status: WebhookStatus;
  attempts: WebhookAttempt[];
  nextAttemptAt?: string;
  createdAt: string;
  updatedAt: string;
}

export const webhooksRepo = {
  /** Creates the delivery once; false when it already exists. */
  async createOnce(d: WebhookDelivery): Promise<boolean> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.webhookDelivery(d.id), GSI1PK: keys.webhooksOfProvider(d.provider), GSI1SK: d.createdAt, type: 'WebhookDelivery', ...d },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },

  async get(id: string): Promise<WebhookDelivery | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.webhookDelivery(id), ConsistentRead: true }));
    return out.Item ? deliveryFrom(out.Item) : undefined;
  },

  /** Records an attempt; conditioned on the attempt count seen, so two deliveries of one message cannot both count. */
  async recordAttempt(d: WebhookDelivery, attempt: WebhookAttempt, status: WebhookStatus, nextAttemptAt?: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.webhookDelivery(d.id),
          UpdateExpression: 'SET attempts = list_append(attempts, :a), #status = :s, nextAttemptAt = :next, updatedAt = :now',
          ConditionExpression: 'size(attempts) = :n',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':a': [attempt], ':s': status, ':next': nextAttemptAt ?? null, ':n': d.attempts.length, ':now': attempt.at },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },

  /**
   * Reopens a delivery for a replay, atomically with both rate limits: the delivery's own `lastReplayAt` must be
   * at or before `notAfter` (one replay per interval per delivery) and the provider's replays in this UTC minute
   * must stay within `perMinute` (a counter item that expires by TTL). False when either limit is reached.
   */
  async reopenForReplay(d: WebhookDelivery, now: Date, notAfter: string, perMinute: number): Promise<boolean> {
    const iso = now.toISOString();
    try {
      await transactWrite([
        { item: budgetTake(windowBudget('minute', now, (minute) => keys.webhookReplayBudget(d.provider, minute), 1, perMinute)) },
        {
          item: {
            Update: {
              TableName: tableName(),
              Key: keys.webhookDelivery(d.id),
              UpdateExpression: 'SET #status = :p, nextAttemptAt = :now, updatedAt = :now, lastReplayAt = :now',
              ConditionExpression: 'attribute_exists(PK) AND provider = :provider AND (attribute_not_exists(lastReplayAt) OR lastReplayAt <= :notAfter)',
              ExpressionAttributeNames: { '#status': 'status' },
              ExpressionAttributeValues: { ':p': 'PENDING', ':now': iso, ':provider': d.provider, ':notAfter': notAfter },
            },
          },
        },
      ]);
      return true;
    } catch (err) {
      if (err instanceof ConditionFailedError) return false;
      throw err;
    }
  },

  async listByProvider(provider: string, limit: number): Promise<WebhookDelivery[]> {
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName(),
        IndexName: 'GSI1',
        KeyConditionExpression: 'GSI1PK = :pk',
        ExpressionAttributeValues: { ':pk': keys.webhooksOfProvider(provider) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
    return (out.Items ?? []).map(deliveryFrom);
  },
};
