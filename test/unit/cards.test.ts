import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as listCards } from '../../functions/cards/list-cards.js';
import { handler as history } from '../../functions/cards/history.js';
import { issueMemberToken, otpHash, pinHash, verifyMember, verifyMemberToken } from '../../lib/cards/auth.js';
import { resetConfig } from '../../lib/config/index.js';
import { createHmac } from 'node:crypto';
import { formatAmount, percentOf, toMinor } from '../../lib/cards/money.js';
import { earnSchema, redeemSchema, refundSchema } from '../../lib/cards/schema.js';
import { metadataFromText, metadataText } from '../../lib/cards/metadata.js';
import { parseJson } from '../../lib/json.js';
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

  it('say when they were issued (the OTP verification); a token without it verifies but is not known to be fresh', () => {
    const at = Date.now() - 60_000;
    expect(verifyMember(issueMemberToken('app_a', 42, at).token, 'app_a')).toEqual({ memberId: 42, issuedAt: Math.floor(at / 1000) * 1000 });
    const payload = Buffer.from(JSON.stringify({ typ: 'member', app: 'app_a', mid: 42, exp: Math.floor(Date.now() / 1000) + 600 })).toString('base64url');
    const signature = createHmac('sha256', process.env.MEMBER_TOKEN_SECRET!).update(`member-token.${payload}`).digest('base64url');
    expect(verifyMember(`${payload}.${signature}`, 'app_a')).toEqual({ memberId: 42, issuedAt: undefined });
  });

  it('are keyed apart from PIN and code hashes: rotating the token secret keeps every PIN', () => {
    const pin = pinHash(42, '1234');
    const otp = otpHash('app_a', 42, '123456');
    const tokenSecret = process.env.MEMBER_TOKEN_SECRET;
    const codeSecret = process.env.MEMBER_CODE_SECRET;
    try {
      process.env.MEMBER_TOKEN_SECRET = 'a-rotated-member-token-secret-a-rotated-member';
      resetConfig();
      expect([pinHash(42, '1234'), otpHash('app_a', 42, '123456')]).toEqual([pin, otp]);
      process.env.MEMBER_TOKEN_SECRET = tokenSecret;
      process.env.MEMBER_CODE_SECRET = 'a-rotated-member-code-secret-a-rotated-member-c';
      resetConfig();
      expect(pinHash(42, '1234')).not.toBe(pin);
      expect(otpHash('app_a', 42, '123456')).not.toBe(otp);
    } finally {
      process.env.MEMBER_TOKEN_SECRET = tokenSecret;
      process.env.MEMBER_CODE_SECRET = codeSecret;
      resetConfig();
    }
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

describe('card request bounds', () => {
  const earnBody = { card_id: 1, email: 'a@example.com', purchase_amount: 10 };
  const messageOf = (result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } }) =>
    result.success ? undefined : result.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');

  it('refuses metadata DynamoDB could not store or that is unbounded, naming the field', () => {
    let deep: Record<string, unknown> = { leaf: 1 };
    for (let i = 0; i < 40; i++) deep = { d: deep };
    const refused: [unknown, RegExp][] = [
      [{ '': 'empty key' }, /^metadata: metadata keys must be 1 to 64 characters/],
      [{ a: { '': 1 } }, /^metadata: metadata keys must be 1 to 64 characters/],
      [{ ['k'.repeat(65)]: 1 }, /^metadata: metadata keys must be 1 to 64 characters/],
      [deep, /^metadata: metadata must nest at most 5 levels/],
      [{ a: { b: { c: { d: { e: {} } } } } }, /^metadata: metadata must nest at most 5 levels/],
      [{ a: [[[[[1]]]]] }, /^metadata: metadata must nest at most 5 levels/],
      [{ big: 'x'.repeat(2100) }, /^metadata: metadata must be at most 2048 bytes of JSON/],
      [Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i])), /^metadata: metadata must have at most 50 keys/],
    ];
    for (const [metadata, message] of refused) expect(messageOf(earnSchema.safeParse({ ...earnBody, metadata })), String(message)).toMatch(message);
    // Any JSON value otherwise, numbers DynamoDB cannot hold included: stored as the JSON text sent.
    const kept = { huge: 1e308, tiny: 1e-200, digits: 123456789012345678901234567890123456789012, nested: { a: { b: { c: [1, 'x', null, true] } } }, 'ü-ß': 'ok' };
    expect(earnSchema.safeParse({ ...earnBody, metadata: kept })).toMatchObject({ success: true, data: { metadata: kept } });
    // As the body parser hands it on (numbers a float cannot hold as their text), and back from its stored text.
    const sent = '{"huge":1e308,"tiny":1e-200,"digits":123456789012345678901234567890123456789012,"n":{"a":[1.5,"x",null]}}';
    const parsed = earnSchema.safeParse({ ...earnBody, metadata: parseJson(sent) });
    expect(parsed.success).toBe(true);
    expect(metadataText(parsed.data!.metadata!)).toBe(sent);
    expect(metadataText(metadataFromText(sent))).toBe(sent);
  });

  it('card amounts are at most 10^12 major units, exactly', () => {
    const accepted = [1e12, '1000000000000', '1000000000000.00', '999999999999.999999', 0.01];
    const refused = [1e12 + 0.01, 1e13, 1e20, 1e308, '1000000000000.01', '1000000000001', '999999999999999'];
    for (const v of accepted) expect(earnSchema.safeParse({ ...earnBody, purchase_amount: v }).success, String(v)).toBe(true);
    for (const v of refused) expect(messageOf(earnSchema.safeParse({ ...earnBody, purchase_amount: v })), String(v)).toMatch(/^purchase_amount: purchase_amount must be at most 1000000000000/);
    // JSON numbers a float cannot hold (the body parser keeps their text) are compared exactly.
    for (const text of ['1000000000000.0000000001', '1e400', '100000000000000000000000000000000000000000']) {
      expect(messageOf(earnSchema.safeParse(parseJson(`{"card_id":1,"member_id":2,"purchase_amount":${text}}`))), text).toMatch(/^purchase_amount: purchase_amount must be at most 1000000000000/);
    }
    expect(earnSchema.safeParse(parseJson('{"card_id":1,"member_id":2,"purchase_amount":999999999999.9999999999}')).success).toBe(true);
    expect(messageOf(redeemSchema.safeParse({ card_id: 1, amount: 1e15 }))).toMatch(/^amount: amount must be at most 1000000000000/);
    expect(messageOf(refundSchema.safeParse({ card_id: 1, member_id: 2, refund_amount: '2000000000000' }))).toMatch(/refund_amount must be at most 1000000000000/);
    expect(messageOf(refundSchema.safeParse({ card_id: 1, member_id: 2, refund_amount: 5, cashback_to_deduct: 1e14 }))).toMatch(/cashback_to_deduct must be at most 1000000000000/);
  });
});
