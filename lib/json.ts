/** JSON that keeps bigint exact: a bigint is written as a bare integer, never rounded through a float. */
import { randomBytes } from 'node:crypto';

const marker = `__bigint_${randomBytes(6).toString('hex')}_`;
const markerPattern = new RegExp(`"${marker}(-?\\d+(?:\\.\\d+)?)"`, 'g');

/** A decimal written as a bare JSON number exactly as given ("12.50" stays 12.50), never through a float. */
export const exactNumber = (decimalText: string) => ({ toJSON: () => `${marker}${decimalText}` });

export function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${marker}${v}` : v)).replace(markerPattern, '$1');
}
