/**
 * Each exchange's transfer options (manual approval), set by the system role. One item per exchange; absent:
 * inactive (transfers are sent at once). Every change records who made it and when.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { fields } from '../db/item.js';
import * as keys from '../db/keys.js';
import type { Exchange, ExchangeOptions } from './schema.js';

export async function exchangeOptions(exchange: Exchange): Promise<ExchangeOptions> {
  const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.exchangeOptions(exchange), ConsistentRead: true }));
  return { manual_approve: out.Item ? fields(out.Item, `ExchangeOptions ${exchange}`).oneOf('manualApprove', ['active', 'inactive'] as const) : 'inactive' };
}

export async function setExchangeOptions(exchange: Exchange, options: ExchangeOptions, setBy: string): Promise<ExchangeOptions> {
  const now = new Date().toISOString();
  await ddb().send(
    new UpdateCommand({
      TableName: tableName(),
      Key: keys.exchangeOptions(exchange),
      UpdateExpression: 'SET #type = :type, exchange = :exchange, manualApprove = :mode, updatedBy = :by, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
      ExpressionAttributeNames: { '#type': 'type' },
      ExpressionAttributeValues: { ':type': 'ExchangeOptions', ':exchange': exchange, ':mode': options.manual_approve, ':by': setBy, ':now': now },
    }),
  );
  return options;
}
