/**
 * Retail connect loyalty programs: the program document the system role sets, the `loyalty_program` object the
 * contract shows, and the user's level info; also the source of their OpenAPI schemas.
 */
import * as z from 'zod/mini';
import { amountTextOf, JsonNumber } from '../ledger/money.js';
import { COUNTRY_CURRENCY } from '../rates/currencies.js';
import type { LevelRebate, LevelRule, ProgramLevel } from './levels.js';
import { isTimeZone } from '../local-days.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const DEFAULT_PROGRAM_TIMEZONE = 'Australia/Sydney';
export const PROGRAM_STATUSES = ['active', 'inactive'] as const;
export type ProgramStatus = (typeof PROGRAM_STATUSES)[number];
const LEVEL_ID = /^[a-z0-9_]{1,32}$/;
/** The most a program's coin rule may let coins pay of one purchase, in cents (as much as a purchase may be). */
const MAX_COIN_PAYMENT_CENTS = 100_000_000;
const MAX_LEVELS = 20;
const MAX_RULES = 10;
/** Countries with a coin currency, as ISO 3166-1 numeric codes. */
const PROGRAM_COUNTRIES = Object.keys(COUNTRY_CURRENCY).filter((c) => /^\d{3}$/.test(c)).sort();

/** An object's error: unknown fields are named; anything else is `message`. */
const objectError = (message: string) => (issue: { code?: string; keys?: string[] }) =>
  issue.code === 'unrecognized_keys' ? `unknown field${issue.keys!.length > 1 ? 's' : ''} ${issue.keys!.join(', ')}` : message;

const wholeNumber = (min: number, max: number, description: string) => {
  const message = `must be a whole number from ${min} to ${max}`;
  return z.int({ error: message }).check(z.minimum(min, message), z.maximum(max, message)).register(z.globalRegistry, { description });
};

const text = (max: number, description: string) => {
  const message = `must be a string of 1 to ${max} characters`;
  return z.string({ error: message }).check(z.minLength(1, message), z.maxLength(max, message)).register(z.globalRegistry, { description });
};

const httpsUrl = (description: string) =>
  z
    .string({ error: 'must be an https URL' })
    .check(
      z.maxLength(2000, 'must be an https URL of at most 2000 characters'),
      z.refine((v) => {
        try {
          return new URL(v).protocol === 'https:';
        } catch {
          return false;
        }
      }, 'must be an https URL'),
    )
    .register(z.globalRegistry, { description });

const PERIOD_DAYS = () => wholeNumber(1, 365, 'The window, in calendar days of the program’s time zone ending today: from the start of local day (today - period_days + 1) to now.');

const ruleSchema = () =>
  z.discriminatedUnion(
    'type',
    [
      z.strictObject({
        type: z.literal('purchases_count'),
        purchases_count: wholeNumber(1, 1_000_000, 'At least this many purchases in the window.'),
        period_days: PERIOD_DAYS(),
      }, { error: objectError('must be a rule') }),
      z.strictObject({
        type: z.literal('spends'),
        spends: wholeNumber(1, 100_000_000_000, 'At least this much spent in the window, in cents of the program’s currency.'),
        period_days: PERIOD_DAYS(),
      }, { error: objectError('must be a rule') }),
    ],
    { error: 'must be a rule of type purchases_count or spends' },
  );

/** A percentage as a JSON number: 0 to 100, at most 2 decimals; answered as its exact decimal text. */
const rebatePercentsInput = () =>
  z
    .custom<number | JsonNumber>((v) => {
      if (typeof v !== 'number' && !(v instanceof JsonNumber)) return false;
      const t = amountTextOf(v);
      return t !== undefined && /^\d{1,3}(\.\d{1,2})?$/.test(t) && Number(t) <= 100;
    }, { error: 'must be a number from 0 to 100 with at most 2 decimals' })
    .register(z.globalRegistry, { type: 'number', minimum: 0, maximum: 100, description: 'The rebate of the level, in percent of the purchase amount (at most 2 decimals).' });

