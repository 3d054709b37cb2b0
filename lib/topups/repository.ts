/**
 * Coin top-ups: a participant's settings, the operator's currency for it, the frequency marker of its
 * automatic top-ups, its top-up chains (each with an "open" marker while not final) and the Idempotency-Keys of
 * its manual top-ups. Every state change is a conditional write on the state read.
 */
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, tableName } from '../db/client.js';
import { AlreadyExistsError, ConditionFailedError, isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';
import { updateOf } from '../db/update.js';
import { TOPUP_FREQUENCIES, TOPUP_STATUSES, type TopUpFrequency, type TopUpSettingsStatus } from './schema.js';

// --- Settings ----------------------------------------------------------------------------------------

export interface TopUpSettings {
  participant: string;
  /** Cents; 0 when `minimalAmount`. */
  amount: bigint;
  minimalAmount: boolean;
  coinsThreshold: bigint;
  frequency: TopUpFrequency;
  status: TopUpSettingsStatus;
  /** The participant's currency when the settings were written: the amount is in it. */
  currency: string;
  /** Every write is conditional on the version it read; the job's start is conditional on it too. */
  version: number;
  createdAt: string;
  updatedAt: string;
}

export class SettingsChangedError extends ConditionFailedError {
  override name = 'SettingsChangedError';
}

function settingsFrom(i: StoredItem): TopUpSettings {
  const f = fields(i, `TopUpSettings ${i.participant}`);
  return {
    participant: f.str('participant'),
    amount: f.money('amount'),
    minimalAmount: f.bool('minimalAmount'),
    coinsThreshold: f.money('coinsThreshold'),
    frequency: f.oneOf('frequency', TOPUP_FREQUENCIES),
    status: f.oneOf('status', TOPUP_STATUSES),
    currency: f.str('currency'),
    version: f.int('version'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
  };
}

export const topUpSettingsRepo = {
  async get(participant: string): Promise<TopUpSettings | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.topUpSettings(participant), ConsistentRead: true }));
    return out.Item ? settingsFrom(out.Item) : undefined;
  },

  /** Writes `s` (version `previous + 1`) if the stored settings are still at `previous` (absent: none stored). */
  async put(s: Omit<TopUpSettings, 'version'>, previous: number | undefined): Promise<TopUpSettings> {
    const saved: TopUpSettings = { ...s, version: (previous ?? 0) + 1 };
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: {
            ...keys.topUpSettings(s.participant),
            type: 'TopUpSettings',
            ...saved,
            // The job lists active settings only: the index entry exists while active.
            ...(s.status === 'active' ? { GSI1PK: keys.topUpSettingsActive(), GSI1SK: s.participant } : {}),
          },
          ConditionExpression: previous === undefined ? 'attribute_not_exists(PK)' : 'version = :previous',
          ...(previous === undefined ? {} : { ExpressionAttributeValues: { ':previous': previous } }),
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new SettingsChangedError(`the top-up settings of ${s.participant} changed`);
      throw err;
    }
    return saved;
  },

  /** Removes the settings; the removed ones, or undefined when there were none. */
  async remove(participant: string): Promise<TopUpSettings | undefined> {
    const out = await ddb().send(new DeleteCommand({ TableName: tableName(), Key: keys.topUpSettings(participant), ReturnValues: 'ALL_OLD' }));
    return out.Attributes ? settingsFrom(out.Attributes) : undefined;
  },

  /** Every active setting (the job's scan). */
  async listActive(): Promise<TopUpSettings[]> {
    const items = await queryAll({ IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.topUpSettingsActive() } });
    return items.map(settingsFrom);
  },

  /** A transaction's check that the settings are still active at `version` (not changed since the job read them). */
  unchangedCheck(participant: string, version: number): GuardedItem {
    return {
      item: {
        ConditionCheck: {
          TableName: tableName(),
          Key: keys.topUpSettings(participant),
          ConditionExpression: 'version = :version AND #status = :active',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':version': version, ':active': 'active' },
        },
      },
      onConditionFailed: () => new SettingsChangedError(`the top-up settings of ${participant} changed`),
    };
  },
};

