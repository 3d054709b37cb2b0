/**
 * Who calls the payments service: the claims of a verified identity ticket, and the participant it speaks for;
 * for a store terminal, also its device ticket.
 */
import { identityConfig } from '../config/index.js';
import { DEVICE_TICKET_AUDIENCE, verifyDeviceTicket, type DeviceClaims } from './device-tickets.js';
import { fail } from './failures.js';
import { TicketError, verifyTicket, type TicketClaims, type TicketPolicy } from './tickets.js';

function ticketPolicy(): TicketPolicy {
  const c = identityConfig();
  return {
    jwks: c.IDENTITY_JWKS,
    issuer: c.IDENTITY_ISSUER,
    audience: c.IDENTITY_AUDIENCE,
    maxLifetimeSeconds: Number(c.TICKET_MAX_LIFETIME_SECONDS),
    clockSkewSeconds: Number(c.TICKET_CLOCK_SKEW_SECONDS),
  };
}

/** Device tickets: the identity tickets' keys, issuer and clock skew; their own audience and lifetime. */
function devicePolicy(): TicketPolicy {
  return { ...ticketPolicy(), audience: DEVICE_TICKET_AUDIENCE, maxLifetimeSeconds: Number(identityConfig().DEVICE_TICKET_MAX_LIFETIME_SECONDS) };
}

export async function requireTicket(ticket: string | undefined): Promise<TicketClaims> {
  if (!ticket) throw fail('no_ticket', 'authenticateit_identity_ticket header is required');
  try {
    return await verifyTicket(ticket, ticketPolicy());
  } catch (err) {
    if (err instanceof TicketError) throw fail('bad_ticket', `invalid identity ticket: ${err.message}`);
    throw err;
  }
}

/** The platform's own staff and services (moderators, operators) carry the `system` role. */
export function requireSystemRole(claims: TicketClaims): TicketClaims {
  if (!claims.roles.includes('system')) throw fail('not_system', 'this operation needs a ticket with the system role');
  return claims;
}

export function requireParticipant(claims: TicketClaims): string {
  if (!claims.participant) throw fail('no_participant', 'this ticket is not for a participant');
  return claims.participant;
}

export async function requireDevice(ticket: string | undefined): Promise<DeviceClaims> {
  if (!ticket) throw fail('no_device', 'authenticateit_terminal_device header is required');
  try {
    return await verifyDeviceTicket(ticket, devicePolicy());
  } catch (err) {
    if (err instanceof TicketError) throw fail('bad_device', `invalid device ticket: ${err.message}`);
    throw err;
  }
}

/** A store's staff operate its terminals: the operator's ticket must be for the device's participant. */
export function requireOperatorOf(operator: TicketClaims, device: DeviceClaims): void {
  if (operator.participant !== device.participant) {
    throw fail('device_not_operator', `this terminal belongs to ${device.participant}: the identity ticket must be for that participant`);
  }
}
