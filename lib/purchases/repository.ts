/** Purchase orders: one item per (network, partner, order_id); its existence is what makes order_id pay once. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { NETWORKS, type Network } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';
import { PAYOUT_KINDS, type PayoutKind } from '../payouts/repository.js';

export interface Order {
  network: Network;
  partner: string;
  orderId: string;
  /** SHA-256 of the canonical request parameters (the key excluded): tells a replay from a conflicting reuse. */
  fingerprint: string;
  unit: string;
  cashbackAmount: bigint;
  breakdown: { base: bigint; partner: bigint; match: bigint };
  payoutKind: PayoutKind;
  destination: string;
  customer: string;
  merchant?: string;
  currency: string;
  /** The purchase amount in the currency's minor units. */
  currencyAmount: bigint;
  createdAt: string;
}

/** Orders written before amounts were numbers hold them as decimal strings: `money` reads both. */
function orderFrom(i: StoredItem): Order {
  const what = `Order ${i.orderId}`;
  const f = fields(i, what);
  const breakdown = f.map('breakdown');
  return {
    network: f.oneOf('network', NETWORKS),
    partner: f.str('partner'),
    orderId: f.str('orderId'),
    fingerprint: f.str('fingerprint'),
    unit: f.str('unit'),
    cashbackAmount: f.money('cashbackAmount'),
    breakdown: { base: breakdown.money('base'), partner: breakdown.money('partner'), match: breakdown.money('match') },
    payoutKind: f.oneOf('payoutKind', PAYOUT_KINDS),
    destination: f.str('destination'),
    customer: f.str('customer'),
    merchant: f.optStr('merchant'),
    currency: f.str('currency'),
    currencyAmount: f.money('currencyAmount'),
    createdAt: f.str('createdAt'),
  };
}

export class OrderExistsError extends AlreadyExistsError {
  override name = 'OrderExistsError';
}

export const ordersRepo = {
  putNewItem(order: Order): GuardedItem {
    return {
      item: {
        Put: {
          TableName: tableName(),
          Item: {
            ...keys.order(order.network, order.partner, order.orderId),
            type: 'Order',
            ...order,
            updatedAt: order.createdAt,
          },
          ConditionExpression: 'attribute_not_exists(PK)',
        },
      },
      onConditionFailed: () => new OrderExistsError(`order ${order.orderId} exists`),
    };
  },

  async get(network: Network, partner: string, orderId: string): Promise<Order | undefined> {
    const out = await ddb().send(
      new GetCommand({ TableName: tableName(), Key: keys.order(network, partner, orderId), ConsistentRead: true }),
    );
    return out.Item ? orderFrom(out.Item) : undefined;
  },
};
