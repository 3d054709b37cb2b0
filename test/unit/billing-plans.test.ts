/** The billing plans document: its schema, the answer clients read, lookup by id and alias, exact money. */
import { GetCommand, DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_PLANS_DOCUMENT } from '../../lib/billing/default-plans.js';
import { billingPlansView, currentPlansDocument, setPlansDocument, findPlan, parsePlansDocument, planMoney, requirePlan } from '../../lib/billing/plans.js';
import { validUntilOf, promoKey } from '../../lib/billing/promo-codes.js';
import { plansDocumentSchema } from '../../lib/billing/schema.js';
import { resetConfig } from '../../lib/config/index.js';
import { DomainError } from '../../lib/errors.js';
import { BILLING_PLANS_EXAMPLE } from '../fixtures/billing-plans.js';

const copy = () => structuredClone(DEFAULT_PLANS_DOCUMENT) as any;

afterEach(() => {
  delete process.env.BILLING_CURRENCY;
  resetConfig();
});

describe('plans document schema', () => {
  it('accepts the built-in document', () => {
    expect(plansDocumentSchema.parse(DEFAULT_PLANS_DOCUMENT)).toEqual(DEFAULT_PLANS_DOCUMENT);
    expect(DEFAULT_PLANS_DOCUMENT.list.map((p) => p.id)).toEqual(['basic', 'light', 'pro', 'pro-corp']);
  });

  it.each([
    ['a plan listed twice', (d: any) => d.list.push(d.list[1]), 'list.4.id: plan id light is listed twice'],
    ['a cost with fractions of a cent', (d: any) => (d.list[1].cost = 195.005), 'list.1.cost: cost must be a non-negative number with at most 2 decimals'],
    ['a negative coin rate', (d: any) => (d.list[1].coin_rate = -0.1), 'list.1.coin_rate: coin_rate must be a non-negative number with at most 6 decimals'],
    ['an unknown field', (d: any) => (d.list[0].price = 3), 'list.0'],
    ['a feature listed twice', (d: any) => d.list[0].description_list.push({ label: 'GTIN', value: '1' }), 'list.0.description_list.10.label: plan basic lists GTIN twice'],
    ['no plans', (d: any) => (d.list = []), 'list: list must name at least one plan'],
    ['a fractional commitment', (d: any) => (d.list[2].commitment_period = 1.5), 'list.2.commitment_period'],
    ['a feature value that is a number', (d: any) => (d.list[0].description_list[0].value = 5), 'list.0.description_list.0.value'],
  ])('refuses %s, naming the field', (_what, change, message) => {
    const doc = copy();
    change(doc);
    expect(() => parsePlansDocument(doc)).toThrow(message);
  });

  it('accepts a currency only when it is the configured one', () => {
    expect(parsePlansDocument({ ...copy(), currency: 'usd' }).currency).toBe('usd');
    expect(() => parsePlansDocument({ ...copy(), currency: 'aud' })).toThrow('currency aud is not the configured BILLING_CURRENCY (usd)');
    process.env.BILLING_CURRENCY = 'aud';
    resetConfig();
    expect(parsePlansDocument({ ...copy(), currency: 'aud' }).currency).toBe('aud');
  });
});

describe('the answer of GET /payments-service/billing_plans', () => {
  it('is the expected document field by field and in the same order (the currency is the configured one)', () => {
    const view = billingPlansView(DEFAULT_PLANS_DOCUMENT, 'aud');
    expect(view).toEqual(BILLING_PLANS_EXAMPLE);
    expect(JSON.stringify(view)).toBe(JSON.stringify(BILLING_PLANS_EXAMPLE));
    expect(billingPlansView(DEFAULT_PLANS_DOCUMENT, 'usd').currency).toBe('usd');
  });
});

describe('plan lookup', () => {
  it('finds plans by id and by their older names, whatever the letter case', () => {
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'light')?.id).toBe('light');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'lite')?.id).toBe('light');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'standard')?.id).toBe('pro');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'Standard')?.id).toBe('pro');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'pro')?.id).toBe('pro');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'pro-corp')?.id).toBe('pro-corp');
    expect(findPlan(DEFAULT_PLANS_DOCUMENT, 'complete')).toBeUndefined();
  });

  it('prefers a plan whose id is the alias itself when the operator defines one', () => {
    const doc = copy();
    doc.list.push({ ...doc.list[1], id: 'lite', name: 'LITE' });
    expect(findPlan(doc, 'lite')?.name).toBe('LITE');
  });

  it('fails with unknown_plan naming the plans there are', () => {
    const err = (() => {
      try {
        requirePlan(DEFAULT_PLANS_DOCUMENT, 'gold');
      } catch (e) {
        return e;
      }
    })() as DomainError;
    expect(err).toBeInstanceOf(DomainError);
    expect(err.code).toBe('unknown_plan');
    expect(err.message).toBe('unknown plan gold: plans are basic, light, pro, pro-corp');
  });
});

describe('exact money of a plan', () => {
  it('gives the cost in cents and the coin rate as a fraction', () => {
    const money = (id: string) => planMoney(requirePlan(DEFAULT_PLANS_DOCUMENT, id));
    expect(money('basic')).toEqual({ costMinor: 0n, coinRate: { num: 0n, den: 1n } });
    expect(money('lite')).toEqual({ costMinor: 19500n, coinRate: { num: 1n, den: 10n } });
    expect(money('standard')).toEqual({ costMinor: 39500n, coinRate: { num: 2n, den: 10n } });
    expect(money('pro-corp')).toEqual({ costMinor: 49500n, coinRate: { num: 3n, den: 10n } });
  });

  it('reads decimals from their text, not their binary value', () => {
    const doc = copy();
    doc.list[1].cost = 19.99;
    doc.list[1].coin_rate = 0.000125;
    expect(planMoney(doc.list[1])).toEqual({ costMinor: 1999n, coinRate: { num: 125n, den: 1_000_000n } });
    doc.list[1].cost = 0.3;
    expect(planMoney(doc.list[1]).costMinor).toBe(30n);
  });
});

describe('promo code days and keys', () => {
  it('keeps a code usable through the last day, UTC', () => {
    expect(validUntilOf('2030-02-28')).toBe('2030-03-01T00:00:00.000Z');
    expect(() => validUntilOf('2030-02-30')).toThrow('--expires must be a day YYYY-MM-DD');
    expect(() => validUntilOf('30.1.2030')).toThrow('--expires must be a day YYYY-MM-DD');
  });

  it('matches codes whatever their letter case', () => {
    expect(promoKey(' Promo60 ')).toBe('promo60');
  });
});

describe('the plans document in a warm function', () => {
  it('is read once per PLANS_CACHE_SECONDS, and again at once after this function stores a new one', async () => {
    const ddbMock = mockClient(DynamoDBDocumentClient);
    try {
      ddbMock.on(GetCommand).resolves({});
      ddbMock.on(UpdateCommand).resolves({});
      expect((await currentPlansDocument())._id).toBe(DEFAULT_PLANS_DOCUMENT._id);
      await currentPlansDocument();
      expect(ddbMock.commandCalls(GetCommand)).toHaveLength(1);
      await setPlansDocument(copy(), 'test');
      await currentPlansDocument();
      expect(ddbMock.commandCalls(GetCommand)).toHaveLength(2);
    } finally {
      ddbMock.restore();
    }
  });
});
