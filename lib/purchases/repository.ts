/** Purchase orders: one item per (network, partner, order_id); its existence is what makes order_id pay once. */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { AlreadyExistsError } from '../db/errors.js';
import { keys, type Network } from '../db/keys.js';
import type { GuardedItem } from '../db/transact.js';

export interface Order {
  network: Network;
  partner: string;
  orderId: string;
  /** SHA-256 of the canonical request parameters (the key excluded): tells a replay from a conflicting reuse. */
  fingerprint: string;
  unit: string;
  cashbackAmount: bigint;
  breakdown: { base: bigint; partner: bigint; match: bigint };
  payoutKind: 'chain' | 'textcoin';
  destination: string;
  customer: string;
  merchant?: string;
  currency: string;
  currencyAmount: string;
  createdAt: string;
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
            cashbackAmount: order.cashbackAmount.toString(),
            breakdown: {
              base: order.breakdown.base.toString(),
              partner: order.breakdown.partner.toString(),
              match: order.breakdown.match.toString(),
            },
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
    const i = out.Item;
    if (!i) return undefined;
    const b = i.breakdown as Record<string, string>;
    return {
      ...(i as unknown as Order),
      cashbackAmount: BigInt(String(i.cashbackAmount)),
      breakdown: { base: BigInt(b.base!), partner: BigInt(b.partner!), match: BigInt(b.match!) },
    };
  },
};
