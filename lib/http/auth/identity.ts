/**
 * Payments service: the session's identity ticket (`authenticateit_identity_ticket`, ES256, from the identity
 * service); a store terminal also sends its device ticket (`authenticateit_terminal_device`).
 */
import { requireDevice, requireOperatorOf, requireParticipant, requireSystemRole, requireTicket } from '../../identity/index.js';
import type { DeviceClaims } from '../../identity/device-tickets.js';
import type { TicketClaims } from '../../identity/tickets.js';
import { header } from '../body.js';
import type { HttpRequest } from '../handler.js';
import type { AuthScheme } from '../route.js';

const TICKET_HEADER = 'authenticateit_identity_ticket';
const DEVICE_HEADER = 'authenticateit_terminal_device';

const schemes = {
  identityTicket: { type: 'apiKey', in: 'header', name: TICKET_HEADER, description: "The session's identity ticket (ES256 JWT from the identity service)." },
};

const terminalSchemes = {
  ...schemes,
  terminalDevice: {
    type: 'apiKey',
    in: 'header',
    name: DEVICE_HEADER,
    description: "The store terminal's device ticket (ES256 JWT from the identity service, audience retail-connect-terminal), sent with the operator's identity ticket; the operator must be the terminal's participant.",
  },
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

export interface TerminalCaller {
  /** The store's staff member at the terminal. */
  operator: TicketClaims;
  device: DeviceClaims;
}

async function terminal(req: HttpRequest): Promise<TerminalCaller> {
  const operator = await requireTicket(header(req.headers, TICKET_HEADER));
  const device = await requireDevice(header(req.headers, DEVICE_HEADER));
  requireOperatorOf(operator, device);
  return { operator, device };
}

/** A store terminal: its device ticket and its operator's identity ticket, both required. */
export const terminalDevice: AuthScheme<TerminalCaller> = {
  kind: 'terminalDevice',
  security: [{ identityTicket: [], terminalDevice: [] }],
  securitySchemes: terminalSchemes,
  authenticate: terminal,
};

export type UserOrTerminalCaller = ({ kind: 'terminal' } & TerminalCaller) | { kind: 'user'; claims: TicketClaims };

/** A store terminal when the device header is sent (then as `terminalDevice`), a user's session otherwise. */
export const userOrTerminal: AuthScheme<UserOrTerminalCaller> = {
  kind: 'userOrTerminal',
  security: [{ identityTicket: [], terminalDevice: [] }, { identityTicket: [] }],
  securitySchemes: terminalSchemes,
  authenticate: async (req) =>
    header(req.headers, DEVICE_HEADER) !== undefined ? { kind: 'terminal', ...(await terminal(req)) } : { kind: 'user', claims: await requireTicket(header(req.headers, TICKET_HEADER)) },
};
