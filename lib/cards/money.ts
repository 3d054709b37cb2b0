/**
 * Card money: fiat in the minor units of the card's currency (ISO 4217 exponent), bigint in code,
 * JSON numbers with the currency's decimals at the edge ("12.50", "1.250" for TND).
 * Cashback is floored to the minor unit (the platform's one rounding rule).
 */
import { exactNumber } from '../json.js';
import { AmountFormatError, amountText, formatFixed, parseFraction, parseUnits, type JsonNumber } from '../ledger/money.js';

/** Currencies whose minor unit is not 1/100. */
const EXPONENTS: Record<string, number> = { TND: 3, KWD: 3, BHD: 3, OMR: 3, JOD: 3, LYD: 3, IQD: 3, JPY: 0, KRW: 0, CLP: 0, VND: 0, ISK: 0, XOF: 0, XAF: 0 };

export const currencyDecimals = (currency: string) => EXPONENTS[currency] ?? 2;

/** A request amount (JSON number, exact or as its text, or decimal string) in minor units; rejects more decimals than the currency has. */
export function toMinor(value: number | string | JsonNumber, currency: string): bigint {
  return parseUnits(amountText(value), currencyDecimals(currency));
}

/** "12.50" for 1250n USD, "1.250" for 1250n TND. */
export const formatAmount = (minor: bigint, currency: string) => formatFixed(minor, currencyDecimals(currency));

export const toJsonAmount = (minor: bigint, currency: string) => exactNumber(formatAmount(minor, currency));

/** A percentage ("5", "2.5") as the JSON number it is. */
export const percentNumber = (percent: string) => exactNumber(percent.includes('.') ? percent.replace(/\.?0+$/, '') : percent);

/** floor(amount * percent / 100) in minor units. */
export function percentOf(amount: bigint, percent: string): bigint {
  const p = parseFraction(percent);
  return (amount * p.num) / (p.den * 100n);
}

export { AmountFormatError };
