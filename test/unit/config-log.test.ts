import { afterEach, describe, expect, it, vi } from 'vitest';
import { chainConfig, coreConfig, resetConfig } from '../../lib/config/index.js';
import { redact } from '../../lib/log/index.js';

describe('config', () => {
  afterEach(() => resetConfig());

  it('names the missing variable', () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    try {
      resetConfig();
      expect(() => coreConfig()).toThrow('TABLE_NAME is not set');
    } finally {
      process.env.TABLE_NAME = saved;
    }
  });

  it('says what is wrong with a malformed value', () => {
    Object.assign(process.env, { RPC_URL: 'http://x', TOKEN_ADDRESS: 'nope', TREASURY_PRIVATE_KEY: '0x' + '1'.repeat(64) });
    expect(() => chainConfig()).toThrow('TOKEN_ADDRESS must be a 0x address');
  });
});

describe('log redaction', () => {
  it('hides secrets at any depth and keeps the rest', () => {
    expect(redact({ partner: 'p', partner_key: 'pk_x', nested: { apiKey: 'k', pan: '4111', list: [{ token: 't' }] } })).toEqual({
      partner: 'p',
      partner_key: '[redacted]',
      nested: { apiKey: '[redacted]', pan: '[redacted]', list: [{ token: '[redacted]' }] },
    });
  });
});

describe('request logs', () => {
  it('name the route template and the request id, never the raw path (it carries claim codes)', async () => {
    const { httpHandler } = await import('../../lib/http/handler.js');
    const family = { name: 'test', errorBody: (e: { message: string }) => ({ error: e.message }) };
    const handler = httpHandler(family as never, async () => {
      throw new Error('boom');
    });
    const lines: string[] = [];
    const spies = [process.stdout, process.stderr].map((stream) =>
      vi.spyOn(stream, 'write').mockImplementation((chunk: unknown) => (lines.push(String(chunk)), true)),
    );
    const level = process.env.LOG_LEVEL;
    process.env.LOG_LEVEL = 'info';
    try {
      const res = (await handler(
        { version: '2.0', routeKey: 'GET /textcoin/{code}', rawPath: '/textcoin/SECRET-CLAIM-CODE', headers: {}, requestContext: { http: { method: 'GET', path: '/textcoin/SECRET-CLAIM-CODE' }, requestId: 'gw-1' } } as never,
        { awsRequestId: 'req-123' } as never,
      )) as { statusCode: number };
      expect(res.statusCode).toBe(500);
    } finally {
      spies.forEach((s) => s.mockRestore());
      process.env.LOG_LEVEL = level;
    }
    const logged = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(logged.map((l) => l.msg)).toEqual(['request failed', 'request']);
    for (const l of logged) expect(l).toMatchObject({ route: 'GET /textcoin/{code}', requestId: 'req-123' });
    expect(lines.join('')).not.toContain('SECRET-CLAIM-CODE');
  });
});
