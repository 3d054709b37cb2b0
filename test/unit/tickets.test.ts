import { createPrivateKey } from 'node:crypto';
import { SignJWT, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, identityConfig, resetConfig } from '../../lib/config/index.js';
import { issuerJwks, issueTicket, keyIdOf, newIssuerKeys, TICKET_AUDIENCE, TICKET_ISSUER, verifyTicket, type TicketPolicy } from '../../lib/identity/tickets.js';

const issuer = newIssuerKeys();
const other = newIssuerKeys();
const user = 'urn:authenticateit:user:email:ann@example.com';
const now = Date.UTC(2030, 0, 1);
const t0 = now / 1000;
const policy = (keys: { publicKey: string; kid: string }[] = [issuer]): TicketPolicy => ({
  jwks: issuerJwks(keys),
  issuer: TICKET_ISSUER,
  audience: TICKET_AUDIENCE,
  maxLifetimeSeconds: 86400,
  clockSkewSeconds: 60,
});
const verify = (ticket: string, p = policy()) => verifyTicket(ticket, p, now);

/** A ticket with exactly these claims and header, signed by `key` (what issueTicket never makes). */
const signed = (claims: JWTPayload, header: Record<string, unknown> = { alg: 'ES256', typ: 'JWT', kid: issuer.kid }, key = issuer) =>
  new SignJWT(claims).setProtectedHeader(header as { alg: string }).sign(createPrivateKey(key.privateKey));
const claims = (extra: JWTPayload = {}): JWTPayload => ({ sub: user, roles: [], iss: TICKET_ISSUER, aud: TICKET_AUDIENCE, iat: t0, exp: t0 + 3600, ...extra });
const without = (name: string) => Object.fromEntries(Object.entries(claims()).filter(([k]) => k !== name));

