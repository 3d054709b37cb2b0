import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseBody, withoutEmptyFields } from '../../lib/http/body.js';
import { ApiError } from '../../lib/http/errors.js';
import { stringify } from '../../lib/json.js';
import { JsonNumber } from '../../lib/ledger/money.js';

const req = (body: string, type?: string) => ({ body, headers: type ? { 'Content-Type': type } : {} });

function status(fn: () => unknown): number {
  try {
    fn();
  } catch (err) {
    return (err as ApiError).status;
  }
  return 0;
}

describe('parseBody', () => {
  it('reads JSON and form bodies', () => {
    expect(parseBody(req('{"a":1}', 'application/json'))).toEqual({ a: 1 });
    expect(parseBody(req('a=1&b=x+y', 'application/x-www-form-urlencoded; charset=utf-8'))).toEqual({ a: '1', b: 'x y' });
    expect(parseBody(req('a=1'))).toEqual({ a: '1' });
    expect(parseBody({ body: Buffer.from('{"a":2}').toString('base64'), isBase64Encoded: true, headers: { 'content-type': 'application/json' } })).toEqual({ a: 2 });
  });

  it('answers malformed JSON with 400, an oversized body with 413, an unknown type with 415', () => {
    expect(status(() => parseBody(req('{bad', 'application/json')))).toBe(400);
    expect(status(() => parseBody(req('[1]', 'application/json')))).toBe(400);
    expect(status(() => parseBody(req('a=' + 'x'.repeat(MAX_BODY_BYTES), 'application/x-www-form-urlencoded')))).toBe(413);
    expect(status(() => parseBody(req('<x/>', 'application/xml')))).toBe(415);
    expect(status(() => parseBody(req('a=1&a=2', 'application/x-www-form-urlencoded')))).toBe(400);
  });

  it('never rounds a JSON number: one a float cannot hold exactly keeps its source text', () => {
    const body = parseBody(req('{"tiny":1e-30,"big":12345678901234567890,"long":0.10000000000000000001,"id":7,"amount":25.5,"e":1e2,"safe":9007199254740991,"nested":{"list":[9007199254740993,1.5]}}', 'application/json'));
    expect(body).toEqual({
      tiny: new JsonNumber('1e-30'),
      big: new JsonNumber('12345678901234567890'),
      long: new JsonNumber('0.10000000000000000001'),
      id: 7,
      amount: 25.5,
      e: 100,
      safe: 9007199254740991,
      nested: { list: [new JsonNumber('9007199254740993'), 1.5] },
    });
    expect(body.tiny).toBeInstanceOf(JsonNumber);
    expect(typeof body.id).toBe('number');
  });

  it('refuses a JSON key given twice with different values, as it does a form parameter', () => {
    expect(() => parseBody(req('{"currency_amount":1,"currency_amount":1000}', 'application/json'))).toThrow('parameter currency_amount is given more than once');
    expect(status(() => parseBody(req('{"a":{"b":1,"b":2}}', 'application/json')))).toBe(400);
  });

  it('reads form fields named like built-in object properties as ordinary fields', () => {
    const body = parseBody(req('constructor=1&toString=2&__proto__=3', 'application/x-www-form-urlencoded'));
    expect(Object.keys(body)).toEqual(['constructor', 'toString', '__proto__']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
  });

  it('drops empty optional form fields', () => {
    expect(withoutEmptyFields({ a: '', b: 'x', c: null })).toEqual({ b: 'x' });
  });
});

describe('stringify', () => {
  it('writes bigint as an exact JSON integer', () => {
    expect(stringify({ amount: 3570000000000000001n, s: 'x' })).toBe('{"amount":3570000000000000001,"s":"x"}');
  });

  it('writes a JSON number read from a request back exactly as sent', () => {
    const text = '{"tiny":1e-30,"big":12345678901234567890,"long":0.10000000000000000001,"huge":-1.5E+400,"plain":25.5,"s":"1e-30"}';
    expect(stringify(parseBody(req(text, 'application/json')))).toBe(text);
  });
});