export class AutoWindowTakenError extends ConditionFailedError {
  override name = 'AutoWindowTakenError';
}

export const topUpAutoMarkers = {
  /**
   * Records that an automatic top-up starts now, if none started after `since`: two job runs in one
   * frequency window cannot both start one (it is in the chain's own transaction).
   */
  takeItem(participant: string, uuid: string, now: string, since: string): GuardedItem {
    return {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.topUpAutoMarker(participant),
          UpdateExpression: 'SET lastStartedAt = :now, lastTopUp = :uuid, participant = :p, #type = :type, createdAt = if_not_exists(createdAt, :now), updatedAt = :now',
          ConditionExpression: 'attribute_not_exists(lastStartedAt) OR lastStartedAt <= :since',
          ExpressionAttributeNames: { '#type': 'type' },
          ExpressionAttributeValues: { ':now': now, ':uuid': uuid, ':p': participant, ':type': 'TopUpAutoMarker', ':since': since },
        },
      },
      onConditionFailed: () => new AutoWindowTakenError(`an automatic top-up of ${participant} already started after ${since}`),
    };
  },

  async lastStartedAt(participant: string): Promise<string | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.topUpAutoMarker(participant), ConsistentRead: true }));
    return out.Item ? fields(out.Item, `TopUpAutoMarker ${participant}`).optStr('lastStartedAt') : undefined;
  },
};

export const participantCurrencies = {
  async get(participant: string): Promise<string | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.participantCurrency(participant), ConsistentRead: true }));
    return out.Item ? fields(out.Item, `ParticipantCurrency ${participant}`).str('currency') : undefined;
  },

  async set(participant: string, currency: string, now = new Date().toISOString()): Promise<void> {
    await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...keys.participantCurrency(participant), type: 'ParticipantCurrency', participant, currency, createdAt: now, updatedAt: now } }));
  },
};

// --- Chains ------------------------------------------------------------------------------------------

/**
 *   charging -> charged -> topping_up -> success
 *            |                       -> refunded | refund_failed   (the chain payout failed)
 *            -> charge_failed
 */
export const TOPUP_STATES = ['charging', 'charged', 'charge_failed', 'topping_up', 'success', 'refunded', 'refund_failed'] as const;
export type TopUpState = (typeof TOPUP_STATES)[number];
export const FINAL_STATES: readonly TopUpState[] = ['charge_failed', 'success', 'refunded', 'refund_failed'];

export interface TopUp {
  uuid: string;
  participant: string;
  /** `auto`: started by the job from the settings; `manual`: asked for. */
  origin: 'auto' | 'manual';
  state: TopUpState;
  /** Cents of `currency`. */
  amount: bigint;
  currency: string;
  /** floor(amount / 100 / price × 10^18), fixed when the chain starts. */
  coins: bigint;
  /** The coin price used (currency per whole token) and when it was set. */
  price: string;
  priceAt: string;
  /** The provider customer and card charged: fixed at the start, so a repeated charge is the same request. */
  customerId: string;
  cardId: string;
  createdAt: string;
  updatedAt: string;
  chargeId?: string;
  chargedAt?: string;
  /** Why the charge failed, with when. */
  reason?: string;
  depositAddress?: string;
  payoutUnit?: string;
  toppingUpAt?: string;
  /** When the chain payout was final (CONFIRMED or FAILED), and its transaction. */
  settledAt?: string;
  txHash?: string;
  refundId?: string;
  refundedAt?: string;
  refundReason?: string;
}

export class TopUpStateError extends ConditionFailedError {
  override name = 'TopUpStateError';
}

