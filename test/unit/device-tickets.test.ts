import { createPrivateKey } from 'node:crypto';
import { decodeJwt, SignJWT, type JWTPayload } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import { identityConfig, resetConfig } from '../../lib/config/index.js';
import { DEVICE_TICKET_AUDIENCE, issueDeviceTicket, verifyDeviceTicket } from '../../lib/identity/device-tickets.js';
import { issuerJwks, issueTicket, newIssuerKeys, TICKET_AUDIENCE, TICKET_ISSUER, verifyTicket, type TicketPolicy } from '../../lib/identity/tickets.js';

const issuer = newIssuerKeys();
const other = newIssuerKeys();
const participant = 'urn:authenticateit:participant:735879621218609';
const uuid = 'a5ed8e8f-98bc-4c6a-a00a-2222db146808';
const deviceId = `735879621218609:${uuid}`;
const now = Date.UTC(2030, 0, 1);
const t0 = now / 1000;
const YEAR = 31_536_000;
const identityPolicy: TicketPolicy = { jwks: issuerJwks([issuer]), issuer: TICKET_ISSUER, audience: TICKET_AUDIENCE, maxLifetimeSeconds: 86400, clockSkewSeconds: 60 };
const devicePolicy: TicketPolicy = { ...identityPolicy, audience: DEVICE_TICKET_AUDIENCE, maxLifetimeSeconds: YEAR };
const verify = (ticket: string, p = devicePolicy) => verifyDeviceTicket(ticket, p, now);
const issue = async (extra: { participant?: string; deviceUuid?: string; ttlSeconds?: number } = {}, at = now, key = issuer) =>
  (await issueDeviceTicket(key, { participant, deviceUuid: uuid, ...extra }, at)).ticket;

/** A ticket with exactly these claims, signed by `key` (what issueDeviceTicket never makes). */
const signed = (claims: JWTPayload, key = issuer) =>
  new SignJWT(claims).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: issuer.kid }).sign(createPrivateKey(key.privateKey));
const claims = (extra: JWTPayload = {}): JWTPayload => ({
  sub: `urn:authenticateit:device:${deviceId}`,
  device_id: deviceId,
  participant,
  iss: TICKET_ISSUER,
  aud: DEVICE_TICKET_AUDIENCE,
  iat: t0,
  exp: t0 + 3600,
  ...extra,
});

