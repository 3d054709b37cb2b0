/**
 * JSON that keeps numbers exact both ways: request JSON is read without rounding any number through a float
 * (`parseJson`), and a bigint or an exact decimal is written as a bare JSON number (`stringify`).
 */
import { randomBytes } from 'node:crypto';
import { parse } from 'lossless-json';
import { exactDecimalText, JsonNumber } from './ledger/money.js';

const marker = `__bigint_${randomBytes(6).toString('hex')}_`;
const markerPattern = new RegExp(`"${marker}(-?\\d+(?:\\.\\d+)?(?:[eE][-+]?\\d+)?)"`, 'g');

/**
 * An answer as written: where its schema has a number, an exact amount may stand (a bigint, or an exact decimal
 * written by its own toJSON: money is never a float in our code).
 */
export type Wire<T> = T extends number ? T | bigint | { toJSON(): string } : T extends readonly (infer E)[] ? Wire<E>[] : T extends object ? { [K in keyof T]: Wire<T[K]> } : T;

/** A decimal written as a bare JSON number exactly as given ("12.50" stays 12.50), never through a float. */
export const exactNumber = (decimalText: string) => ({ toJSON: () => `${marker}${decimalText}` });

/** JSON.stringify, with a bigint and a JsonNumber (a request number kept as its source text) written as bare exact numbers. */
export function stringify(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${marker}${v}` : v instanceof JsonNumber ? `${marker}${v.text}` : v)).replace(markerPattern, '$1');
}

/**
 * A JSON number as the body parser hands it on: a plain number when the float says exactly what the text
 * says (`String(Number(text))` is the text's exact decimal: 1, 25.5, 1e2, 0.1), otherwise a `JsonNumber`
 * with the source text (1e-30, 12345678901234567890, 1.000000000000000001), which only amount schemas accept.
 */
export function jsonNumber(text: string): number | JsonNumber {
  const n = Number(text);
  return String(n) === exactDecimalText(text) ? n : new JsonNumber(text);
}

export class DuplicateKeyError extends Error {
  constructor(readonly key: string) {
    super(`duplicate key ${key}`);
  }
}

/**
 * JSON.parse without rounding: numbers as `jsonNumber` gives them. A key given twice in one object throws
 * DuplicateKeyError; malformed text throws SyntaxError.
 */
export function parseJson(text: string): unknown {
  return parse(text, null, {
    parseNumber: jsonNumber,
    onDuplicateKey: ({ key }) => {
      throw new DuplicateKeyError(key);
    },
  });
}
