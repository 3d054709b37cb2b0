/** Cash-out claims over HTTP: registration, generation, the claim page and exactly-once submission. */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import { stack, uniq } from '../fixtures/stack.js';

const PAN = '4111111111111111';
const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(stack().apiUrl + path, {
    method,
    redirect: 'manual',
    headers: { ...(body !== undefined && typeof body !== 'string' ? { 'content-type': 'application/json' } : {}), ...headers },
    ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: any = {};
  try {
    json = JSON.parse(text);
  } catch {
    /* HTML */
  }
  return { status: res.status, body: json, text, headers: res.headers };
};

const registration = (over: Record<string, unknown> = {}) => ({ name: uniq('prov').replace(/-/g, '_'), pan: PAN, expDate: '3012', ipin: '0000', consent: true, endpoint: 'https://provider.example/hooks', ...over });

async function provider() {
  const reg = registration();
  const res = await call('POST', '/cashout/register', reg);
  expect(res.status).toBe(200);
  return { name: reg.name as string, auth: { authorization: `Bearer ${res.body.api_key}` } };
}

describe('POST /cashout/register', () => {
  it('registers once, returns the key and secret once, and stores the card encrypted', async () => {
    const reg = registration();
    const res = await call('POST', '/cashout/register', reg);
    expect(res.status).toBe(200);
    expect(res.body.result).toBe('ok');
    expect(res.body.api_key).toMatch(/^co_[A-Za-z0-9]{12}_/);
    expect(res.body.webhook_secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const again = await call('POST', '/cashout/register', reg);
    expect(again.status).toBe(409);
    expect(again.body).toEqual({ message: `a cash-out provider named ${reg.name} already exists`, code: 'item_exists' });
    const item = (await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutProvider(String(reg.name)) }))).Item!;
    const stored = JSON.stringify(item);
    expect(stored).not.toContain(PAN);
    expect(stored).not.toContain(String(res.body.webhook_secret).slice(6));
    expect(item.panLast4).toBe('1111');
  });

  it('refuses bad cards, past expiry, missing consent and plain-http endpoints with {message, code}', async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ pan: '4111111111111112' }, /Luhn/],
      [{ pan: '41111111' }, /16 or 19 digits/],
      [{ expDate: '2001' }, /expDate is in the past/],
      [{ expDate: '3013' }, /expDate/],
      [{ consent: false }, /consent must be true/],
      [{ endpoint: 'http://provider.example/hooks' }, /https URL/],
      [{ endpoint: 'not a url' }, /absolute URL/],
      [{ ipin: 'abcd' }, /ipin must be 4 to 6 digits/],
    ];
    for (const [over, message] of cases) {
      const res = await call('POST', '/cashout/register', registration(over));
      expect(res.status, String(message)).toBe(400);
      expect(res.body.message).toMatch(message);
      expect(typeof res.body.code).toBe('string');
    }
    expect((await call('POST', '/cashout/register', registration({ endpoint: 'http://127.0.0.1:9/hooks' }))).status).toBe(200);
  });
});

