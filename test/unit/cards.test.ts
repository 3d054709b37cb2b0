import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listCards } from '../../functions/cards/list-cards.js';
import { handler as history } from '../../functions/cards/history.js';
import { issueMemberToken, verifyMemberToken } from '../../lib/cards/auth.js';
import { formatAmount, percentOf, toMinor } from '../../lib/cards/money.js';
import { stringify } from '../../lib/json.js';
import { toJsonAmount } from '../../lib/cards/money.js';
import { hashSecret } from '../../lib/security/secrets.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

describe('card money', () => {
  it('uses the currency exponent and floors cashback to the minor unit', () => {
    expect(toMinor(50, 'USD')).toBe(5000n);
    expect(toMinor('25.555', 'TND')).toBe(25555n);
    expect(toMinor(1000, 'JPY')).toBe(1000n);
    expect(() => toMinor(1.005, 'USD')).toThrow(/more than 2 decimal places/);
    expect(percentOf(3333n, '5')).toBe(166n); // 166.65 floored
    expect(percentOf(1000n, '2.5')).toBe(25n);
    expect(formatAmount(1250n, 'USD')).toBe('12.50');
    expect(formatAmount(-5n, 'TND')).toBe('-0.005');
    expect(stringify({ a: toJsonAmount(1250n, 'USD') })).toBe('{"a":12.50}');
  });
});

describe('member tokens', () => {
  it('carry the member of one app, and nothing else verifies', () => {
    const { token } = issueMemberToken('app_a', 42);
    expect(verifyMemberToken(token, 'app_a')).toBe(42);
    expect(() => verifyMemberToken(token, 'app_b')).toThrow(/another app/);
    const [payload, sig] = token.split('.');
    const forged = Buffer.from(JSON.stringify({ typ: 'member', app: 'app_a', mid: 43, exp: 9e9 })).toString('base64url');
    expect(() => verifyMemberToken(`${forged}.${sig}`, 'app_a')).toThrow(/invalid member token/);
    expect(() => verifyMemberToken(`${payload}.${sig}x`, 'app_a')).toThrow(/invalid member token/);
    expect(() => verifyMemberToken(undefined, 'app_a')).toThrow(/X-Member-Token header is required/);
  });

  it('expire', () => {
    const { token } = issueMemberToken('app_a', 42, Date.now() - 3_600_000);
    expect(() => verifyMemberToken(token, 'app_a')).toThrow(/expired/);
  });
});

describe('cards handlers: authentication and envelope', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const KEY = 'ck_AbCdEf12_' + 'x'.repeat(43);
  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: { name: 'app', createdAt: 'x', keys: [{ keyId: 'AbCdEf12', hash: hashSecret(KEY), scopes: ['cashback_read'], createdAt: 'x' }] } });
  });
  const call = async (fn: typeof listCards, path: string, headers: Record<string, string>) => {
    const res = (await fn(httpEvent("GET", path, undefined, headers), lambdaContext)) as { statusCode: number; body: string };
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it('401 without headers or with a wrong key, 403 without the scope, in the family envelope', async () => {
    expect(await call(listCards, '/api/v1/cashback/cards', {})).toMatchObject({ status: 401, body: { success: false, error: { code: 'unauthorized' } } });
    expect((await call(listCards, '/api/v1/cashback/cards', { 'x-app-id': 'app', 'x-api-key': KEY.replace(/x$/, 'y') })).status).toBe(401);
    const denied = await call(listCards, '/api/v1/cashback/cards', { 'x-app-id': 'app', 'x-api-key': KEY });
    expect(denied).toMatchObject({ status: 403, body: { success: false, error: { code: 'insufficient_scope', details: { required_scope: 'card_read' } } } });
  });

  it('validates query parameters after authentication', async () => {
    const res = await call(history, '/api/v1/cashback/cashback/history', { 'x-app-id': 'app', 'x-api-key': KEY });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', message: 'card_id is required' });
  });
});
