import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { isFailure } from '../../lib/errors.js';
import { participantTicket, systemRole } from '../../lib/http/auth/identity.js';
import type { HttpRequest } from '../../lib/http/handler.js';
import { issueTicket, newIssuerKeys } from '../../lib/identity/tickets.js';

const issuer = newIssuerKeys();
const request = (ticket?: string) => ({ headers: ticket ? { 'Authenticateit_Identity_Ticket': ` ${ticket} ` } : {} }) as unknown as HttpRequest;
const ticket = (extra: { participant?: string; roles?: string[] } = {}) => issueTicket(issuer.privateKey, { sub: 'urn:authenticateit:user:7', ...extra });
const failure = async (run: () => unknown) => {
  try {
    await run();
  } catch (err) {
    return isFailure(err) ? err.code : err;
  }
  return 'accepted';
};

describe('identity ticket schemes', () => {
  const saved = process.env.IDENTITY_PUBLIC_KEY;
  beforeAll(() => {
    process.env.IDENTITY_PUBLIC_KEY = issuer.publicKey;
    resetConfig();
  });
  afterAll(() => {
    process.env.IDENTITY_PUBLIC_KEY = saved;
    resetConfig();
  });

  it('the system role needs a valid ticket that carries the role', async () => {
    expect(await systemRole.authenticate(request(ticket({ roles: ['system'] })))).toMatchObject({ sub: 'urn:authenticateit:user:7', roles: ['system'] });
    expect(await failure(() => systemRole.authenticate(request(ticket())))).toBe('not_system');
    expect(await failure(() => systemRole.authenticate(request()))).toBe('no_ticket');
    expect(await failure(() => systemRole.authenticate(request(issueTicket(newIssuerKeys().privateKey, { sub: 'urn:authenticateit:user:7', roles: ['system'] }))))).toBe('bad_ticket');
  });

  it('a participant ticket names its participant', async () => {
    expect(await participantTicket.authenticate(request(ticket({ participant: 'urn:authenticateit:participant:3' })))).toMatchObject({ participant: 'urn:authenticateit:participant:3' });
    expect(await failure(() => participantTicket.authenticate(request(ticket())))).toBe('no_participant');
  });
});
