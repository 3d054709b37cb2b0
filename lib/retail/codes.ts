/**
 * Retail codes: what a user's app shows (a QR code) for a store terminal to start a session. A code is opaque,
 * authenticated and short-lived: AES-256-GCM over {user, card, participant, expiry, nonce} with a key derived from
 * RETAIL_CODE_SECRET, as hex. A terminal learns whom it serves only from the session the code starts; a changed or
 * forged code does not open; an expired one is refused. Whether it already started a session is the session's
 * transaction's business (`retailCodeUse`, by the code's hash).
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { retailConfig } from '../config/index.js';
import { fail } from './failures.js';

export interface RetailCode {
  user: string;
  card: string;
  participant: string;
  /** Seconds since the epoch. */
  expiresAt: number;
}

const AAD = Buffer.from('retail-code-v1', 'utf8');
const keyOf = (secret: string) => createHash('sha256').update(`retail-code:${secret}`, 'utf8').digest();

/** What a code that is not one of ours is answered. */
export const BAD_CODE = 'the code is not a retail code of this platform';

/** Why a code does not open. */
class RetailCodeError extends Error {
  override name = 'RetailCodeError';
  constructor(readonly reason: 'bad' | 'expired') {
    super(reason === 'bad' ? BAD_CODE : 'the code has expired: ask the customer to show a new one');
  }
}

export function issueRetailCode(c: Omit<RetailCode, 'expiresAt'>, now = Date.now()): { code: string; expiresAt: number } {
  const expiresAt = Math.floor(now / 1000) + Number(retailConfig().RETAIL_CODE_SECONDS);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', keyOf(retailConfig().RETAIL_CODE_SECRET), iv).setAAD(AAD);
  const payload = JSON.stringify({ u: c.user, c: c.card, p: c.participant, x: expiresAt, n: randomBytes(6).toString('base64url') });
  const sealed = Buffer.concat([iv, cipher.update(payload, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { code: sealed.toString('hex'), expiresAt };
}

/** The code's binding; RetailCodeError when it is not one of ours or has expired. */
function openRetailCode(code: string, now = Date.now()): RetailCode {
  if (!/^[0-9a-f]{80,2000}$/.test(code) || code.length % 2 !== 0) throw new RetailCodeError('bad');
  const raw = Buffer.from(code, 'hex');
  let payload: { u?: unknown; c?: unknown; p?: unknown; x?: unknown };
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyOf(retailConfig().RETAIL_CODE_SECRET), raw.subarray(0, 12)).setAAD(AAD);
    decipher.setAuthTag(raw.subarray(raw.length - 16));
    payload = JSON.parse(Buffer.concat([decipher.update(raw.subarray(12, raw.length - 16)), decipher.final()]).toString('utf8'));
  } catch {
    throw new RetailCodeError('bad');
  }
  const { u, c, p, x } = payload;
  if (typeof u !== 'string' || typeof c !== 'string' || typeof p !== 'string' || typeof x !== 'number') throw new RetailCodeError('bad');
  if (x * 1000 <= now) throw new RetailCodeError('expired');
  return { user: u, card: c, participant: p, expiresAt: x };
}

/** The code's binding, or the failure a caller is answered: payments-retail_bad_code (400), payments-retail_code_expired (410). */
export function requireRetailCode(code: string, now = Date.now()): RetailCode {
  try {
    return openRetailCode(code, now);
  } catch (err) {
    if (!(err instanceof RetailCodeError)) throw err;
    throw err.reason === 'bad' ? fail('retail_bad_code', err.message) : fail('retail_code_expired', err.message);
  }
}

/** The contract's `code_hash`: what the platform keys a used code by (40 hex digits). */
export const retailCodeHash = (code: string) => createHash('sha1').update(code, 'utf8').digest('hex');
