import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/purchases/new-purchase.js';
import { hashSecret } from '../../lib/security/secrets.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const KEY = 'pk_unit';
const valid = {
  partner: 'shop',
  partner_key: KEY,
  customer: 'c1',
  order_id: 'o1',
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  currency: 'USD',
  currency_amount: 10,
};

async function call(body: string | Record<string, unknown>, headers: Record<string, string> = {}) {
  const res = (await handler(httpEvent('POST', '/new_purchase', body, headers), lambdaContext)) as { statusCode: number; body: string };
  return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
}

describe('POST /new_purchase validation', () => {
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: { name: 'shop', keyHash: hashSecret(KEY), status: 'active', createdAt: 'x' } });
  });

  it.each([
    [{ partner_key: 'x' }, 'partner is required'],
    [{ partner: 'shop', partner_key: 'wrong' }, 'authentication failed'],
    [{ ...valid, customer: '' }, 'customer is required'],
    [{ ...valid, order_id: undefined }, 'order_id is required'],
    [{ ...valid, order_id: 'x'.repeat(129) }, 'order_id must be at most 128 characters'],
    [{ ...valid, address: 'nope' }, 'address must be an Ethereum address (0x + 40 hex digits) or an email address'],
    [{ ...valid, address: '0x70997970C51812dc3A010C7d01b50e0d17dc79c8' }, 'address is not a valid Ethereum address (checksum mismatch)'],
    [{ ...valid, currency: 'JPY' }, 'currency must be one of USD, EUR, RUR, GBYTE, BTC'],
    [{ ...valid, currency_amount: -5 }, 'currency_amount must be a non-negative decimal number'],
    [{ ...valid, currency_amount: 0 }, 'currency_amount must be positive'],
    [{ ...valid, currency_amount: 'ten' }, 'currency_amount must be a non-negative decimal number'],
    [{ ...valid, currency_amount: 1.234 }, 'currency_amount has more than 2 decimal places for USD'],
    [{ ...valid, partner_cashback_percentage: 80 }, 'partner_cashback_percentage must be from 0 to 50'],
    [{ ...valid, partner_cashback_percentage: 'lots' }, 'partner_cashback_percentage must be a non-negative decimal number'],
    [{ ...valid, purchase_unit: 'kYbc5KGKB/KnjynYePEF4cpumKmOz22xVKSVWbmtZ0M=' }, 'purchase_unit is only allowed when currency is GBYTE'],
    [{ ...valid, currency: 'GBYTE', purchase_unit: 'short' }, 'purchase_unit must be an Obyte unit (44-character base64 hash)'],
    [{ ...valid, description: 'x'.repeat(1025) }, 'description must be at most 1024 characters'],
  ])('%j -> %s', async (body, message) => {
    const res = await call(body as Record<string, unknown>);
    expect(res.body).toEqual({ result: 'error', error: message });
    expect(res.status).toBe(message === 'authentication failed' ? 401 : 400);
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });

  it('answers malformed JSON and oversized bodies in the envelope', async () => {
    expect(await call('{"partner":', { 'content-type': 'application/json' })).toEqual({ status: 400, body: { result: 'error', error: 'malformed JSON body' } });
    const big = await call('customer=' + 'x'.repeat(20_000), { 'content-type': 'application/x-www-form-urlencoded' });
    expect(big.status).toBe(413);
    expect(big.body.result).toBe('error');
  });

  it('never leaks internals on an unexpected failure', async () => {
    ddbMock.on(GetCommand).rejects(new Error('socket hang up at 10.0.0.1'));
    const res = await call(valid);
    expect(res).toEqual({ status: 500, body: { result: 'error', error: 'internal error' } });
  });
});
