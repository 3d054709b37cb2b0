/**
 * Identity tickets (`authenticateit_identity_ticket`): compact ES256 JWTs issued by the identity service,
 * verified here with its public key (IDENTITY_PUBLIC_KEY, PEM) and no database round trip.
 * Claims: `sub` the user (`urn:authenticateit:user:...`), `participant` (optional,
 * `urn:authenticateit:participant:...`), `roles` (e.g. `system`), `exp`/`iat` (seconds), `iss`.
 * Locally the admin CLI issues them with the stack's private key (`npm run admin -- ticket ...`).
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

export interface TicketClaims {
  sub: string;
  participant?: string;
  roles: string[];
  iat: number;
  exp: number;
  iss: string;
}

export class TicketError extends Error {
  override name = 'TicketError';
}

const USER = /^urn:authenticateit:user:[\w.@:+-]{1,200}$/;
const PARTICIPANT = /^urn:authenticateit:participant:[\w.@:+-]{1,200}$/;
const b64 = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');

export function issueTicket(privateKeyPem: string, claims: { sub: string; participant?: string; roles?: string[]; ttlSeconds?: number; iss?: string }, now = Date.now()): string {
  if (!USER.test(claims.sub)) throw new TicketError('sub must be urn:authenticateit:user:<id>');
  if (claims.participant !== undefined && !PARTICIPANT.test(claims.participant)) throw new TicketError('participant must be urn:authenticateit:participant:<id>');
  const iat = Math.floor(now / 1000);
  const payload: TicketClaims = {
    sub: claims.sub,
    ...(claims.participant ? { participant: claims.participant } : {}),
    roles: claims.roles ?? [],
    iat,
    exp: iat + (claims.ttlSeconds ?? 3600),
    iss: claims.iss ?? 'authenticateit-identity',
  };
  const input = `${b64({ alg: 'ES256', typ: 'JWT' })}.${b64(payload)}`;
  const signature = sign('sha256', Buffer.from(input), { key: createPrivateKey(privateKeyPem), dsaEncoding: 'ieee-p1363' }).toString('base64url');
  return `${input}.${signature}`;
}

const keys = new Map<string, KeyObject>();

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The ticket's claims when its signature, algorithm, shape and expiry hold; TicketError otherwise. */
export function verifyTicket(publicKeyPem: string, ticket: string, now = Date.now()): TicketClaims {
  const parts = ticket.split('.');
  if (parts.length !== 3) throw new TicketError('malformed ticket');
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: TicketClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    throw new TicketError('malformed ticket');
  }
  // Valid JSON is not yet an object: `null` or `1` would fail on the first property read.
  if (!isObject(header) || !isObject(claims)) throw new TicketError('malformed ticket');
  if (header.alg !== 'ES256') throw new TicketError('unsupported ticket algorithm');
  let key = keys.get(publicKeyPem);
  if (!key) keys.set(publicKeyPem, (key = createPublicKey(publicKeyPem)));
  if (!verify('sha256', Buffer.from(`${h}.${p}`), { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'))) throw new TicketError('invalid ticket signature');
  if (typeof claims.exp !== 'number' || claims.exp * 1000 <= now) throw new TicketError('ticket expired');
  if (typeof claims.sub !== 'string' || !USER.test(claims.sub)) throw new TicketError('ticket has no user');
  if (claims.participant !== undefined && !PARTICIPANT.test(claims.participant)) throw new TicketError('ticket has a malformed participant');
  return { ...claims, roles: Array.isArray(claims.roles) ? claims.roles.map(String) : [] };
}

/** A fresh issuer key pair (the local stack makes one per data directory). */
export function newIssuerKeys(): { privateKey: string; publicKey: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}
