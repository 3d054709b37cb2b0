/**
 * Exact decimal arithmetic on bigint. The one rounding rule of the platform:
 * results are floored to the smallest unit of the asset (see docs/data-model.md, "Money").
 */
export const TOKEN_DECIMALS = 18;

export class AmountFormatError extends Error {}

/** "12.34" with 2 decimals -> 1234n. Rejects signs, exponents and more decimals than allowed. */
export function parseUnits(text: string, decimals: number): bigint {
  const m = /^(\d{1,30})(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new AmountFormatError(`"${text}" is not a decimal number`);
  const whole = m[1] ?? '0';
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > decimals) throw new AmountFormatError(`has more than ${decimals} decimal places`);
  return BigInt(whole + frac.padEnd(decimals, '0'));
}

/** 1234n with 2 decimals -> "12.34"; trailing zeros trimmed, never exponent notation. */
export function formatUnits(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${frac ? '.' + frac : ''}`;
}

/** A non-negative rational from a decimal string: "2.5" -> 25/10. */
export interface Fraction {
  num: bigint;
  den: bigint;
}

export function parseFraction(text: string): Fraction {
  const m = /^(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) throw new AmountFormatError(`"${text}" is not a decimal number`);
  const frac = m[2] ?? '';
  return { num: BigInt((m[1] ?? '0') + frac), den: 10n ** BigInt(frac.length) };
}

export const minFraction = (a: Fraction, b: Fraction): Fraction => (a.num * b.den <= b.num * a.den ? a : b);

/**
 * A JSON number that a float cannot hold exactly (1e-30, 12345678901234567890, 0.1000000000000000001),
 * kept as its source text: what the request body parser (lib/json.ts `parseJson`) gives for those. Amount
 * schemas read it with `amountText`; every other schema refuses it (it is neither a number nor a string).
 */
export class JsonNumber {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** The longest plain decimal text `exactDecimalText` writes out: a JSON number like 1e999999999 is not expanded. */
const MAX_DECIMAL_TEXT = 400;

/**
 * The plain decimal text of a JSON number's text, exactly: "1.50e2" -> "150", "1e-7" -> "0.0000001",
 * "-0.0" -> "0", "007" -> "7". Undefined when it is not a number or would be longer than 400 characters.
 */
export function exactDecimalText(numberText: string): string | undefined {
  const m = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/.exec(numberText.trim());
  if (!m) return undefined;
  const frac = m[3] ?? '';
  const digits = (m[2]! + frac).replace(/^0+/, '');
  if (!digits) return '0';
  // The value is 0.<digits> x 10^point, once the leading zeros are dropped.
  const point = m[2]!.length + Number(m[4] ?? 0) - ((m[2]! + frac).length - digits.length);
  if (Math.max(point, 0) + Math.max(digits.length - point, 0) + 2 > MAX_DECIMAL_TEXT) return undefined;
  const whole = point > 0 ? digits.slice(0, point).padEnd(point, '0') : '0';
  const fraction = (point >= 0 ? digits.slice(point) : '0'.repeat(-point) + digits).replace(/0+$/, '');
  return `${m[1]}${whole}${fraction ? '.' + fraction : ''}`;
}

/** Decimal text of a JS number without exponent notation: exactly the digits `String(n)` gives (JSON clients send numbers). */
export function numberToDecimalText(n: number): string {
  if (!Number.isFinite(n)) throw new AmountFormatError('is not a finite number');
  const text = exactDecimalText(String(n));
  if (text === undefined) throw new AmountFormatError('is not a finite number');
  return text;
}

/**
 * The exact decimal text of a request amount: a decimal string (trimmed), a JS number (its shortest
 * round-trip digits, see numberToDecimalText) or a JSON number the body parser kept as its source text
 * (`JsonNumber`). Never through a float. Undefined when it is none of these (or not finite).
 */
export function amountTextOf(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return Number.isFinite(value) ? exactDecimalText(String(value)) : undefined;
  return value instanceof JsonNumber ? exactDecimalText(value.text) : undefined;
}

/** What a request amount may be: a JSON number (a JsonNumber when a float cannot hold it) or a decimal string (forms). */
export type AmountInput = number | string | JsonNumber;
export const isAmountInput = (v: unknown): v is AmountInput => typeof v === 'number' || typeof v === 'string' || v instanceof JsonNumber;

/**
 * The largest fiat amount a request may carry, in major units: 10^12. Its minor units (at most 10^21 for
 * 9-decimal currencies) keep every sum and product the ledger makes far inside DynamoDB's 38 digits.
 */
export const MAX_FIAT_AMOUNT = '1000000000000';

/** Whether a plain decimal text is at most `max` (a decimal text), compared exactly. */
export function decimalAtMost(text: string, max: string): boolean {
  const v = parseFraction(text);
  const m = parseFraction(max);
  return v.num * m.den <= m.num * v.den;
}

/** amountTextOf, or AmountFormatError. */
export function amountText(value: unknown): string {
  const text = amountTextOf(value);
  if (text === undefined) throw new AmountFormatError('is not a decimal number');
  return text;
}

/** 1250n with 2 decimals -> "12.50": always exactly `decimals` places (how fiat amounts are shown). */
export function formatFixed(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? '.' + frac : ''}`;
}
