import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { isFailure } from '../../lib/errors.js';
import { identityTicket, participantTicket, systemRole, terminalDevice, userOrTerminal } from '../../lib/http/auth/identity.js';
import { openApiDocument } from '../../lib/docs/openapi.js';
import { paymentsErrors } from '../../lib/http/error-tables.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute } from '../../lib/http/route.js';
import type { HttpRequest } from '../../lib/http/handler.js';
import { issueDeviceTicket } from '../../lib/identity/device-tickets.js';
import { issuerJwks, issueTicket, newIssuerKeys, type TicketRequest } from '../../lib/identity/tickets.js';

const issuer = newIssuerKeys();
const request = (ticket?: string) => ({ headers: ticket ? { 'Authenticateit_Identity_Ticket': ` ${ticket} ` } : {} }) as unknown as HttpRequest;
const ticket = (extra: Partial<TicketRequest> = {}) => issueTicket(issuer, { sub: 'urn:authenticateit:user:7', ...extra });
const failure = async (run: () => unknown) => {
  try {
    await run();
  } catch (err) {
    return isFailure(err) ? `${err.code}: ${err.message}` : err;
  }
  return 'accepted';
};

describe('identity ticket schemes', () => {
  const SETTINGS = ['IDENTITY_JWKS', 'IDENTITY_ISSUER', 'IDENTITY_AUDIENCE', 'TICKET_MAX_LIFETIME_SECONDS', 'TICKET_CLOCK_SKEW_SECONDS', 'DEVICE_TICKET_MAX_LIFETIME_SECONDS'] as const;
  const saved = Object.fromEntries(SETTINGS.map((name) => [name, process.env[name]]));
  const restore = () => {
    for (const name of SETTINGS) {
      if (saved[name] === undefined) delete process.env[name];
      else process.env[name] = saved[name];
    }
    process.env.IDENTITY_JWKS = issuerJwks([issuer]);
    resetConfig();
  };
  const configure = (env: Partial<Record<(typeof SETTINGS)[number], string>>) => {
    Object.assign(process.env, env);
    resetConfig();
  };
  beforeAll(restore);
  afterEach(restore);
  afterAll(() => {
    process.env.IDENTITY_JWKS = saved.IDENTITY_JWKS;
    resetConfig();
  });

  it('the system role needs a valid ticket that carries the role', async () => {
    expect(await systemRole.authenticate(request(await ticket({ roles: ['system'] })))).toMatchObject({ sub: 'urn:authenticateit:user:7', roles: ['system'] });
    expect(await failure(async () => systemRole.authenticate(request(await ticket())))).toMatch(/^not_system/);
    expect(await failure(() => systemRole.authenticate(request()))).toMatch(/^no_ticket/);
    expect(await failure(async () => systemRole.authenticate(request(await issueTicket(newIssuerKeys(), { sub: 'urn:authenticateit:user:7', roles: ['system'] }))))).toMatch(/^bad_ticket/);
  });

  it('a participant ticket names its participant', async () => {
    expect(await participantTicket.authenticate(request(await ticket({ participant: 'urn:authenticateit:participant:3' })))).toMatchObject({ participant: 'urn:authenticateit:participant:3' });
    expect(await failure(async () => participantTicket.authenticate(request(await ticket())))).toMatch(/^no_participant/);
  });

  it('verify against IDENTITY_JWKS, IDENTITY_ISSUER and IDENTITY_AUDIENCE', async () => {
    const next = newIssuerKeys();
    const fromNext = await issueTicket(next, { sub: 'urn:authenticateit:user:7' });
    expect(await failure(() => identityTicket.authenticate(request(fromNext)))).toBe('bad_ticket: invalid identity ticket: ticket key id (kid) is not one of the identity service keys');
    configure({ IDENTITY_JWKS: issuerJwks([issuer, next]) });
    expect(await identityTicket.authenticate(request(fromNext))).toMatchObject({ sub: 'urn:authenticateit:user:7' });
    expect(await identityTicket.authenticate(request(await ticket()))).toMatchObject({ sub: 'urn:authenticateit:user:7' });

    configure({ IDENTITY_AUDIENCE: 'retail-connect' });
    expect(await failure(async () => identityTicket.authenticate(request(await ticket())))).toBe('bad_ticket: invalid identity ticket: ticket audience is not retail-connect');
    expect(await identityTicket.authenticate(request(await ticket({ aud: 'retail-connect' })))).toMatchObject({ sub: 'urn:authenticateit:user:7' });

    configure({ IDENTITY_ISSUER: 'identity-staging' });
    expect(await failure(async () => identityTicket.authenticate(request(await ticket({ aud: 'retail-connect' }))))).toBe('bad_ticket: invalid identity ticket: ticket issuer is not identity-staging');
  });

  it('take the lifetime and clock skew from TICKET_MAX_LIFETIME_SECONDS and TICKET_CLOCK_SKEW_SECONDS', async () => {
    configure({ TICKET_MAX_LIFETIME_SECONDS: '600' });
    expect(await failure(async () => identityTicket.authenticate(request(await ticket({ ttlSeconds: 601 }))))).toBe('bad_ticket: invalid identity ticket: ticket lifetime (exp - iat) is over 600 s');
    expect(await identityTicket.authenticate(request(await ticket({ ttlSeconds: 600 })))).toMatchObject({ sub: 'urn:authenticateit:user:7' });

    const early = await ticket({ notBeforeSeconds: 30, ttlSeconds: 600 });
    expect(await identityTicket.authenticate(request(early))).toMatchObject({ sub: 'urn:authenticateit:user:7' });
    configure({ TICKET_CLOCK_SKEW_SECONDS: '0' });
    expect(await failure(() => identityTicket.authenticate(request(early)))).toBe('bad_ticket: invalid identity ticket: ticket is not valid yet (nbf is in the future)');
  });

  describe('store terminals', () => {
    const store = 'urn:authenticateit:participant:735879621218609';
    const uuid = 'a5ed8e8f-98bc-4c6a-a00a-2222db146808';
    const device = async (participant = store, ttlSeconds?: number) => (await issueDeviceTicket(issuer, { participant, deviceUuid: uuid, ...(ttlSeconds ? { ttlSeconds } : {}) })).ticket;
    const terminal = (identity?: string, deviceTicket?: string) =>
      ({ headers: { ...(identity ? { authenticateit_identity_ticket: identity } : {}), ...(deviceTicket ? { 'Authenticateit_Terminal_Device': ` ${deviceTicket} ` } : {}) } }) as unknown as HttpRequest;
    const operator = () => ticket({ participant: store });

    it('a terminal needs both tickets, the device one for the operator\'s participant', async () => {
      expect(await terminalDevice.authenticate(terminal(await operator(), await device()))).toMatchObject({
        operator: { sub: 'urn:authenticateit:user:7', participant: store },
        device: { deviceId: `735879621218609:${uuid}`, participant: store },
      });
      expect(await failure(async () => terminalDevice.authenticate(terminal(await operator())))).toBe('no_device: authenticateit_terminal_device header is required');
      expect(await failure(async () => terminalDevice.authenticate(terminal(undefined, await device())))).toMatch(/^no_ticket/);
      expect(await failure(async () => terminalDevice.authenticate(terminal(await operator(), 'junk')))).toBe('bad_device: invalid device ticket: malformed ticket');
      // Neither ticket passes for the other.
      expect(await failure(async () => terminalDevice.authenticate(terminal(await operator(), await operator())))).toBe('bad_device: invalid device ticket: ticket audience is not retail-connect-terminal');
      expect(await failure(async () => terminalDevice.authenticate(terminal(await device(), await device())))).toBe('bad_ticket: invalid identity ticket: ticket audience is not payments-service');
      // A store's staff operate its terminals, nobody else's; a ticket for no participant operates none.
      expect(await failure(async () => terminalDevice.authenticate(terminal(await operator(), await device('urn:authenticateit:participant:42'))))).toBe(
        'device_not_operator: this terminal belongs to urn:authenticateit:participant:42: the identity ticket must be for that participant',
      );
      expect(await failure(async () => terminalDevice.authenticate(terminal(await ticket({ roles: ['system'] }), await device())))).toMatch(/^device_not_operator/);
      expect([paymentsErrors.no_device, paymentsErrors.bad_device, paymentsErrors.device_not_operator]).toEqual([401, 401, 403]);
    });

    it('take the device lifetime from DEVICE_TICKET_MAX_LIFETIME_SECONDS, the identity one staying a day', async () => {
      expect(await terminalDevice.authenticate(terminal(await operator(), await device(store, 31_536_000)))).toMatchObject({ device: { participant: store } });
      configure({ DEVICE_TICKET_MAX_LIFETIME_SECONDS: '600' });
      expect(await failure(async () => terminalDevice.authenticate(terminal(await operator(), await device(store, 601))))).toBe('bad_device: invalid device ticket: ticket lifetime (exp - iat) is over 600 s');
      expect(await failure(async () => identityTicket.authenticate(request(await ticket({ ttlSeconds: 86401 }))))).toMatch(/^bad_ticket: .* over 86400 s/);
    });

    it('user or terminal: a terminal when the device header is sent, a user otherwise', async () => {
      expect(await userOrTerminal.authenticate(terminal(await operator(), await device()))).toMatchObject({ kind: 'terminal', operator: { participant: store }, device: { participant: store } });
      expect(await userOrTerminal.authenticate(terminal(await ticket()))).toMatchObject({ kind: 'user', claims: { sub: 'urn:authenticateit:user:7' } });
      expect(await failure(async () => userOrTerminal.authenticate(terminal(await ticket(), await device())))).toMatch(/^device_not_operator/);
      expect(await failure(async () => userOrTerminal.authenticate(terminal(await operator(), 'junk')))).toMatch(/^bad_device/);
      expect(await failure(() => userOrTerminal.authenticate(terminal()))).toMatch(/^no_ticket/);
    });

    it('document both headers: required together for terminals, the identity ticket alone for users', () => {
      expect(terminalDevice.security).toEqual([{ identityTicket: [], terminalDevice: [] }]);
      expect(userOrTerminal.security).toEqual([{ identityTicket: [], terminalDevice: [] }, { identityTicket: [] }]);
      expect(terminalDevice.securitySchemes.terminalDevice).toMatchObject({ type: 'apiKey', in: 'header', name: 'authenticateit_terminal_device' });
      expect(Object.keys(userOrTerminal.securitySchemes).sort()).toEqual(['identityTicket', 'terminalDevice']);
      const route = defineRoute({ method: 'POST', path: '/payments-service/terminal/example', family: paymentsFamily, auth: terminalDevice, summary: 'x', errors: { 401: 'x' }, uses: [] });
      const doc = openApiDocument([{ name: 'terminalExample', route }]);
      expect(doc.paths['/payments-service/terminal/example']!.post).toMatchObject({ security: [{ identityTicket: [], terminalDevice: [] }], 'x-auth': 'terminalDevice' });
      expect(Object.keys(doc.components.securitySchemes).sort()).toEqual(['identityTicket', 'terminalDevice']);
    });
  });
});
