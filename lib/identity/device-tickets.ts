/**
 * Device tickets (`authenticateit_terminal_device`): a store terminal's own ticket, sent with its operator's
 * identity ticket. Signed like identity tickets (ES256, the identity service's keys, a `kid`, the same JWKS and
 * issuer) but for audience `retail-connect-terminal`, so neither kind passes for the other. Claims:
 * `device_id` `<participant id>:<uuid>` (the participant id is what follows `urn:authenticateit:participant:`),
 * `participant` the participant's URN (the store the terminal belongs to), `sub`
 * `urn:authenticateit:device:<device_id>`, `iss`, `aud`, `iat`, `exp` (a terminal keeps its ticket for
 * months: at most DEVICE_TICKET_MAX_LIFETIME_SECONDS). Locally the admin CLI issues them
 * (`npm run admin -- device ticket issue ...`).
 */
import { randomUUID } from 'node:crypto';
import { DEVICE_TICKET_AUDIENCE, TICKET_ISSUER } from '../config/index.js';
import { PARTICIPANT, PARTICIPANT_PREFIX, signTicket, TicketError, verifiedClaims, type IssuerKey, type TicketPolicy } from './tickets.js';

export { DEVICE_TICKET_AUDIENCE };

const DEVICE_PREFIX = 'urn:authenticateit:device:';

export interface DeviceClaims {
  /** `<participant id>:<uuid>` */
  deviceId: string;
  participant: string;
  iat: number;
  exp: number;
}

export interface DeviceTicketRequest {
  participant: string;
  /** The terminal's UUID; a new one when absent. */
  deviceUuid?: string;
  ttlSeconds?: number;
}

/** A terminal keeps its ticket until it is re-provisioned: a year unless asked otherwise. */
const DEVICE_TICKET_TTL_SECONDS = 31_536_000;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Participant ids may hold colons: the UUID is what follows the last one. */
const DEVICE_ID = /^(.+):([^:]+)$/;

/** The participant URN a device id belongs to, or undefined when the id is not `<participant id>:<uuid>`. */
function participantOf(deviceId: string): string | undefined {
  const m = DEVICE_ID.exec(deviceId);
  if (!m || !UUID.test(m[2]!)) return undefined;
  const participant = PARTICIPANT_PREFIX + m[1]!;
  return PARTICIPANT.test(participant) ? participant : undefined;
}

export async function issueDeviceTicket(key: IssuerKey, request: DeviceTicketRequest, now = Date.now()): Promise<{ ticket: string; deviceId: string }> {
  if (!PARTICIPANT.test(request.participant)) throw new TicketError('participant must be urn:authenticateit:participant:<id>');
  const uuid = (request.deviceUuid ?? randomUUID()).toLowerCase();
  if (!UUID.test(uuid)) throw new TicketError('device uuid must be a UUID like a5ed8e8f-98bc-4c6a-a00a-2222db146808');
  const deviceId = `${request.participant.slice(PARTICIPANT_PREFIX.length)}:${uuid}`;
  const ticket = await signTicket(
    key,
    { device_id: deviceId, participant: request.participant },
    { sub: DEVICE_PREFIX + deviceId, iss: TICKET_ISSUER, aud: DEVICE_TICKET_AUDIENCE, ttlSeconds: request.ttlSeconds ?? DEVICE_TICKET_TTL_SECONDS },
    now,
  );
  return { ticket, deviceId };
}

/**
 * The device's claims when the ticket's key, signature, issuer, audience (the policy's: DEVICE_TICKET_AUDIENCE),
 * times and claims hold; TicketError otherwise. The claims' shape alone also keeps an identity ticket out.
 */
export async function verifyDeviceTicket(ticket: string, policy: TicketPolicy, now = Date.now()): Promise<DeviceClaims> {
  const claims = await verifiedClaims(ticket, policy, now);
  const deviceId = claims.device_id;
  if (typeof deviceId !== 'string') throw new TicketError('device ticket has no device_id');
  const owner = participantOf(deviceId);
  if (!owner) throw new TicketError('device ticket has a malformed device_id (must be <participant id>:<uuid>)');
  if (typeof claims.participant !== 'string' || !PARTICIPANT.test(claims.participant)) throw new TicketError('device ticket has no participant (urn:authenticateit:participant:<id>)');
  if (claims.participant !== owner) throw new TicketError(`device ticket participant ${claims.participant} does not match its device_id (${owner})`);
  if (claims.sub !== DEVICE_PREFIX + deviceId) throw new TicketError(`device ticket sub must be ${DEVICE_PREFIX}<device_id>`);
  return { deviceId, participant: owner, iat: claims.iat, exp: claims.exp };
}
