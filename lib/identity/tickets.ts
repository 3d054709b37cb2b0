/**
 * Identity tickets (`authenticateit_identity_ticket`): compact ES256 JWTs issued by the identity service,
 * verified here with jose against the service's public keys (a JWKS, each key named by its `kid`, so keys
 * can rotate) and no network or database round trip.
 * Header: `alg` ES256, `typ` JWT, `kid`. Claims: `sub` the user (`urn:authenticateit:user:...`),
 * `participant` (optional, `urn:authenticateit:participant:...`), `roles` (e.g. `system`), `iss`, `aud`,
 * `iat`, `exp` (seconds), optional `nbf`, and optionally the user's profile as OpenID Connect's standard claims
 * (`email`, `given_name`, `family_name`, `phone_number`, `picture`): what moderators see of a user is what their
 * ticket said when they asked (the identity service owns the profile; this service stores no other copy).
 * Locally the admin CLI issues them with the stack's private key (`npm run admin -- ticket issue ...`).
 */
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import { TICKET_AUDIENCE, TICKET_ISSUER } from '../config/index.js';
import { EMAIL_ADDRESS } from '../mail/address.js';

export { TICKET_AUDIENCE, TICKET_ISSUER };

/** OpenID Connect standard profile claims a ticket may carry. */
export const PROFILE_CLAIMS = ['email', 'given_name', 'family_name', 'phone_number', 'picture'] as const;
export type UserProfileClaims = Partial<Record<(typeof PROFILE_CLAIMS)[number], string>>;

export interface TicketClaims {
  sub: string;
  participant?: string;
  roles: string[];
  iat: number;
  exp: number;
  iss: string;
  /** The user's profile claims the ticket carries (none: `{}`). */
  profile: UserProfileClaims;
}

/** What a ticket must satisfy to be accepted. */
export interface TicketPolicy {
  /** The identity service's public keys as JWKS text (`{"keys":[...]}`); during a rotation both old and new. */
  jwks: string;
  issuer: string;
  audience: string;
  /** Longest `exp - iat` accepted; also the oldest `iat`. */
  maxLifetimeSeconds: number;
  /** Tolerated difference between our clock and the issuer's, for `exp`, `nbf` and `iat`. */
  clockSkewSeconds: number;
}

/** A signing key and the `kid` its public half is listed under. */
export interface IssuerKey {
  privateKey: string;
  kid: string;
}

export interface TicketRequest {
  sub: string;
  participant?: string;
  roles?: string[];
  ttlSeconds?: number;
  iss?: string;
  aud?: string;
  /** Seconds from issue before the ticket is valid (`nbf`). */
  notBeforeSeconds?: number;
  profile?: UserProfileClaims;
}

export class TicketError extends Error {
  override name = 'TicketError';
}


const USER = /^urn:authenticateit:user:[\w.@:+-]{1,200}$/;
export const PARTICIPANT_PREFIX = 'urn:authenticateit:participant:';
export const PARTICIPANT = /^urn:authenticateit:participant:[\w.@:+-]{1,200}$/;
export const EMAIL_USER_URN = 'urn:authenticateit:user:email:';

/** The email of an email user urn, or undefined for any other user id. */
export function emailOfUser(user: string): string | undefined {
  if (!user.toLowerCase().startsWith(EMAIL_USER_URN)) return undefined;
  const email = user.slice(EMAIL_USER_URN.length);
  return EMAIL_ADDRESS.test(email) ? email : undefined;
}

export async function issueTicket(key: IssuerKey, claims: TicketRequest, now = Date.now()): Promise<string> {
  if (!USER.test(claims.sub)) throw new TicketError('sub must be urn:authenticateit:user:<id>');
  if (claims.participant !== undefined && !PARTICIPANT.test(claims.participant)) throw new TicketError('participant must be urn:authenticateit:participant:<id>');
  return signTicket(
    key,
    { ...(claims.participant ? { participant: claims.participant } : {}), roles: claims.roles ?? [], ...claims.profile },
    { sub: claims.sub, iss: claims.iss ?? TICKET_ISSUER, aud: claims.aud ?? TICKET_AUDIENCE, ttlSeconds: claims.ttlSeconds ?? 3600, ...(claims.notBeforeSeconds !== undefined ? { notBeforeSeconds: claims.notBeforeSeconds } : {}) },
    now,
  );
}

/** An ES256 JWT of `payload` signed by `key` (identity and device tickets alike): subject, issuer, audience and times. */
export async function signTicket(key: IssuerKey, payload: JWTPayload, at: { sub: string; iss: string; aud: string; ttlSeconds: number; notBeforeSeconds?: number }, now = Date.now()): Promise<string> {
  const iat = Math.floor(now / 1000);
  const jwt = new SignJWT(payload).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: key.kid }).setSubject(at.sub).setIssuer(at.iss).setAudience(at.aud).setIssuedAt(iat).setExpirationTime(iat + at.ttlSeconds);
  if (at.notBeforeSeconds !== undefined) jwt.setNotBefore(iat + at.notBeforeSeconds);
  return jwt.sign(createPrivateKey(key.privateKey));
}