describe('identity tickets (ES256, jose)', () => {
  it('verify with the issuer key and carry user, participant, roles, issuer and times', async () => {
    const t = await issueTicket(issuer, { sub: user, participant: 'urn:authenticateit:participant:42', roles: ['system'] }, now);
    expect(await verify(t)).toEqual({ sub: user, participant: 'urn:authenticateit:participant:42', roles: ['system'], iss: TICKET_ISSUER, iat: t0, exp: t0 + 3600, profile: {} });
  });

  it('carry the OpenID Connect profile claims given, and refuse a malformed one', async () => {
    const profile = { email: 'ann@example.com', given_name: 'Ann', family_name: 'Lee', phone_number: '+61400000000', picture: 'https://cdn.example.com/ann.png' };
    expect((await verify(await issueTicket(issuer, { sub: user, profile }, now))).profile).toEqual(profile);
    expect((await verify(await signed(claims({ given_name: 'Ann', nickname: 'annie' })))).profile).toEqual({ given_name: 'Ann' });
    await expect(verify(await signed(claims({ email: 42 })))).rejects.toThrow('ticket has a malformed email claim');
    await expect(verify(await signed(claims({ picture: 'x'.repeat(501) })))).rejects.toThrow('ticket has a malformed picture claim');
  });

  it('refuse tickets without a kid or with a kid the key set does not list', async () => {
    await expect(verify(await signed(claims(), { alg: 'ES256', typ: 'JWT' }))).rejects.toThrow('ticket has no key id (kid)');
    await expect(verify(await issueTicket(other, { sub: user }, now))).rejects.toThrow('ticket key id (kid) is not one of the identity service keys');
    // A listed kid does not vouch for another key's signature.
    await expect(verify(await signed(claims(), { alg: 'ES256', typ: 'JWT', kid: issuer.kid }, other))).rejects.toThrow('invalid ticket signature');
  });

  it('refuse a wrong issuer or audience', async () => {
    await expect(verify(await issueTicket(issuer, { sub: user, iss: 'someone-else' }, now))).rejects.toThrow(`ticket issuer is not ${TICKET_ISSUER}`);
    await expect(verify(await issueTicket(issuer, { sub: user, aud: 'retail-connect' }, now))).rejects.toThrow(`ticket audience is not ${TICKET_AUDIENCE}`);
    await expect(verify(await signed(without('aud')))).rejects.toThrow('ticket has no aud claim');
  });

  it('refuse a missing exp or iat', async () => {
    await expect(verify(await signed(without('exp')))).rejects.toThrow('ticket has no exp claim');
    await expect(verify(await signed(without('iat')))).rejects.toThrow('ticket has no iat claim');
  });

  it('refuse iat in the future beyond the clock skew, and accept it within', async () => {
    await expect(verify(await signed(claims({ iat: t0 + 61, exp: t0 + 600 })))).rejects.toThrow('ticket is issued in the future (iat)');
    expect((await verify(await signed(claims({ iat: t0 + 60, exp: t0 + 600 })))).iat).toBe(t0 + 60);
  });

  it('refuse a lifetime (exp - iat) above the maximum, and accept the maximum', async () => {
    await expect(verify(await issueTicket(issuer, { sub: user, ttlSeconds: 86401 }, now))).rejects.toThrow('ticket lifetime (exp - iat) is over 86400 s');
    expect((await verify(await issueTicket(issuer, { sub: user, ttlSeconds: 86400 }, now))).exp).toBe(t0 + 86400);
    // Shorter limits come from the policy (TICKET_MAX_LIFETIME_SECONDS).
    await expect(verify(await issueTicket(issuer, { sub: user, ttlSeconds: 3600 }, now), { ...policy(), maxLifetimeSeconds: 600 })).rejects.toThrow('ticket lifetime (exp - iat) is over 600 s');
  });

  it('refuse nbf in the future beyond the clock skew, and accept it within', async () => {
    await expect(verify(await issueTicket(issuer, { sub: user, notBeforeSeconds: 61 }, now))).rejects.toThrow('ticket is not valid yet (nbf is in the future)');
    expect((await verify(await issueTicket(issuer, { sub: user, notBeforeSeconds: 60 }, now))).sub).toBe(user);
  });

  it('refuse expiry beyond the clock skew, and accept it within', async () => {
    await expect(verify(await issueTicket(issuer, { sub: user, ttlSeconds: 600 }, now - 661_000))).rejects.toThrow('ticket expired');
    expect((await verify(await issueTicket(issuer, { sub: user, ttlSeconds: 600 }, now - 659_000))).sub).toBe(user);
    // An old iat with a long exp is still too old.
    await expect(verify(await signed(claims({ iat: t0 - 86461, exp: t0 + 60 })))).rejects.toThrow('ticket was issued more than 86400 s ago');
  });

  it('refuse another typ, alg swaps, tampering and malformed input', async () => {
    await expect(verify(await signed(claims(), { alg: 'ES256', typ: 'at+jwt', kid: issuer.kid }))).rejects.toThrow('ticket typ must be JWT');
    const [h, p, s] = (await issueTicket(issuer, { sub: user }, now)).split('.');
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p!, 'base64url').toString()), sub: 'urn:authenticateit:user:mallory' })).toString('base64url');
    await expect(verify(`${h}.${forged}.${s}`)).rejects.toThrow('invalid ticket signature');
    const none = Buffer.from(JSON.stringify({ alg: 'none', kid: issuer.kid })).toString('base64url');
    await expect(verify(`${none}.${p}.`)).rejects.toThrow('unsupported ticket algorithm');
    await expect(verify('abc')).rejects.toThrow('malformed ticket');
    await expect(verify(`${h}.bm90IGpzb24.${s}`)).rejects.toThrow(/malformed|signature/);
    await expect(issueTicket(issuer, { sub: 'bob' })).rejects.toThrow(/urn:authenticateit:user/);
  });

  it('keep the claim shape checks: user and participant URNs, roles an array of strings', async () => {
    await expect(verify(await signed(claims({ sub: 'bob' })))).rejects.toThrow('ticket has no user');
    await expect(verify(await signed(claims({ participant: 'acme' })))).rejects.toThrow('ticket has a malformed participant');
    await expect(verify(await signed(claims({ roles: 'system' })))).rejects.toThrow('ticket roles must be an array of strings');
    await expect(verify(await signed(claims({ roles: ['system', 1] })))).rejects.toThrow('ticket roles must be an array of strings');
    expect((await verify(await signed(without('roles')))).roles).toEqual([]);
  });

  it('rotate keys by kid: old and new verify while both are listed; once the old one is removed its tickets are refused', async () => {
    const next = newIssuerKeys();
    const oldTicket = await issueTicket(issuer, { sub: user }, now);
    const newTicket = await issueTicket(next, { sub: user }, now);
    await expect(verify(newTicket)).rejects.toThrow('ticket key id (kid) is not one of the identity service keys');
    const during = policy([issuer, next]);
    expect((await verify(oldTicket, during)).sub).toBe(user);
    expect((await verify(newTicket, during)).sub).toBe(user);
    const after = policy([next]);
    await expect(verify(oldTicket, after)).rejects.toThrow('ticket key id (kid) is not one of the identity service keys');
    expect((await verify(newTicket, after)).sub).toBe(user);
  });

  it('name keys by their thumbprint, so a key pair always gets the same kid', () => {
    expect(keyIdOf(issuer.publicKey)).toBe(issuer.kid);
    expect(issuer.kid).not.toBe(other.kid);
    expect(issuer.kid).toMatch(/^[\w-]{43}$/);
  });
});

