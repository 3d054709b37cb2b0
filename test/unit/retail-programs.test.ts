/** Loyalty program documents (validation, defaults, exact rebates), the contract's loyalty_program object and level info, their failures. */
import { describe, expect, it } from 'vitest';
import { NOVASTORE_LEVEL_UP } from '../fixtures/retail.js';
import { DomainError } from '../../lib/errors.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { toApiError } from '../../lib/http/handler.js';
import { parseJson, stringify } from '../../lib/json.js';
import { levelStanding } from '../../lib/retail/levels.js';
import { levelInfoView } from '../../lib/retail/levels-view.js';
import { parseProgramDocument, programView, type LoyaltyProgram } from '../../lib/retail/programs.js';
import { levelInfoSchema, loyaltyProgramViewSchema } from '../../lib/retail/schema.js';

/** The contract's NovaStore program as a system operator writes it. */
const novaStore = () => ({
  name: 'NovaStore',
  description: 'The loyalty card list will be updated to include the <b>NovaStore</b> card.',
  bgcolor: '#ED1010',
  image_big: 'https://dev-cdn.shping.com/2023/3/31/big.png',
  image_small: 'https://dev-cdn.shping.com/2023/3/31/small.png',
  country: '036',
  coin_payments_rule: { type: 'currency_value', currency_value: 2000 },
  level_up: structuredClone(NOVASTORE_LEVEL_UP),
  rebate: [
    { level_id: 'casual', rebate_percents: 15 },
    { level_id: 'regular', rebate_percents: 25 },
    { level_id: 'vip', rebate_percents: 33 },
  ],
});

/** The document's refusal: its message, and the first field named. */
function refusal(doc: unknown): { message: string; field: unknown } {
  try {
    parseProgramDocument(doc);
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    const e = err as DomainError;
    expect(e.code).toBe('retail_bad_program');
    return { message: e.message, field: (e.details as { field: unknown }).field };
  }
  throw new Error('the document was accepted');
}

const edit = (change: (d: any) => void) => {
  const d: any = novaStore();
  change(d);
  return d;
};