export function topUpFrom(i: StoredItem): TopUp {
  const f = fields(i, `TopUp ${i.uuid}`);
  return {
    uuid: f.str('uuid'),
    participant: f.str('participant'),
    origin: f.oneOf('origin', ['auto', 'manual'] as const),
    state: f.oneOf('state', TOPUP_STATES),
    amount: f.money('amount'),
    currency: f.str('currency'),
    coins: f.money('coins'),
    price: f.str('price'),
    priceAt: f.str('priceAt'),
    customerId: f.str('customerId'),
    cardId: f.str('cardId'),
    createdAt: f.str('createdAt'),
    updatedAt: f.str('updatedAt'),
    chargeId: f.optStr('chargeId'),
    chargedAt: f.optStr('chargedAt'),
    reason: f.optStr('reason'),
    depositAddress: f.optStr('depositAddress'),
    payoutUnit: f.optStr('payoutUnit'),
    toppingUpAt: f.optStr('toppingUpAt'),
    settledAt: f.optStr('settledAt'),
    txHash: f.optStr('txHash'),
    refundId: f.optStr('refundId'),
    refundedAt: f.optStr('refundedAt'),
    refundReason: f.optStr('refundReason'),
  };
}

export const topUpsRepo = {
  /** A new chain and its open marker (both conditional on not existing). */
  newItems(t: TopUp): GuardedItem[] {
    return [
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.topUp(t.uuid), GSI1PK: keys.topUpsOfParticipant(t.participant), GSI1SK: t.createdAt, type: 'TopUp', ...t },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
        onConditionFailed: () => new AlreadyExistsError(`top-up ${t.uuid} already exists`),
      },
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.openTopUp(t.uuid), type: 'OpenTopUp', uuid: t.uuid, participant: t.participant, createdAt: t.createdAt, updatedAt: t.createdAt },
            ConditionExpression: 'attribute_not_exists(PK)',
          },
        },
      },
    ];
  },

  async get(uuid: string): Promise<TopUp | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.topUp(uuid), ConsistentRead: true }));
    return out.Item ? topUpFrom(out.Item) : undefined;
  },

  /**
   * `from` -> `to` with `set`, conditional on the state read; a final state also removes the open marker
   * (in the same transaction).
   */
  transitionItems(t: TopUp, to: TopUpState, set: Partial<TopUp> = {}, now = new Date().toISOString()): GuardedItem[] {
    const parts = updateOf({ ...set, state: to, updatedAt: now });
    const update: GuardedItem = {
      item: {
        Update: {
          TableName: tableName(),
          Key: keys.topUp(t.uuid),
          UpdateExpression: parts.UpdateExpression,
          ConditionExpression: '#state = :from',
          ExpressionAttributeNames: { ...parts.ExpressionAttributeNames, '#state': 'state' },
          ExpressionAttributeValues: { ...parts.ExpressionAttributeValues, ':from': t.state },
        },
      },
      onConditionFailed: () => new TopUpStateError(`top-up ${t.uuid} is no longer ${t.state}`),
    };
    return FINAL_STATES.includes(to) ? [update, { item: { Delete: { TableName: tableName(), Key: keys.openTopUp(t.uuid) } } }] : [update];
  },

  /** The participant's chains, newest first: `offset` skipped, at most `limit`. */
  async listByParticipant(participant: string, limit: number, offset = 0): Promise<TopUp[]> {
    const items = await queryAll(
      { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': keys.topUpsOfParticipant(participant) }, ScanIndexForward: false },
      offset + limit,
    );
    return items.slice(offset).map(topUpFrom);
  },

  /** The ids of every chain not yet final (strongly consistent: a chain just closed is not listed). */
  async listOpen(): Promise<string[]> {
    const items = await queryAll({ KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': keys.openTopUpsPartition }, ConsistentRead: true });
    return items.map((item) => fields(item, 'OpenTopUp').str('uuid'));
  },
};

// --- Idempotency-Keys of manual top-ups ----------------------------------------------------------------

