/**
 * Sandbox card gateway: approves every valid customer card except these test cards (all Luhn-valid):
 *   4000000000000002  declined 51 "Insufficient Funds"
 *   4000000000000010  declined 14 "Invalid Card"
 *   4000000000000028  declined 55 "Invalid PIN"
 *   4000000000000036  the payment goes through but the answer times out (resolve it with `status`)
 * Payments are idempotent on our reference and remembered (in the table), like a real gateway's records.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { isConditionFailed } from '../db/errors.js';
import { fields } from '../db/item.js';
import * as keys from '../db/keys.js';
import { GatewayTimeoutError, type CardGateway, type GatewayResult } from './gateway.js';

export const SANDBOX_CARDS = {
  approved: '4111111111111111',
  insufficientFunds: '4000000000000002',
  invalidCard: '4000000000000010',
  invalidPin: '4000000000000028',
  timeout: '4000000000000036',
} as const;

const DECLINES: Record<string, [number, string]> = {
  [SANDBOX_CARDS.insufficientFunds]: [51, 'Insufficient Funds'],
  [SANDBOX_CARDS.invalidCard]: [14, 'Invalid Card'],
  [SANDBOX_CARDS.invalidPin]: [55, 'Invalid PIN'],
};

async function recorded(reference: string): Promise<GatewayResult | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.sandboxPayment(reference), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const result = fields(out.Item, `SandboxPayment ${reference}`).map('result');
  return { approved: result.bool('approved'), code: result.int('code'), response: result.str('response'), gatewayReference: result.str('gatewayReference') };
}

export const sandboxGateway: CardGateway = {
  async pay(req) {
    const decline = DECLINES[req.to.pan];
    const result: GatewayResult = decline
      ? { approved: false, code: decline[0], response: decline[1], gatewayReference: randomUUID() }
      : { approved: true, code: 0, response: 'Approved', gatewayReference: randomUUID() };
    try {
      const now = new Date().toISOString();
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.sandboxPayment(req.reference), type: 'SandboxPayment', result, amount: req.amount, createdAt: now, updatedAt: now },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      // The same reference again: a real gateway answers the first outcome, it does not pay twice.
      if (isConditionFailed(err)) return (await recorded(req.reference))!;
      throw err;
    }
    if (req.to.pan === SANDBOX_CARDS.timeout) throw new GatewayTimeoutError('the gateway did not answer in time');
    return result;
  },
  status: recorded,
};