describe('a loyalty program document', () => {
  it('is accepted with its defaults filled in and rebates kept as exact decimal text', () => {
    const doc = parseProgramDocument(edit((d) => (d.rebate[1].rebate_percents = 12.5)));
    expect(doc).toMatchObject({ timezone: 'Australia/Sydney', status: 'active', type: 'custom', country: '036' });
    expect(doc.rebate.map((r) => r.rebate_percents)).toEqual(['15', '12.5', '33']);
    // A number a float cannot say exactly is never accepted as something else: JSON text is read losslessly.
    const lossless = parseProgramDocument(parseJson(JSON.stringify(novaStore()).replace('"rebate_percents":33', '"rebate_percents":33.10')));
    expect(lossless.rebate[2]!.rebate_percents).toBe('33.1');
    expect(parseProgramDocument(edit((d) => Object.assign(d, { timezone: 'Asia/Singapore', country: '702', status: 'inactive', type: 'custom' })))).toMatchObject({ timezone: 'Asia/Singapore', status: 'inactive' });
  });

  it('is refused naming the field at fault', () => {
    const cases: [(d: any) => void, string, RegExp][] = [
      [(d) => delete d.name, 'name', /^invalid loyalty program document: name: must be a string/],
      [(d) => (d.bgcolor = 'red'), 'bgcolor', /bgcolor: must be a colour like #ED1010/],
      [(d) => (d.image_big = 'http://cdn.example.com/a.png'), 'image_big', /image_big: must be an https URL/],
      [(d) => (d.country = '999'), 'country', /country: must be a numeric country code with a coin currency \(036, 702, 840\)/],
      [(d) => (d.country = 'au'), 'country', /country: must be a numeric country code like 036/],
      [(d) => (d.timezone = 'Mars/Olympus'), 'timezone', /timezone: must be an IANA time zone/],
      [(d) => (d.coin_payments_rule.currency_value = -1), 'coin_payments_rule.currency_value', /coin_payments_rule.currency_value: must be a whole number from 0/],
      [(d) => (d.coin_payments_rule.currency_value = 12.5), 'coin_payments_rule.currency_value', /must be a whole number/],
      [(d) => (d.level_up[0].rules = [{ type: 'spends', spends: 1, period_days: 1 }]), 'level_up.0.rules', /level_up.0.rules: the first level is the base level: it must have no rules/],
      [(d) => (d.level_up[2].level_id = 'regular'), 'level_up.2.level_id', /level regular is given twice/],
      [(d) => (d.level_up[1].level_id = 'Regular'), 'level_up.1.level_id', /level_up.1.level_id: must be a level id/],
      [(d) => (d.level_up[1].rules[0].period_days = 0), 'level_up.1.rules.0.period_days', /period_days: must be a whole number from 1 to 365/],
      [(d) => (d.level_up[1].rules[1].period_days = 366), 'level_up.1.rules.1.period_days', /must be a whole number from 1 to 365/],
      [(d) => (d.level_up[1].rules[0].purchases_count = 0), 'level_up.1.rules.0.purchases_count', /purchases_count: must be a whole number from 1/],
      [(d) => (d.level_up[1].rules[0] = { type: 'visits', visits: 3, period_days: 3 }), 'level_up.1.rules.0.type', /must be a rule of type purchases_count or spends/],
      [(d) => (d.level_up[2].rules = []), 'level_up.2.rules', /level vip must have at least one rule/],
      [(d) => (d.level_up = []), 'level_up', /level_up: must hold at least the base level/],
      [(d) => d.rebate.pop(), 'rebate', /level vip has no rebate: give exactly one per level/],
      [(d) => d.rebate.push({ level_id: 'vip', rebate_percents: 40 }), 'rebate.3.level_id', /level vip has more than one rebate/],
      [(d) => (d.rebate[0].level_id = 'gold'), 'rebate.0.level_id', /gold is not a level of level_up/],
      [(d) => (d.rebate[0].rebate_percents = 100.5), 'rebate.0.rebate_percents', /rebate.0.rebate_percents: must be a number from 0 to 100 with at most 2 decimals/],
      [(d) => (d.rebate[0].rebate_percents = 12.345), 'rebate.0.rebate_percents', /at most 2 decimals/],
      [(d) => (d.rebate[0].rebate_percents = '15'), 'rebate.0.rebate_percents', /must be a number/],
      [(d) => (d.status = 'paused'), 'status', /status: must be active or inactive/],
      [(d) => (d.type = 'standard'), 'type', /type: must be custom/],
      [(d) => (d.colour = '#ffffff'), 'colour', /^invalid loyalty program document: unknown field colour$/],
      [(d) => (d.level_up[1].rules[0].days = 3), 'level_up.1.rules.0.days', /level_up.1.rules.0: unknown field days/],
    ];
    for (const [change, field, message] of cases) {
      const r = refusal(edit(change));
      expect(r.message, field).toMatch(message);
      expect(r.field, String(message)).toBe(field);
    }
    expect(refusal([]).message).toMatch(/a loyalty program document must be a JSON object/);
    // Every problem of the shape is named at once; then every problem between fields.
    expect(refusal(edit((d) => ((d.bgcolor = 'red'), (d.image_small = 'ftp://x'))))).toMatchObject({ field: 'bgcolor', message: expect.stringMatching(/bgcolor: .*; image_small: /) });
    expect(refusal(edit((d) => ((d.country = '999'), d.rebate.pop())))).toMatchObject({ field: 'country', message: expect.stringMatching(/country: .*; rebate: level vip has no rebate/) });
  });

  it('is refused with a 400 in the payments envelope; a missing program or card is a 404', () => {
    const bad = toApiError(paymentsFamily, (() => {
      try {
        parseProgramDocument({});
      } catch (err) {
        return err;
      }
    })());
    expect(paymentsFamily.errorBody(bad)).toMatchObject({ error_id: 'payments-retail_bad_program' });
    expect(bad.status).toBe(400);
    expect(toApiError(paymentsFamily, new DomainError('retail_program_not_found', 'none'))).toMatchObject({ status: 404 });
    expect(toApiError(paymentsFamily, new DomainError('retail_card_not_found', 'none'))).toMatchObject({ status: 404 });
    expect(toApiError(paymentsFamily, new DomainError('retail_card_exists', 'taken'))).toMatchObject({ status: 409 });
  });
});

const stored = (): LoyaltyProgram => {
  const doc = parseProgramDocument(edit((d) => (d.rebate[2].rebate_percents = 33.33)));
  return {
    id: '87f9db8b-9aec-47a0-aaca-1ff140b3ba0a',
    participant: 'urn:authenticateit:participant:735879621218609',
    name: doc.name,
    description: doc.description!,
    bgcolor: doc.bgcolor!,
    imageBig: doc.image_big!,
    imageSmall: doc.image_small!,
    country: doc.country,
    currency: 'aud',
    timezone: doc.timezone,
    coinPaymentsRule: doc.coin_payments_rule,
    levelUp: doc.level_up,
    rebate: doc.rebate,
    status: doc.status,
    programType: doc.type,
    createdAt: '2023-05-09T03:04:44.123Z',
    createdBy: 'urn:authenticateit:user:email:system@authenticateit.com',
    updatedAt: '2023-05-10T00:00:00.000Z',
    updatedBy: 'ops',
  };
};

describe('the loyalty_program object', () => {
  it('has the contract’s keys in alphabetical order, times to the second and exact rebates', () => {
    const view = programView(stored());
    const keys = Object.keys(view);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(['bgcolor', 'coin_payments_rule', 'country', 'created_at', 'created_by', 'description', 'id', 'image_big', 'image_small', 'level_up', 'name', 'rebate', 'status', 'type']);
    const text = stringify(view);
    expect(text).toContain('"rebate":[{"level_id":"casual","rebate_percents":15},{"level_id":"regular","rebate_percents":25},{"level_id":"vip","rebate_percents":33.33}]');
    expect(text).toContain('"coin_payments_rule":{"currency_value":2000,"type":"currency_value"}');
    expect(text).toContain('{"level_id":"regular","rules":[{"period_days":30,"purchases_count":5,"type":"purchases_count"},{"period_days":30,"spends":2000,"type":"spends"}]}');
    const json = JSON.parse(text);
    expect(json).toMatchObject({ created_at: '2023-05-09T03:04:44Z', status: 'active', type: 'custom' });
    expect(loyaltyProgramViewSchema.safeParse(json).success).toBe(true);
    // In a session: the user's level, last.
    expect(Object.keys(programView(stored(), 'casual')).at(-1)).toBe('user_level');
    // Optional fields left out of the document are left out of the object.
    const bare = { ...stored() };
    delete bare.description;
    delete bare.bgcolor;
    expect(Object.keys(programView(bare))).not.toContain('description');
  });
});

describe('the level info', () => {
  it('answers the contract’s fields for a user’s standing', () => {
    const program = stored();
    const user = 'urn:authenticateit:user:email:shping:9cc2a816-2897-4858-be3d-71abd8d6c1b8';
    const now = new Date('2023-05-08T11:13:41.500Z');
    const session = 'urn:authenticateit:retail_connect:session:bee67223-1278-4ceb-b299-c579d85ee9e5';
    const info = levelInfoView(user, program, levelStanding(program, [{ session, amountMinor: 1000n, ts: '2023-05-02T00:00:00.000Z' }], now), now);
    const json = JSON.parse(stringify(info));
    expect(Object.keys(json)).toEqual([...Object.keys(json)].sort());
    expect(json).toEqual({
      activity_from_date: '2023-04-09',
      activity_from_utc_ts: '2023-04-08T14:00:00Z',
      activity_to_date: '2023-05-08',
      activity_to_utc_ts: '2023-05-08T13:59:59Z',
      calculated_ts: '2023-05-08T11:13:41Z',
      counters: { purchases_count: 1, sessions: [session], spends: 1000 },
      id: `${user}@retail_connect@urn:authenticateit:participant:735879621218609@level`,
      loyalty_program: JSON.parse(stringify(programView(program))),
      next_date: '2023-05-09',
      next_ts_utc: '2023-05-08T14:00:00Z',
      participant_id: 'urn:authenticateit:participant:735879621218609',
      rules: [
        { pass: false, period_days: 30, purchases_count: 5, type: 'purchases_count', user_value: 1 },
        { pass: false, period_days: 30, spends: 2000, type: 'spends', user_value: 1000 },
      ],
      timezone_min: 600,
      type: 'retail_connect_level',
      user_id: user,
      user_level: 'casual',
      user_level_next: 'regular',
      user_level_rebate_percents: 15,
    });
    expect(levelInfoSchema.safeParse(json).success).toBe(true);
  });
});
