import { describe, expect, it } from 'vitest';
import { AmountFormatError, amountText, exactDecimalText, formatUnits, JsonNumber, minFraction, numberToDecimalText, parseFraction, parseUnits } from '../../lib/ledger/money.js';

describe('money', () => {
  it('parses decimals exactly into minor units', () => {
    expect(parseUnits('12.34', 2)).toBe(1234n);
    expect(parseUnits('0.1', 18)).toBe(100000000000000000n);
    expect(parseUnits('1000000000', 18)).toBe(10n ** 27n);
    expect(parseUnits('5.10', 1)).toBe(51n); // trailing zeros beyond precision are fine
  });

  it('refuses more decimals than the currency has, signs and exponents', () => {
    expect(() => parseUnits('1.001', 2)).toThrow('more than 2 decimal places');
    expect(() => parseUnits('-1', 2)).toThrow();
    expect(() => parseUnits('1e3', 2)).toThrow();
    expect(() => parseUnits('', 2)).toThrow();
  });

  it('formats without losing digits', () => {
    expect(formatUnits(3570000000000000000n, 18)).toBe('3.57');
    expect(formatUnits(1n, 18)).toBe('0.000000000000000001');
    expect(formatUnits(-150n, 2)).toBe('-1.5');
    expect(formatUnits(0n, 2)).toBe('0');
  });

  it('turns JSON numbers into decimal text without exponent notation', () => {
    expect(numberToDecimalText(25.5)).toBe('25.5');
    expect(numberToDecimalText(1e-7)).toBe('0.0000001');
    expect(() => numberToDecimalText(Number.NaN)).toThrow();
  });

  it('writes a JSON number out exactly, never through a float', () => {
    expect(numberToDecimalText(1e-30)).toBe(`0.${'0'.repeat(29)}1`); // was "0": toFixed(20) dropped it
    expect(numberToDecimalText(1e21)).toBe('1000000000000000000000');
    expect(numberToDecimalText(-0)).toBe('0');
    expect(exactDecimalText('1.50e2')).toBe('150');
    expect(exactDecimalText('12.3400e-2')).toBe('0.1234');
    expect(exactDecimalText('-5E-1')).toBe('-0.5');
    expect(exactDecimalText('0e999')).toBe('0');
    expect(exactDecimalText('12345678901234567890123')).toBe('12345678901234567890123');
    expect(exactDecimalText('1e999999999')).toBeUndefined(); // never expanded
    expect(exactDecimalText('1e-999999999')).toBeUndefined();
    expect(exactDecimalText('1.2.3')).toBeUndefined();
    expect(amountText(new JsonNumber('1.000000000000000000001'))).toBe('1.000000000000000000001');
    expect(amountText(' 2.50 ')).toBe('2.50');
    expect(amountText(0.1)).toBe('0.1');
    expect(() => amountText({ text: '1' })).toThrow(AmountFormatError);
    expect(() => amountText(Number.POSITIVE_INFINITY)).toThrow(AmountFormatError);
  });

  it('compares fractions', () => {
    expect(minFraction(parseFraction('2.5'), parseFraction('10'))).toEqual({ num: 25n, den: 10n });
    expect(minFraction(parseFraction('12'), parseFraction('10'))).toEqual({ num: 10n, den: 1n });
  });
});