/** The program document as the system role writes it. */
export interface ProgramDocument {
  name: string;
  description?: string;
  bgcolor?: string;
  image_big?: string;
  image_small?: string;
  /** ISO 3166-1 numeric, with a coin currency. */
  country: string;
  timezone: string;
  coin_payments_rule: { type: 'currency_value'; currency_value: number };
  level_up: ProgramLevel[];
  rebate: LevelRebate[];
  status: ProgramStatus;
  type: 'custom';
}

type Issue = { message: string; path: (string | number)[] };

/** What the shape alone cannot say: the base level, unique level ids, one rebate per level, a known country and zone. */
function documentProblems(doc: ProgramDocument): Issue[] {
  const issues: Issue[] = [];
  if (!COUNTRY_CURRENCY[doc.country] || !/^\d{3}$/.test(doc.country)) issues.push({ path: ['country'], message: `must be a numeric country code with a coin currency (${PROGRAM_COUNTRIES.join(', ')})` });
  if (!isTimeZone(doc.timezone)) issues.push({ path: ['timezone'], message: 'must be an IANA time zone like Australia/Sydney' });
  const ids = new Set<string>();
  doc.level_up.forEach((level, i) => {
    if (ids.has(level.level_id)) issues.push({ path: ['level_up', i, 'level_id'], message: `level ${level.level_id} is given twice` });
    ids.add(level.level_id);
    if (i === 0 && level.rules.length > 0) issues.push({ path: ['level_up', 0, 'rules'], message: 'the first level is the base level: it must have no rules' });
    // A level above the base without rules would always be reached, leaving the levels below it unreachable.
    if (i > 0 && level.rules.length === 0) issues.push({ path: ['level_up', i, 'rules'], message: `level ${level.level_id} must have at least one rule (only the first, base level has none)` });
  });
  const rebated = new Set<string>();
  doc.rebate.forEach((r, i) => {
    if (!ids.has(r.level_id)) issues.push({ path: ['rebate', i, 'level_id'], message: `${r.level_id} is not a level of level_up` });
    else if (rebated.has(r.level_id)) issues.push({ path: ['rebate', i, 'level_id'], message: `level ${r.level_id} has more than one rebate` });
    rebated.add(r.level_id);
  });
  for (const id of ids) if (!rebated.has(id)) issues.push({ path: ['rebate'], message: `level ${id} has no rebate: give exactly one per level` });
  return issues;
}

