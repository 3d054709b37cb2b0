import { describe, expect, it } from 'vitest';
import { MAX_BODY_BYTES, parseBody, withoutEmptyFields } from '../../lib/http/body.js';
import { ApiError } from '../../lib/http/errors.js';
import { stringify } from '../../lib/json.js';

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

  it('drops empty optional form fields', () => {
    expect(withoutEmptyFields({ a: '', b: 'x', c: null })).toEqual({ b: 'x' });
  });
});

describe('stringify', () => {
  it('writes bigint as an exact JSON integer', () => {
    expect(stringify({ amount: 3570000000000000001n, s: 'x' })).toBe('{"amount":3570000000000000001,"s":"x"}');
  });
});