describe('IDENTITY_JWKS and the ticket settings', () => {
  const saved = process.env.IDENTITY_JWKS;
  afterEach(() => {
    process.env.IDENTITY_JWKS = saved;
    resetConfig();
  });
  const withJwks = (value: string) => {
    process.env.IDENTITY_JWKS = value;
    resetConfig();
    return () => identityConfig();
  };
  const jwk = JSON.parse(issuerJwks([issuer])).keys[0] as Record<string, unknown>;

  it('default the issuer, audience, lifetime and clock skew', () => {
    expect(withJwks(issuerJwks([issuer, other]))()).toMatchObject({ IDENTITY_ISSUER: 'authenticateit-identity', IDENTITY_AUDIENCE: 'payments-service', TICKET_MAX_LIFETIME_SECONDS: '86400', TICKET_CLOCK_SKEW_SECONDS: '60' });
    expect([TICKET_ISSUER, TICKET_AUDIENCE]).toEqual(['authenticateit-identity', 'payments-service']);
  });

  it('accept only ES256 (P-256) public keys, each with its own kid', () => {
    expect(withJwks('not json')).toThrow(ConfigError);
    expect(withJwks('{"keys":[]}')).toThrow(/IDENTITY_JWKS must be \{"keys":\[\.\.\.\]\} with at least one key/);
    expect(withJwks(JSON.stringify({ keys: [{ ...jwk, kid: undefined }] }))).toThrow(/IDENTITY_JWKS needs a kid on every key/);
    expect(withJwks(JSON.stringify({ keys: [jwk, jwk] }))).toThrow(/IDENTITY_JWKS lists kid .* twice/);
    expect(withJwks(JSON.stringify({ keys: [{ ...jwk, crv: 'P-384' }] }))).toThrow(/must be an EC P-256 public key/);
    expect(withJwks(JSON.stringify({ keys: [{ ...jwk, alg: 'RS256' }] }))).toThrow(/must have alg ES256/);
    const privateJwk = createPrivateKey(issuer.privateKey).export({ format: 'jwk' });
    expect(withJwks(JSON.stringify({ keys: [{ ...privateJwk, kid: 'k' }] }))).toThrow(/is a private key/);
  });
});