/** One imported key set per JWKS text: a warm function imports its keys once. */
const keySets = new Map<string, JWTVerifyGetKey>();
function keySet(jwks: string): JWTVerifyGetKey {
  let set = keySets.get(jwks);
  if (!set) keySets.set(jwks, (set = createLocalJWKSet(JSON.parse(jwks) as JSONWebKeySet)));
  return set;
}

/** Why jose refused a ticket, in words a caller can act on. */
function refusal(err: unknown, policy: TicketPolicy): string {
  if (err instanceof errors.JWKSNoMatchingKey) return 'ticket key id (kid) is not one of the identity service keys';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'invalid ticket signature';
  if (err instanceof errors.JWTExpired) return err.claim === 'iat' ? `ticket was issued more than ${policy.maxLifetimeSeconds} s ago` : 'ticket expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.reason === 'missing') return `ticket has no ${err.claim} claim`;
    if (err.claim === 'iss') return `ticket issuer is not ${policy.issuer}`;
    if (err.claim === 'aud') return `ticket audience is not ${policy.audience}`;
    if (err.claim === 'nbf') return 'ticket is not valid yet (nbf is in the future)';
    if (err.claim === 'iat' && err.reason === 'check_failed') return 'ticket is issued in the future (iat)';
    if (err.claim === 'typ') return 'ticket typ must be JWT';
    return `ticket has a malformed ${err.claim} claim`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'unsupported ticket algorithm';
  if (err instanceof errors.JOSEError) return 'malformed ticket';
  throw err;
}

/**
 * The claims of a ticket whose key, signature, issuer, audience and times hold (TicketError otherwise), before
 * any check of their shape: identity and device tickets share this, and differ by audience and claims.
 */
export async function verifiedClaims(ticket: string, policy: TicketPolicy, now = Date.now()): Promise<JWTPayload & { exp: number; iat: number; iss: string }> {
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(ticket);
  } catch {
    throw new TicketError('malformed ticket');
  }
  if (header.alg !== 'ES256') throw new TicketError('unsupported ticket algorithm');
  // Without a kid jose would take the only key of a one-key set: require it so a rotation never changes what is accepted.
  if (typeof header.kid !== 'string' || !header.kid) throw new TicketError('ticket has no key id (kid)');
  let claims: JWTPayload;
  try {
    ({ payload: claims } = await jwtVerify(ticket, keySet(policy.jwks), {
      algorithms: ['ES256'],
      typ: 'JWT',
      issuer: policy.issuer,
      audience: policy.audience,
      requiredClaims: ['exp', 'iat'],
      clockTolerance: policy.clockSkewSeconds,
      maxTokenAge: policy.maxLifetimeSeconds,
      currentDate: new Date(now),
    }));
  } catch (err) {
    throw new TicketError(refusal(err, policy));
  }
  const { exp, iat } = claims as { exp: number; iat: number };
  if (exp - iat > policy.maxLifetimeSeconds) throw new TicketError(`ticket lifetime (exp - iat) is over ${policy.maxLifetimeSeconds} s`);
  return claims as JWTPayload & { exp: number; iat: number; iss: string };
}

/** The ticket's claims when its key, signature, issuer, audience, times and shape hold; TicketError otherwise. */
export async function verifyTicket(ticket: string, policy: TicketPolicy, now = Date.now()): Promise<TicketClaims> {
  const claims = await verifiedClaims(ticket, policy, now);
  const { exp, iat, iss } = claims;
  if (typeof claims.sub !== 'string' || !USER.test(claims.sub)) throw new TicketError('ticket has no user');
  const participant = claims.participant;
  if (participant !== undefined && (typeof participant !== 'string' || !PARTICIPANT.test(participant))) throw new TicketError('ticket has a malformed participant');
  const roles = claims.roles ?? [];
  if (!Array.isArray(roles) || !roles.every((r) => typeof r === 'string')) throw new TicketError('ticket roles must be an array of strings');
  const profile: UserProfileClaims = {};
  for (const name of PROFILE_CLAIMS) {
    const v = claims[name];
    if (v === undefined) continue;
    if (typeof v !== 'string' || v.length > 500) throw new TicketError(`ticket has a malformed ${name} claim`);
    profile[name] = v;
  }
  return { sub: claims.sub, ...(participant !== undefined ? { participant } : {}), roles, iat, exp, iss, profile };
}

/** RFC 7638 thumbprint of an EC public key: a kid that anyone holding the key derives alike. */
export function keyIdOf(publicKeyPem: string): string {
  const { crv, kty, x, y } = createPublicKey(publicKeyPem).export({ format: 'jwk' });
  return createHash('sha256').update(JSON.stringify({ crv, kty, x, y })).digest('base64url');
}

/** JWKS text (IDENTITY_JWKS) listing these public keys under their kids. */
export function issuerJwks(keys: { publicKey: string; kid: string }[]): string {
  return JSON.stringify({
    keys: keys.map(({ publicKey, kid }) => {
      const { crv, kty, x, y } = createPublicKey(publicKey).export({ format: 'jwk' });
      return { kty, crv, x, y, kid, alg: 'ES256', use: 'sig' };
    }),
  });
}

/** A fresh issuer key pair and its kid (the local stack makes one per data directory). */
export function newIssuerKeys(): { privateKey: string; publicKey: string; kid: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const publicKeyPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  return { privateKey: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), publicKey: publicKeyPem, kid: keyIdOf(publicKeyPem) };
}
