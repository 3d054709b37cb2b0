/**
 * Request amounts are read exactly as written, and each has a maximum: a JSON number is never rounded through a
 * float (README: more decimals are "refused rather than rounded"), and an absurd amount is a 4xx in the family's
 * envelope, never a 500 from DynamoDB's 38-digit numbers.
 */
import { DynamoDBDocumentClient, GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler } from '../../functions/purchases/new-purchase.js';
import { transferSchema } from '../../lib/coins/schema.js';
import { parseBody } from '../../lib/http/body.js';
import { ApiError } from '../../lib/http/errors.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { parseInput } from '../../lib/http/route.js';
import { amountText, formatUnits, JsonNumber } from '../../lib/ledger/money.js';
import { hashSecret } from '../../lib/security/secrets.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

const json = (text: string) => parseBody({ body: text, headers: { 'content-type': 'application/json' } });

describe('JSON numbers reach the amount schemas exactly', () => {
  /** The exact decimal of digits.fraction x 10^exponent, by bigint arithmetic. */
  const reference = (digits: string, fraction: string, exponent: number) => {
    const n = BigInt(digits + fraction);
    const scale = fraction.length - exponent;
    return scale <= 0 ? (n * 10n ** BigInt(-scale)).toString() : formatUnits(n, scale);
  };

  it('any JSON number: the amount text is its exact decimal, and a plain number only when the float says exactly that', () => {
    const digitString = (min: number, max: number) => fc.array(fc.constantFrom(...'0123456789'), { minLength: min, maxLength: max }).map((d) => d.join(''));
    fc.assert(
      fc.property(
        fc.oneof(fc.constant('0'), fc.tuple(fc.constantFrom(...'123456789'), digitString(0, 39)).map(([a, b]) => a + b)),
        fc.option(digitString(1, 30), { nil: undefined }),
        fc.option(fc.integer({ min: -40, max: 40 }), { nil: undefined }),
        (whole, fraction, exponent) => {
          const text = `${whole}${fraction === undefined ? '' : '.' + fraction}${exponent === undefined ? '' : 'e' + exponent}`;
          const { x } = json(`{"x":${text}}`);
          const exact = reference(whole, fraction ?? '', exponent ?? 0);
          expect(amountText(x)).toBe(exact);
          if (typeof x === 'number') expect(String(x)).toBe(exact);
          else expect(x).toEqual(new JsonNumber(text));
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('POST /new_purchase: amounts refused rather than rounded, and bounded', () => {
  const ddbMock = mockClient(DynamoDBDocumentClient);
  const KEY = 'pk_exact';
  const fields = `"partner":"shop","partner_key":"${KEY}","customer":"c1","order_id":"o1","address":"0x70997970C51812dc3A010C7d01b50e0d17dc79C8","currency":"USD"`;

  async function post(rest: string) {
    const res = (await handler(httpEvent('POST', '/new_purchase', `{${fields},${rest}}`, { 'content-type': 'application/json' }), lambdaContext)) as { statusCode: number; body: string };
    return { status: res.statusCode, body: JSON.parse(res.body) as Record<string, unknown> };
  }

  beforeEach(() => {
    ddbMock.reset();
    ddbMock.on(GetCommand).resolves({ Item: { name: 'shop', keyHash: hashSecret(KEY), status: 'active', createdAt: 'x' } });
  });

  it.each([
    // JSON.parse read these as 10 and 0 (percent): paid as if sent so.
    ['"currency_amount":10.000000000000000000001', 'currency_amount has more than 2 decimal places for USD'],
    ['"currency_amount":1e-30', 'currency_amount has more than 2 decimal places for USD'],
    ['"currency_amount":10,"partner_cashback_percentage":1e-30', 'partner_cashback_percentage has more than 4 decimal places'],
    ['"currency_amount":10,"partner_cashback_percentage":2.00000000000000000001', 'partner_cashback_percentage has more than 4 decimal places'],
    // Beyond the maximum (10^12), as a JSON number or a string: the cashback would not fit DynamoDB's 38 digits.
    ['"currency_amount":999999999999999999999999999999', 'currency_amount must be at most 1000000000000'],
    ['"currency_amount":"999999999999999999999999999999.99"', 'currency_amount must be at most 1000000000000'],
    ['"currency_amount":1000000000000.01', 'currency_amount must be at most 1000000000000'],
    ['"currency_amount":1e13', 'currency_amount must be at most 1000000000000'],
    ['"currency_amount":1e+30', 'currency_amount must be at most 1000000000000'],
    ['"currency_amount":1e-35', 'currency_amount has more than 2 decimal places for USD'],
    ['"currency_amount":10,"partner_cashback_percentage":1e35', 'partner_cashback_percentage must be at most 100'],
    // Other fields refuse an exact number with their usual message.
    ['"currency_amount":10,"description":1e-30', 'description must be a string'],
  ])('%s -> 400 %s', async (rest, message) => {
    expect(await post(rest)).toEqual({ status: 400, body: { result: 'error', error: message } });
    expect(ddbMock.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});

describe('coin transfers: exact whole numbers up to 10^30', () => {
  const A = '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2';
  const transfer = (coins: string, fee = '"1000000000000000000"') => parseInput(paymentsFamily, transferSchema, json(`{"address":"${A}","coins":${coins},"fee":${fee}}`));
  const refusal = (fn: () => unknown) => {
    try {
      fn();
    } catch (err) {
      return { status: (err as ApiError).status, code: (err as ApiError).code, message: (err as ApiError).message };
    }
    return undefined;
  };

  it('takes a JSON integer beyond a float exactly', () => {
    expect(transfer('12345678901234567890').coins).toBe(12345678901234567890n);
    expect(transfer('1000000000000000000000000000000').coins).toBe(10n ** 30n);
    expect(transfer('"1000000000000000000000000000000"').coins).toBe(10n ** 30n);
  });

  it('refuses more than 10^30 as payments-bad_<field>', () => {
    const tooMany = { status: 400, code: 'bad_coins', message: 'coins must be at most 1000000000000000000000000000000 (10^12 whole tokens)' };
    expect(refusal(() => transfer(`"${'9'.repeat(39)}"`))).toEqual(tooMany);
    expect(refusal(() => transfer(`"${'9'.repeat(40)}"`))).toEqual(tooMany);
    expect(refusal(() => transfer('1000000000000000000000000000001'))).toEqual(tooMany);
    expect(refusal(() => transfer('1', `"${'9'.repeat(40)}"`))).toMatchObject({ status: 400, code: 'bad_fee' });
    expect(refusal(() => transfer('1e-3'))).toMatchObject({ status: 400, code: 'bad_coins', message: "coins must be a whole number of the token's smallest unit, as a decimal string" });
  });
});
