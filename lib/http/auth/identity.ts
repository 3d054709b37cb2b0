/** Payments service: the session's identity ticket (`authenticateit_identity_ticket`, ES256, from the identity service). */
import { requireParticipant, requireSystemRole, requireTicket } from '../../identity/index.js';
import type { TicketClaims } from '../../identity/tickets.js';
import { header } from '../body.js';
import type { AuthScheme } from '../route.js';

const TICKET_HEADER = 'authenticateit_identity_ticket';

const schemes = {
  identityTicket: { type: 'apiKey', in: 'header', name: TICKET_HEADER, description: "The session's identity ticket (ES256 JWT from the identity service)." },
};

export const identityTicket: AuthScheme<TicketClaims> = {
  kind: 'identityTicket',
  security: [{ identityTicket: [] }],
  securitySchemes: schemes,
  authenticate: (req) => requireTicket(header(req.headers, TICKET_HEADER)),
};

/** An identity ticket with the `system` role (moderators, the platform's operators). */
export const systemRole: AuthScheme<TicketClaims> = {
  kind: 'systemRole',
  security: [{ identityTicket: [] }],
  securitySchemes: schemes,
  authenticate: async (req) => requireSystemRole(await requireTicket(header(req.headers, TICKET_HEADER))),
};

export interface ParticipantCaller {
  claims: TicketClaims;
  participant: string;
}

/** An identity ticket issued for a participant (a brand's operator). */
export const participantTicket: AuthScheme<ParticipantCaller> = {
  kind: 'identityTicket',
  security: [{ identityTicket: [] }],
  securitySchemes: schemes,
  authenticate: async (req) => {
    const claims = await requireTicket(header(req.headers, TICKET_HEADER));
    return { claims, participant: requireParticipant(claims) };
  },
};
