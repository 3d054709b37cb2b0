/** Hostile input over HTTP: always a 4xx in the family's envelope, never a 500. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { issueTicket } from '../../lib/identity/tickets.js';
import { discoverFunctions } from '../../scripts/functions.js';
import { credentials } from '../fixtures/credentials.js';
import { identityIssuer, stack, uniq } from '../fixtures/stack.js';

const A = '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2';
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

describe('hostile input', () => {
  it('an oversized value in any path or query parameter is refused, with valid credentials too', async () => {
    const creds = await credentials();
    const huge = 'x'.repeat(3000);
    const answers: string[] = [];
    for (const { route } of (await discoverFunctions()).filter((f) => f.route)) {
      const r = route!;
      const params = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      const query = r.query ? Object.keys((r.query as unknown as { shape: Record<string, unknown> }).shape) : [];
      if (params.length === 0 && query.length === 0) continue;
      for (const target of [...params.map((p) => ({ p })), ...query.map((q) => ({ q }))]) {
        const path = r.path.replace(/\{(\w+)\}/g, (_m, p: string) => ('p' in target && target.p === p ? huge : 'approve'));
        const qs = query.length ? `?${query.map((q) => `${q}=${'q' in target && target.q === q ? huge : '1'}`).join('&')}` : '';
        const res = await fetch(`${stack().apiUrl}${path}${qs}`, {
          method: r.method,
          redirect: 'manual',
          headers: { ...(creds.headers[r.auth.kind] ?? {}), ...(r.method === 'GET' ? {} : { 'content-type': 'application/json' }) },
          ...(r.method === 'GET' ? {} : { body: '{}' }),
        });
        answers.push(`${res.status} ${r.method} ${r.path} ${'p' in target ? target.p : target.q}`);
      }
    }
    expect(answers.filter((a) => /^4\d\d /.test(a)).length).toBeGreaterThan(10);
    // 2xx only where a parameter is lenient by contract (the webhook list's limit reads junk as its default).
    expect(answers.filter((a) => !/^(4\d\d|200 GET \/cashout\/webhooks limit)/.test(a))).toEqual([]);
  });

  it('an identity ticket whose header or claims are JSON null is a 401', async () => {
    for (const ticket of [`${b64(null)}.${b64({ sub: 'x' })}.sig`, `${b64({ alg: 'ES256' })}.${b64(null)}.sig`, `${b64([1])}.${b64(1)}.sig`]) {
      const res = await fetch(`${stack().apiUrl}/user/ethereum/addresses`, { headers: { authenticateit_identity_ticket: ticket } });
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error_id: string }).error_id).toBe('payments-bad_ticket');
    }
  });

  it('removing the same address twice, in any letter case, removes it once', async () => {
    const headers = { authenticateit_identity_ticket: await issueTicket(identityIssuer(), { sub: `urn:authenticateit:user:${uniq('u')}` }), 'content-type': 'application/json' };
    const call = (method: string, path: string, body: unknown) => fetch(`${stack().apiUrl}${path}`, { method, headers, body: JSON.stringify(body) });
    expect((await call('POST', '/user/ethereum/addresses', { address: A })).status).toBe(200);
    const removed = await call('PUT', '/user/ethereum/addresses/remove', { list: [A, A.toLowerCase(), A] });
    expect(removed.status).toBe(200);
    expect(await removed.json()).toEqual({ list: [] });
  });

  it('a route that takes no body ignores one sent anyway: no 413 or 415, and a page route still answers a page', async () => {
    const { headers } = await credentials();
    const replay = await fetch(`${stack().apiUrl}/cashout/webhooks/not-a-delivery/replay`, {
      method: 'POST',
      headers: { ...headers.providerKey, 'content-type': 'application/json' },
      body: JSON.stringify({ padding: 'x'.repeat(20_000) }),
    });
    expect(replay.status).toBe(404);
    expect(await replay.json()).toEqual({ message: 'no such webhook delivery', code: 'webhook_not_found' });
    const decision = await fetch(`${stack().apiUrl}/user/ethereum/transfer/not-a-code/approve`, { method: 'POST', headers: { 'content-type': 'application/xml' }, body: '<x/>' });
    expect(decision.headers.get('content-type')).toMatch(/^text\/html/);
    expect(decision.status).toBe(404);
  });

  it('pages are never framed, cached or referred, and run only the inline scripts they were built with', async () => {
    const { headers, provider } = await credentials();
    const generated = await fetch(`${stack().apiUrl}/cashout/generate/${provider.name}`, {
      method: 'POST',
      headers: { ...headers.providerKey, 'content-type': 'application/json' },
      body: JSON.stringify({ amount: 5, id: uniq('claim') }),
    });
    const { uuid } = (await generated.json()) as { uuid: string };
    const submitted = await fetch(`${stack().apiUrl}/cashout/claim/${uuid}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ pan: '4111111111111111', expDate: '3012', name: 'Pat', mobile: '+249912345678' }),
    });
    expect(submitted.status).toBe(202);
    for (const path of [`/cashout/claim/${uuid}`, '/textcoin/not-a-code', '/user/ethereum/transfer/not-a-code/approve']) {
      const res = await fetch(`${stack().apiUrl}${path}`);
      const html = await res.text();
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(res.headers.get('cache-control'), path).toBe('no-store');
      expect(res.headers.get('referrer-policy'), path).toBe('no-referrer');
      expect(csp, path).toContain("frame-ancestors 'none'");
      const scriptSrc = /script-src ([^;]*)/.exec(csp)![1]!;
      const inline = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => `'sha256-${createHash('sha256').update(m[1]!).digest('base64')}'`);
      expect(scriptSrc.split(' ').sort(), path).toEqual(inline.length ? inline.sort() : ["'none'"]);
    }
  });
});
