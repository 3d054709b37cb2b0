/** The SSRF guard of outbound webhooks: the address classifier and the adapter (injected resolver, local servers). */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLoopbackAddress, isNonPublicAddress, OutboundRefusedError, safePost, staticRefusal, type Resolver } from '../../lib/security/outbound.js';

describe('isNonPublicAddress', () => {
  const refused = [
    // IPv4
    '0.0.0.0', '0.1.2.3', '10.0.0.1', '10.255.255.255', '100.64.0.1', '100.127.255.254', '127.0.0.1', '127.1.2.3',
    '169.254.169.254', '169.254.0.1', '172.16.0.1', '172.31.255.255', '192.0.0.8', '192.0.2.1', '192.88.99.1', '192.168.1.1',
    '198.18.0.1', '198.19.255.255', '198.51.100.7', '203.0.113.9', '224.0.0.1', '239.255.255.250', '240.0.0.1', '255.255.255.255',
    // IPv6
    '::', '::1', '0:0:0:0:0:0:0:1', 'fe80::1', 'febf::1', 'fc00::1', 'fd12:3456::1', 'fec0::1', 'ff02::1', 'ff0e::1',
    '2001:db8::1', '2001::1', '2002:c0a8:101::1', '100::1', '64:ff9b:1::1',
    // IPv4-mapped, IPv4-compatible and NAT64 forms of refused IPv4
    '::ffff:127.0.0.1', '::ffff:7f00:1', '0:0:0:0:0:ffff:7f00:1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::ffff:a9fe:a9fe',
    '::ffff:192.168.0.1', '::ffff:100.64.0.1', '::ffff:0.0.0.0', '::127.0.0.1', '::7f00:1', '::a00:1',
    '64:ff9b::7f00:1', '64:ff9b::127.0.0.1', '64:ff9b::a9fe:a9fe', '64:ff9b::10.1.2.3', '64:ff9b::192.168.1.1', '64:ff9b::ac10:1',
    // not addresses at all
    'localhost', '', '1.2.3', '::g',
  ];
  const allowed = ['8.8.8.8', '1.1.1.1', '93.184.216.34', '172.32.0.1', '100.128.0.1', '169.255.0.1', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'];

  it.each(refused)('refuses %s', (ip) => expect(isNonPublicAddress(ip)).toBe(true));
  it.each(allowed)('allows %s', (ip) => expect(isNonPublicAddress(ip)).toBe(false));

  it('knows loopback in every form', () => {
    for (const ip of ['127.0.0.1', '127.9.9.9', '::1', '::ffff:127.0.0.1']) expect(isLoopbackAddress(ip)).toBe(true);
    for (const ip of ['10.0.0.1', '::', '8.8.8.8', 'fe80::1']) expect(isLoopbackAddress(ip)).toBe(false);
  });
});

describe('staticRefusal (registration)', () => {
  const check = (u: string, local = false) => staticRefusal(new URL(u), local);
  it('refuses non-public IP literals, other ports, http and credentials outside local', () => {
    for (const u of ['https://169.254.169.254/latest/meta-data', 'https://127.0.0.1/x', 'https://[::1]/x', 'https://[::ffff:127.0.0.1]/x', 'https://10.1.2.3/', 'https://[fd00::1]/', 'https://[64:ff9b::a9fe:a9fe]/', 'https://0.0.0.0/']) {
      expect(check(u), u).toMatch(/private, loopback/);
    }
    expect(check('https://provider.example:8443/h')).toMatch(/port 443/);
    expect(check('https://provider.example:22/h')).toMatch(/port 443/);
    expect(check('http://provider.example/h')).toMatch(/https URL/);
    expect(check('http://127.0.0.1:8080/h')).toMatch(/https URL/);
    expect(check('https://u:p@provider.example/h')).toMatch(/credentials/);
    expect(check('https://provider.example/h')).toBeUndefined();
    expect(check('https://provider.example:443/h')).toBeUndefined();
    expect(check('https://8.8.8.8/h')).toBeUndefined();
  });
  it('in the local stage, loopback may use http on any port; other private ranges stay refused', () => {
    expect(check('http://127.0.0.1:4567/webhooks', true)).toBeUndefined();
    expect(check('http://[::1]:4567/webhooks', true)).toBeUndefined();
    expect(check('http://localhost:4567/webhooks', true)).toBeUndefined();
    expect(check('http://10.0.0.1:4567/webhooks', true)).toMatch(/https URL/);
    expect(check('https://169.254.169.254/', true)).toMatch(/private, loopback/);
  });
});

describe('safePost', () => {
  const servers: Server[] = [];
  const hits = { target: 0, redirected: 0 };
  let targetPort = 0;
  let redirectPort = 0;
  let lastHost = '';
  const listen = (s: Server) => new Promise<number>((r) => s.listen(0, '127.0.0.1', () => r((s.address() as { port: number }).port)));

  beforeAll(async () => {
    const target = createServer((req, res) => {
      hits.target++;
      lastHost = req.headers.host ?? '';
      req.resume();
      req.on('end', () => res.end('ok'));
    });
    targetPort = await listen(target);
    const redirector = createServer((req, res) => {
      hits.redirected++;
      req.resume();
      req.on('end', () => {
        res.writeHead(302, { location: `http://127.0.0.1:${targetPort}/stolen` });
        res.end();
      });
    });
    redirectPort = await listen(redirector);
    servers.push(target, redirector);
  });
  afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

  const init = () => ({ method: 'POST' as const, headers: { 'content-type': 'application/json' }, body: '{"a":1}', signal: AbortSignal.timeout(5000) });
  const resolvingTo = (...addresses: string[]): Resolver => async () => addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('outside local, refuses a name resolving to loopback, a mapped private address, or any non-public one among public ones', async () => {
    const before = hits.target;
    for (const resolve of [resolvingTo('127.0.0.1'), resolvingTo('::ffff:10.0.0.1'), resolvingTo('8.8.8.8', '169.254.169.254'), resolvingTo('::1'), resolvingTo('64:ff9b::7f00:1')]) {
      const err = await safePost('https://hooks.attacker.example/x', init(), { local: false, resolve }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(OutboundRefusedError);
      expect((err as Error).message).toBe('endpoint refused: resolves to a non-public address');
    }
    // http to the local server by name, and the IP literal itself, are refused too
    await expect(safePost(`http://hooks.attacker.example:${targetPort}/x`, init(), { local: false, resolve: resolvingTo('127.0.0.1') })).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(safePost(`https://127.0.0.1:${targetPort}/x`, init(), { local: false })).rejects.toBeInstanceOf(OutboundRefusedError);
    await expect(safePost(`https://127.0.0.1/x`, init(), { local: false })).rejects.toBeInstanceOf(OutboundRefusedError);
    expect(hits.target).toBe(before);
  });

  it('connects to the address it checked (the resolver is asked once), keeping the host name in Host', async () => {
    let calls = 0;
    const flipping: Resolver = async () => (calls++ === 0 ? [{ address: '127.0.0.1', family: 4 }] : [{ address: '10.9.9.9', family: 4 }]);
    const res = await safePost(`http://receiver.test:${targetPort}/hooks`, init(), { local: true, resolve: flipping });
    expect(res.status).toBe(200);
    expect(calls).toBe(1);
    expect(lastHost).toBe(`receiver.test:${targetPort}`);
  });

  it('in the local stage, a name resolving to a private non-loopback address is still refused', async () => {
    await expect(safePost('https://hooks.example/x', init(), { local: true, resolve: resolvingTo('10.0.0.1') })).rejects.toThrow('endpoint refused: resolves to a non-public address');
  });

  it('never follows a redirect: the 302 is the answer and the redirect target is never hit', async () => {
    const before = { ...hits };
    const res = await safePost(`http://127.0.0.1:${redirectPort}/hooks`, init(), { local: true });
    expect(res.status).toBe(302);
    expect(hits.redirected).toBe(before.redirected + 1);
    expect(hits.target).toBe(before.target);
  });

  it('an unresolvable name is a short refusal', async () => {
    const failing: Resolver = async () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }));
    await expect(safePost('https://nowhere.example/x', init(), { local: false, resolve: failing })).rejects.toThrow('endpoint host not found');
  });
});
