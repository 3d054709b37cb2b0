import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { isFailure } from '../../lib/errors.js';
import { identityTicket, participantTicket, systemRole } from '../../lib/http/auth/identity.js';
import type { HttpRequest } from '../../lib/http/handler.js';
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
  const SETTINGS = ['IDENTITY_JWKS', 'IDENTITY_ISSUER', 'IDENTITY_AUDIENCE', 'TICKET_MAX_LIFETIME_SECONDS', 'TICKET_CLOCK_SKEW_SECONDS'] as const;
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
});
