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

/** Decimal text of a JS number without exponent notation (JSON clients send numbers). */
export function numberToDecimalText(n: number): string {
  if (!Number.isFinite(n)) throw new AmountFormatError('is not a finite number');
  const text = String(n);
  if (!/e/i.test(text)) return text;
  return n.toFixed(20).replace(/\.?0+$/, '');
}

/** 1250n with 2 decimals -> "12.50": always exactly `decimals` places (how fiat amounts are shown). */
export function formatFixed(value: bigint, decimals: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(decimals + 1, '0');
  const whole = digits.slice(0, digits.length - decimals);
  const frac = digits.slice(digits.length - decimals);
  return `${negative ? '-' : ''}${whole}${decimals > 0 ? '.' + frac : ''}`;
}
