/** Secret handling: random keys, one-way hashes, constant-time comparison, HMAC signatures. */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** A 256-bit random secret, URL-safe. */
export const newSecret = (prefix = '') => prefix + randomBytes(32).toString('base64url');

/** Keys are 256-bit random, so a plain SHA-256 is enough (no password stretching needed). */
export const hashSecret = (secret: string) => createHash('sha256').update(secret, 'utf8').digest('hex');

export function equalsConstantTime(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export const secretMatchesHash = (secret: string, hash: string) => equalsConstantTime(hashSecret(secret), hash);

export const hmacBase64Url = (key: string, data: string, bytes = 16) =>
  createHmac('sha256', key).update(data, 'utf8').digest().subarray(0, bytes).toString('base64url');

export const sha256Base64 = (data: string) => createHash('sha256').update(data, 'utf8').digest('base64');
export const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');
