import { describe, expect, it } from 'vitest';
import { issueTicket, newIssuerKeys, verifyTicket } from '../../lib/identity/tickets.js';

describe('identity tickets (ES256)', () => {
  const issuer = newIssuerKeys();
  const other = newIssuerKeys();
  const user = 'urn:authenticateit:user:email:ann@example.com';

  it('verify with the issuer key and carry user, participant and roles', () => {
    const t = issueTicket(issuer.privateKey, { sub: user, participant: 'urn:authenticateit:participant:42', roles: ['system'] });
    expect(verifyTicket(issuer.publicKey, t)).toMatchObject({ sub: user, participant: 'urn:authenticateit:participant:42', roles: ['system'] });
  });

  it('refuse another issuer, tampering, expiry, alg swaps and malformed input', () => {
    const t = issueTicket(issuer.privateKey, { sub: user });
    expect(() => verifyTicket(other.publicKey, t)).toThrow(/signature/);
    const [h, p, s] = t.split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'urn:authenticateit:user:mallory' })).toString('base64url');
    expect(() => verifyTicket(issuer.publicKey, `${h}.${forged}.${s}`)).toThrow(/signature/);
    const none = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    expect(() => verifyTicket(issuer.publicKey, `${none}.${p}.`)).toThrow(/algorithm/);
    const old = issueTicket(issuer.privateKey, { sub: user, ttlSeconds: 60 }, Date.now() - 3_600_000);
    expect(() => verifyTicket(issuer.publicKey, old)).toThrow(/expired/);
    expect(() => verifyTicket(issuer.publicKey, 'abc')).toThrow(/malformed/);
    expect(() => issueTicket(issuer.privateKey, { sub: 'bob' })).toThrow(/urn:authenticateit:user/);
  });
});