describe('device tickets (ES256, audience retail-connect-terminal)', () => {
  it('round trip: the device id, participant and times, with sub urn:authenticateit:device:<device_id>', async () => {
    const { ticket, deviceId: issued } = await issueDeviceTicket(issuer, { participant, deviceUuid: uuid.toUpperCase(), ttlSeconds: 600 }, now);
    expect(issued).toBe(deviceId);
    expect(await verify(ticket)).toEqual({ deviceId, participant, iat: t0, exp: t0 + 600 });
    expect(decodeJwt(ticket)).toMatchObject({ sub: `urn:authenticateit:device:${deviceId}`, device_id: deviceId, participant, aud: DEVICE_TICKET_AUDIENCE, iss: TICKET_ISSUER });
    // Without a UUID the terminal gets a new one; by default the ticket lives a year.
    const fresh = await issueDeviceTicket(issuer, { participant }, now);
    expect(fresh.deviceId).toMatch(/^735879621218609:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(await verify(fresh.ticket)).toEqual({ deviceId: fresh.deviceId, participant, iat: t0, exp: t0 + YEAR });
  });

  it('a participant id may hold colons: the uuid is what follows the last one', async () => {
    const p = 'urn:authenticateit:participant:email:shop@example.com';
    expect(await verify(await issue({ participant: p }))).toMatchObject({ deviceId: `email:shop@example.com:${uuid}`, participant: p });
  });

  it('an identity ticket is never a device ticket, and a device ticket never an identity ticket', async () => {
    const identity = await issueTicket(issuer, { sub: 'urn:authenticateit:user:7', participant }, now);
    await expect(verify(identity)).rejects.toThrow(`ticket audience is not ${DEVICE_TICKET_AUDIENCE}`);
    await expect(verifyTicket(await issue(), identityPolicy, now)).rejects.toThrow(`ticket audience is not ${TICKET_AUDIENCE}`);
    // Even under the other's audience (a misconfigured IDENTITY_AUDIENCE), the claims tell them apart.
    await expect(verify(await issueTicket(issuer, { sub: 'urn:authenticateit:user:7', participant, aud: DEVICE_TICKET_AUDIENCE }, now))).rejects.toThrow('device ticket has no device_id');
    await expect(verifyTicket(await signed(claims({ aud: TICKET_AUDIENCE })), identityPolicy, now)).rejects.toThrow('ticket has no user');
  });

  it('refuse a device_id that is not <participant id>:<uuid>', async () => {
    for (const bad of ['735879621218609', uuid, `:${uuid}`, '735879621218609:not-a-uuid', `735879621218609:${uuid.toUpperCase()}`, `735 879:${uuid}`, `${'9'.repeat(201)}:${uuid}`]) {
      await expect(verify(await signed(claims({ device_id: bad, sub: `urn:authenticateit:device:${bad}` }))), bad).rejects.toThrow('device ticket has a malformed device_id (must be <participant id>:<uuid>)');
    }
    await expect(verify(await signed(claims({ device_id: 42 })))).rejects.toThrow('device ticket has no device_id');
    await expect(issueDeviceTicket(issuer, { participant, deviceUuid: 'terminal-1' })).rejects.toThrow('device uuid must be a UUID');
    await expect(issueDeviceTicket(issuer, { participant: 'acme' })).rejects.toThrow('participant must be urn:authenticateit:participant:<id>');
  });

  it("refuse a participant that is not the device_id's, and a sub that is not the device's", async () => {
    await expect(verify(await signed(claims({ participant: 'urn:authenticateit:participant:42' })))).rejects.toThrow(
      `device ticket participant urn:authenticateit:participant:42 does not match its device_id (${participant})`,
    );
    await expect(verify(await signed(claims({ participant: undefined })))).rejects.toThrow('device ticket has no participant');
    await expect(verify(await signed(claims({ participant: '735879621218609' })))).rejects.toThrow('device ticket has no participant');
    await expect(verify(await signed(claims({ sub: 'urn:authenticateit:user:7' })))).rejects.toThrow('device ticket sub must be urn:authenticateit:device:<device_id>');
    await expect(verify(await signed(claims({ sub: `urn:authenticateit:device:42:${uuid}` })))).rejects.toThrow('device ticket sub must be urn:authenticateit:device:<device_id>');
  });

  it('refuse a lifetime over the maximum (the policy: DEVICE_TICKET_MAX_LIFETIME_SECONDS), and accept the maximum', async () => {
    await expect(verify(await issue({ ttlSeconds: YEAR + 1 }))).rejects.toThrow(`ticket lifetime (exp - iat) is over ${YEAR} s`);
    expect((await verify(await issue({ ttlSeconds: YEAR }))).exp).toBe(t0 + YEAR);
    await expect(verify(await issue({ ttlSeconds: 3600 }), { ...devicePolicy, maxLifetimeSeconds: 600 })).rejects.toThrow('ticket lifetime (exp - iat) is over 600 s');
  });

  it('refuse an expired ticket (beyond the clock skew)', async () => {
    await expect(verify(await issue({ ttlSeconds: 600 }, now - 661_000))).rejects.toThrow('ticket expired');
    expect((await verify(await issue({ ttlSeconds: 600 }, now - 659_000))).deviceId).toBe(deviceId);
  });

  it("refuse another key's kid, another key's signature, and tampering", async () => {
    await expect(verify(await issue({}, now, other))).rejects.toThrow('ticket key id (kid) is not one of the identity service keys');
    await expect(verify(await signed(claims(), other))).rejects.toThrow('invalid ticket signature');
    const [h, p, s] = (await issue()).split('.');
    const forged = Buffer.from(JSON.stringify({ ...decodeJwt(`${h}.${p}.${s}`), participant: 'urn:authenticateit:participant:42', device_id: `42:${uuid}`, sub: `urn:authenticateit:device:42:${uuid}` })).toString('base64url');
    await expect(verify(`${h}.${forged}.${s}`)).rejects.toThrow('invalid ticket signature');
    await expect(verify('abc')).rejects.toThrow('malformed ticket');
  });
});

describe('DEVICE_TICKET_MAX_LIFETIME_SECONDS', () => {
  const saved = { jwks: process.env.IDENTITY_JWKS, max: process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS };
  afterEach(() => {
    process.env.IDENTITY_JWKS = saved.jwks;
    if (saved.max === undefined) delete process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS;
    else process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS = saved.max;
    resetConfig();
  });

  it('defaults to a year and must be a positive integer', () => {
    process.env.IDENTITY_JWKS = issuerJwks([issuer]);
    delete process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS;
    resetConfig();
    expect(identityConfig().DEVICE_TICKET_MAX_LIFETIME_SECONDS).toBe('31536000');
    process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS = '0';
    resetConfig();
    expect(() => identityConfig()).toThrow(/DEVICE_TICKET_MAX_LIFETIME_SECONDS must be a positive integer/);
  });
});