describe('claims', () => {
  it('generate is idempotent on the provider id; another amount is a 409; only the key owner may generate', async () => {
    const p = await provider();
    const first = await call('POST', `/cashout/generate/${p.name}`, { amount: 100, id: 'xcx' }, p.auth);
    expect(first.status).toBe(201);
    expect(first.body.result).toBe(first.body.uuid);
    const again = await call('POST', `/cashout/generate/${p.name}`, { amount: 100, id: 'xcx' }, p.auth);
    expect(again.status).toBe(200);
    expect(again.body.uuid).toBe(first.body.uuid);
    expect((await call('POST', `/cashout/generate/${p.name}`, { amount: 101, id: 'xcx' }, p.auth)).body.code).toBe('id_conflict');
    expect((await call('POST', `/cashout/generate/${p.name}`, { amount: 1.5, id: 'y' }, p.auth)).status).toBe(400);
    expect((await call('POST', `/cashout/generate/${p.name}`, { amount: 1, id: 'y' })).status).toBe(401);
    const other = await provider();
    expect((await call('POST', `/cashout/generate/${p.name}`, { amount: 1, id: 'y' }, other.auth)).status).toBe(403);
  });

  it('the page shows the provider and amount; 20 concurrent submissions are accepted once', async () => {
    const p = await provider();
    const { uuid } = (await call('POST', `/cashout/generate/${p.name}`, { amount: 250, id: uniq('c') }, p.auth)).body;
    const page = await call('GET', `/cashout/claim/${uuid}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain(p.name);
    expect(page.text).toContain('250');
    expect(page.text).toContain('name="pan"');
    expect((await call('GET', `/cashout/claim/${uuid}/status`)).body.status).toBe('pending');

    const card = { pan: PAN, expDate: '3012', name: 'Customer', mobile: '+249912345678' };
    const results = await Promise.all(Array.from({ length: 20 }, () => call('POST', `/cashout/claim/${uuid}`, card)));
    expect(results.filter((r) => r.status === 202)).toHaveLength(1);
    expect(results.filter((r) => r.status === 409).every((r) => r.body.code === 'duplicate_claim')).toBe(true);
    expect(results.filter((r) => r.status === 409)).toHaveLength(19);
    expect(['submitted', 'paying', 'paid']).toContain((await call('GET', `/cashout/claim/${uuid}/status`)).body.status);
  });

  it('a form submission redirects back to the page; bad input re-renders the form with the error', async () => {
    const p = await provider();
    const { uuid } = (await call('POST', `/cashout/generate/${p.name}`, { amount: 5, id: uniq('c') }, p.auth)).body;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const bad = await call('POST', `/cashout/claim/${uuid}`, 'pan=4111111111111112&expDate=3012&name=Al&mobile=0912345678', form);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('pan fails the Luhn check');
    const ok = await call('POST', `/cashout/claim/${uuid}`, `pan=${PAN}&expDate=3012&name=Al&mobile=0912345678`, form);
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/cashout/claim/${uuid}`);
  });

  it('an expired claim shows a clear page, refuses submission and reads as expired', async () => {
    const p = await provider();
    const { uuid } = (await call('POST', `/cashout/generate/${p.name}`, { amount: 7, id: uniq('c') }, p.auth)).body;
    await ddb().send(new UpdateCommand({ TableName: tableName(), Key: keys.claim(uuid), UpdateExpression: 'SET claimExpiresAt = :past', ExpressionAttributeValues: { ':past': '2020-01-01T00:00:00.000Z' } }));
    const page = await call('GET', `/cashout/claim/${uuid}`);
    expect(page.text).toContain('This cash-out link has expired');
    expect(page.text).not.toContain('name="pan"');
    const submit = await call('POST', `/cashout/claim/${uuid}`, { pan: PAN, expDate: '3012', name: 'Late', mobile: '0912345678' });
    expect(submit.status).toBe(410);
    expect(submit.body.code).toBe('claim_expired');
    expect((await call('GET', `/cashout/claim/${uuid}/status`)).body.status).toBe('expired');
  });

  it('refuses endpoints on non-public IP literals and on ports other than 443', async () => {
    const endpoints = [
      'https://169.254.169.254/latest/meta-data',
      'https://10.0.0.1/hooks',
      'https://192.168.1.10/hooks',
      'https://[fd00::1]/hooks',
      'https://[::ffff:169.254.169.254]/hooks',
      'https://100.64.0.1/hooks',
      'https://provider.example:8443/hooks',
    ];
    for (const endpoint of endpoints) {
      const res = await call('POST', '/cashout/register', registration({ endpoint }));
      expect(res.status, endpoint).toBe(400);
      expect(res.body.code, endpoint).toBe('invalid_endpoint');
    }
    const p = await provider();
    const upd = await call('PUT', '/cashout/profile', { endpoint: 'https://169.254.169.254/latest' }, p.auth);
    expect(upd.status).toBe(400);
    expect(upd.body.code).toBe('invalid_endpoint');
  });

  it('PUT /cashout/profile rotates the webhook secret and refuses bad fields', async () => {
    const p = await provider();
    const rotated = await call('PUT', '/cashout/profile', { endpoint: 'https://provider.example/v2' }, p.auth);
    expect(rotated.status).toBe(200);
    expect(rotated.body.webhook_secret).toMatch(/^whsec_/);
    const item = (await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutProvider(p.name) }))).Item!;
    expect(item.endpoint).toBe('https://provider.example/v2');
    expect(Date.parse(String(item.previousSecretValidUntil)) - Date.now()).toBeGreaterThan(23 * 3600_000);
    expect((await call('PUT', '/cashout/profile', { pan: '1234' }, p.auth)).status).toBe(400);
    expect((await call('PUT', '/cashout/profile', { endpoint: 'https://x.example' })).status).toBe(401);
  });

  it('unknown claims get a clear page, not an error dump', async () => {
    const res = await call('GET', '/cashout/claim/00000000-0000-4000-8000-000000000000');
    expect(res.status).toBe(404);
    expect(res.text).toContain('This cash-out link is not valid');
    expect((await call('GET', '/cashout/claim/nonsense/status')).body).toEqual({ message: 'no such cash-out claim', code: 'claim_not_found' });
  });
});
