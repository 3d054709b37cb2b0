import { describe, expect, it } from 'vitest';
import { moderationCode, readCode } from '../../lib/coins/moderation.js';

describe('moderation links', () => {
  it('carry the transfer and the moderator, and refuse tampering and expiry', () => {
    const code = moderationCode('t-1', 'mod@example.com');
    expect(readCode(code)).toEqual({ transferUuid: 't-1', moderator: 'mod@example.com' });
    const [payload, sig] = code.split('.');
    const other = Buffer.from(JSON.stringify({ t: 't-2', m: 'mod@example.com', e: 9e9 })).toString('base64url');
    expect(() => readCode(`${other}.${sig}`)).toThrow(/not valid/);
    expect(() => readCode(`${payload}.${sig}x`)).toThrow(/not valid/);
    const old = moderationCode('t-1', 'mod@example.com', Date.now() - 100 * 3600_000);
    expect(() => readCode(old)).toThrow(/expired/);
  });
});