/** The program document, validated; the output has the defaults filled in and rebates as exact decimal text. */
export const programDocumentSchema = schema(() =>
  z.pipe(
    z.strictObject(
      {
        name: text(100, 'The program’s name, as the app shows it.'),
        description: z.optional(text(2000, 'What the app shows about the program (may hold simple HTML such as <b>).')),
        bgcolor: z.optional(z.string({ error: 'must be a colour like #ED1010' }).check(z.regex(/^#[0-9A-Fa-f]{6}$/, 'must be a colour like #ED1010')).register(z.globalRegistry, { description: 'The card’s background colour, #RRGGBB.' })),
        image_big: z.optional(httpsUrl('The program’s large image (https).')),
        image_small: z.optional(httpsUrl('The program’s small image (https).')),
        country: z
          .string({ error: 'must be a numeric country code like 036' })
          .check(z.regex(/^\d{3}$/, 'must be a numeric country code like 036'))
          .register(z.globalRegistry, { description: 'ISO 3166-1 numeric country with a coin currency (036, 702, 840): the program’s currency.' }),
        timezone: z.optional(
          z.string({ error: 'must be an IANA time zone like Australia/Sydney' }).check(z.maxLength(64, 'must be an IANA time zone like Australia/Sydney')).register(z.globalRegistry, {
            description: `The IANA time zone whose calendar days level windows count (default ${DEFAULT_PROGRAM_TIMEZONE}).`,
          }),
        ),
        coin_payments_rule: z.strictObject(
          {
            type: z.literal('currency_value', { error: 'must be currency_value' }),
            currency_value: wholeNumber(0, MAX_COIN_PAYMENT_CENTS, 'The most of one purchase payable with coins, in cents of the program’s currency.'),
          },
          { error: objectError('must be an object {type: currency_value, currency_value}') },
        ),
        level_up: z
          .array(
            z.strictObject(
              {
                level_id: z.string({ error: 'must be a level id: 1 to 32 of a-z, 0-9, _' }).check(z.regex(LEVEL_ID, 'must be a level id: 1 to 32 of a-z, 0-9, _')),
                rules: z.array(ruleSchema(), { error: 'must be a list of rules' }).check(z.maxLength(MAX_RULES, `must be at most ${MAX_RULES} rules`)),
              },
              { error: objectError('must be an object {level_id, rules}') },
            ),
            { error: 'must be a list of levels, lowest first' },
          )
          .check(z.minLength(1, 'must hold at least the base level'), z.maxLength(MAX_LEVELS, `must be at most ${MAX_LEVELS} levels`))
          .register(z.globalRegistry, { description: 'The levels, lowest first; the first is the base level (no rules). A user is at the highest level whose rules all pass.' }),
        rebate: z
          .array(
            z.strictObject(
              {
                level_id: z.string({ error: 'must be a level id of level_up' }),
                rebate_percents: rebatePercentsInput(),
              },
              { error: objectError('must be an object {level_id, rebate_percents}') },
            ),
            { error: 'must be a list of rebates, one per level' },
          )
          .register(z.globalRegistry, { description: 'Exactly one rebate per level.' }),
        status: z.optional(z.enum(PROGRAM_STATUSES, { error: 'must be active or inactive' }).register(z.globalRegistry, { description: 'Default active.' })),
        type: z.optional(z.literal('custom', { error: 'must be custom' })),
      },
      { error: objectError('a loyalty program document must be a JSON object') },
    ),
    z.transform((doc, ctx): ProgramDocument => {
      const out: ProgramDocument = {
        name: doc.name,
        ...(doc.description !== undefined ? { description: doc.description } : {}),
        ...(doc.bgcolor !== undefined ? { bgcolor: doc.bgcolor.toUpperCase() } : {}),
        ...(doc.image_big !== undefined ? { image_big: doc.image_big } : {}),
        ...(doc.image_small !== undefined ? { image_small: doc.image_small } : {}),
        country: doc.country,
        timezone: doc.timezone ?? DEFAULT_PROGRAM_TIMEZONE,
        coin_payments_rule: { type: 'currency_value', currency_value: doc.coin_payments_rule.currency_value },
        level_up: doc.level_up.map((l) => ({ level_id: l.level_id, rules: l.rules.map((r): LevelRule => ({ ...r })) })),
        rebate: doc.rebate.map((r) => ({ level_id: r.level_id, rebate_percents: amountTextOf(r.rebate_percents)! })),
        status: doc.status ?? 'active',
        type: 'custom',
      };
      for (const issue of documentProblems(out)) ctx.issues.push({ code: 'custom', message: issue.message, input: doc, path: issue.path });
      return out;
    }),
  ),
);

// --- What the contract shows --------------------------------------------------------------------------------

const ruleView = () =>
  z.union([
    z.object({ period_days: z.number(), purchases_count: z.number().register(z.globalRegistry, { description: 'At least this many purchases in the window.' }), type: z.literal('purchases_count') }),
    z.object({ period_days: z.number(), spends: z.number().register(z.globalRegistry, { description: 'At least this much spent in the window, in cents.' }), type: z.literal('spends') }),
  ]);

/** The `loyalty_program` object of the level info and of a session. */
export const loyaltyProgramViewSchema = schema(() =>
  z
    .object({
      bgcolor: z.optional(z.string()),
      coin_payments_rule: z.object({
        currency_value: z.number().register(z.globalRegistry, { description: 'The most of one purchase payable with coins, in cents of the program’s currency.' }),
        type: z.literal('currency_value'),
      }),
      country: z.string().register(z.globalRegistry, { description: 'ISO 3166-1 numeric: the program’s currency is this country’s.' }),
      created_at: z.string(),
      created_by: z.string(),
      description: z.optional(z.string()),
      id: z.string(),
      image_big: z.optional(z.string()),
      image_small: z.optional(z.string()),
      level_up: z.array(z.object({ level_id: z.string(), rules: z.array(ruleView()) })).register(z.globalRegistry, { description: 'The levels, lowest first; the first (no rules) is the base level.' }),
      name: z.string(),
      rebate: z.array(z.object({ level_id: z.string(), rebate_percents: z.number().register(z.globalRegistry, { description: 'In percent of the purchase amount (exact, at most 2 decimals).' }) })),
      status: z.enum(PROGRAM_STATUSES),
      type: z.literal('custom'),
      user_level: z.optional(z.string().register(z.globalRegistry, { description: 'In a session: the user’s level when it started.' })),
    })
    .register(z.globalRegistry, { description: 'A participant’s retail connect loyalty program.' }),
);

/** A rule of the next level and how far the user is on it. */
const ruleStandingView = () =>
  z.union([
    z.object({ pass: z.boolean(), period_days: z.number(), purchases_count: z.number(), type: z.literal('purchases_count'), user_value: z.number().register(z.globalRegistry, { description: 'Purchases in the rule’s window.' }) }),
    z.object({ pass: z.boolean(), period_days: z.number(), spends: z.number(), type: z.literal('spends'), user_value: z.number().register(z.globalRegistry, { description: 'Cents spent in the rule’s window.' }) }),
  ]);

/** GET /payments-service/retail_connect/v1/code: the user's level at a participant. */
export const levelInfoSchema = schema(() =>
  z
    .object({
      activity_from_date: z.string().register(z.globalRegistry, { description: 'The first local day of the activity window (the widest window of the next level’s rules; at the top level, of its own).' }),
      activity_from_utc_ts: z.string().register(z.globalRegistry, { description: 'activity_from_date’s local midnight, in UTC.' }),
      activity_to_date: z.string().register(z.globalRegistry, { description: 'Today, local.' }),
      activity_to_utc_ts: z.string().register(z.globalRegistry, { description: 'The last second of today, local, in UTC.' }),
      calculated_ts: z.string(),
      counters: z.object({
        purchases_count: z.number(),
        sessions: z.array(z.string()).register(z.globalRegistry, { description: 'The sessions of the purchases in the activity window, oldest first.' }),
        spends: z.number().register(z.globalRegistry, { description: 'Cents spent in the activity window.' }),
      }),
      id: z.string().register(z.globalRegistry, { description: '<user_id>@retail_connect@<participant_id>@level' }),
      loyalty_program: loyaltyProgramViewSchema,
      next_date: z.string().register(z.globalRegistry, { description: 'Tomorrow, local: windows move at local midnight.' }),
      next_ts_utc: z.string().register(z.globalRegistry, { description: 'The start of tomorrow, local, in UTC.' }),
      participant_id: z.string(),
      rules: z.array(ruleStandingView()).register(z.globalRegistry, { description: 'The next level’s rules (none at the top level).' }),
      timezone_min: z.number().register(z.globalRegistry, { description: 'The program time zone’s UTC offset now, in minutes.' }),
      type: z.literal('retail_connect_level'),
      user_id: z.string(),
      user_level: z.string(),
      user_level_next: z.nullable(z.string()).register(z.globalRegistry, { description: 'null at the top level.' }),
      user_level_rebate_percents: z.number(),
    })
    .register(z.globalRegistry, { description: 'The user’s loyalty level at a participant.' }),
);

export type LoyaltyProgramView = z.output<typeof loyaltyProgramViewSchema>;
export type LevelInfo = z.output<typeof levelInfoSchema>;
