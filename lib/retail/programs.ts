/**
 * Participants' retail connect loyalty programs: one per participant, set whole by the system role (admin CLI),
 * validated before anything is stored. A program keeps its id and its first creation (`created_at`/`created_by`)
 * across updates; its currency follows its country. Rebate percents are stored as decimal text and answered as
 * exact JSON numbers.
 */
import { updateOf } from '../db/update.js';
import { isoSeconds } from '../wire.js';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { randomUUID } from 'node:crypto';
import { ddb, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { PARTICIPANT } from '../identity/tickets.js';
import { exactNumber, type Wire } from '../json.js';
import { COIN_CURRENCIES, COUNTRY_CURRENCY, type CoinCurrency } from '../rates/currencies.js';
import { fail } from './failures.js';
import type { LevelProgram, LevelRebate, LevelRule, ProgramLevel } from './levels.js';
import { PROGRAM_STATUSES, programDocumentSchema, type LoyaltyProgramView, type ProgramDocument, type ProgramStatus } from './schema.js';

export interface LoyaltyProgram extends LevelProgram {
  id: string;
  participant: string;
  name: string;
  description?: string;
  bgcolor?: string;
  imageBig?: string;
  imageSmall?: string;
  country: string;
  currency: CoinCurrency;
  timezone: string;
  coinPaymentsRule: { type: 'currency_value'; currency_value: number };
  levelUp: ProgramLevel[];
  rebate: LevelRebate[];
  status: ProgramStatus;
  programType: 'custom';
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

const RULE_TYPES = ['purchases_count', 'spends'] as const;

function ruleFrom(f: ReturnType<typeof fields>): LevelRule {
  const type = f.oneOf('type', RULE_TYPES);
  return type === 'purchases_count'
    ? { type, purchases_count: f.int('purchases_count'), period_days: f.int('period_days') }
    : { type, spends: f.int('spends'), period_days: f.int('period_days') };
}

function programFrom(i: StoredItem): LoyaltyProgram {
  const f = fields(i, `RetailProgram ${String(i.participant)}`);
  const rule = f.map('coinPaymentsRule');
  const optional = (name: string, key: 'description' | 'bgcolor' | 'imageBig' | 'imageSmall') => {
    const v = f.optStr(name);
    return v === undefined ? {} : { [key]: v };
  };
  return {
    id: f.str('id'),
    participant: f.str('participant'),
    name: f.str('name'),
    ...optional('description', 'description'),
    ...optional('bgcolor', 'bgcolor'),
    ...optional('imageBig', 'imageBig'),
    ...optional('imageSmall', 'imageSmall'),
    country: f.str('country'),
    currency: f.oneOf('currency', COIN_CURRENCIES),
    timezone: f.str('timezone'),
    coinPaymentsRule: { type: rule.oneOf('type', ['currency_value'] as const), currency_value: rule.int('currency_value') },
    levelUp: f.list('levelUp', (l) => ({ level_id: l.str('level_id'), rules: l.list('rules', ruleFrom) })),
    rebate: f.list('rebate', (r) => ({ level_id: r.str('level_id'), rebate_percents: r.str('rebate_percents') })),
    status: f.oneOf('status', PROGRAM_STATUSES),
    programType: f.oneOf('programType', ['custom'] as const),
    createdAt: f.str('createdAt'),
    createdBy: f.str('createdBy'),
    updatedAt: f.str('updatedAt'),
    updatedBy: f.str('updatedBy'),
  };
}

export const retailProgramsRepo = {
  async get(participant: string): Promise<LoyaltyProgram | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.retailProgram(participant), ConsistentRead: true }));
    return out.Item ? programFrom(out.Item) : undefined;
  },

  /**
   * Replaces the program's settings in one update: the id and the first creation are set only when absent, so
   * concurrent first sets agree on them; optional fields the document leaves out are removed.
   */
  async put(participant: string, doc: ProgramDocument, by: string, now: string): Promise<LoyaltyProgram> {
    const set: Record<string, unknown> = {
      type: 'RetailProgram',
      participant,
      name: doc.name,
      description: doc.description,
      bgcolor: doc.bgcolor,
      imageBig: doc.image_big,
      imageSmall: doc.image_small,
      country: doc.country,
      currency: COUNTRY_CURRENCY[doc.country],
      timezone: doc.timezone,
      coinPaymentsRule: doc.coin_payments_rule,
      levelUp: doc.level_up,
      rebate: doc.rebate,
      status: doc.status,
      programType: doc.type,
      updatedAt: now,
      updatedBy: by,
    };
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.retailProgram(participant),
        ...updateOf(set, { removeUndefined: true, keep: { id: randomUUID(), createdAt: now, createdBy: by } }),
        ReturnValues: 'ALL_NEW',
      }),
    );
    return programFrom(out.Attributes!);
  },
};

/** Validates a program document (parsed JSON): retail_bad_program naming each field at fault, nothing stored. */
export function parseProgramDocument(raw: unknown): ProgramDocument {
  const result = programDocumentSchema.safeParse(raw);
  if (result.success) return result.data;
  const reasons = result.error.issues.map((i) => {
    const at = i.path.join('.');
    return at && !i.message.startsWith(at) ? `${at}: ${i.message}` : i.message;
  });
  const first = result.error.issues[0]!;
  // An unknown field is named by its own path.
  const path = first.code === 'unrecognized_keys' ? [...first.path, first.keys[0]!] : first.path;
  throw fail('retail_bad_program', `invalid loyalty program document: ${reasons.join('; ')}`, { field: path.join('.'), reasons });
}

/** Sets a participant's program (replacing its settings); `by` says who (a user urn, or the admin CLI). */
export async function setProgram(participant: string, raw: unknown, by: string, now = new Date()): Promise<LoyaltyProgram> {
  if (!PARTICIPANT.test(participant)) throw fail('retail_bad_program', 'participant must be a participant urn (urn:authenticateit:participant:...)', { field: 'participant' });
  return retailProgramsRepo.put(participant, parseProgramDocument(raw), by, now.toISOString());
}

/** The participant's program, if it has one. */
export function programOf(participant: string): Promise<LoyaltyProgram | undefined> {
  return retailProgramsRepo.get(participant);
}

/** The participant's program, or 404 retail_program_not_found. */
export async function requireProgram(participant: string): Promise<LoyaltyProgram> {
  const program = await programOf(participant);
  if (!program) throw fail('retail_program_not_found', `participant ${participant} has no retail connect loyalty program`, { participant_id: participant });
  return program;
}


/** The contract's `loyalty_program` object (keys in the contract's alphabetical order); `userLevel` in a session. */
export function programView(p: LoyaltyProgram, userLevel?: string): Wire<LoyaltyProgramView> {
  return {
    ...(p.bgcolor !== undefined ? { bgcolor: p.bgcolor } : {}),
    coin_payments_rule: { currency_value: p.coinPaymentsRule.currency_value, type: 'currency_value' },
    country: p.country,
    created_at: isoSeconds(p.createdAt),
    created_by: p.createdBy,
    ...(p.description !== undefined ? { description: p.description } : {}),
    id: p.id,
    ...(p.imageBig !== undefined ? { image_big: p.imageBig } : {}),
    ...(p.imageSmall !== undefined ? { image_small: p.imageSmall } : {}),
    level_up: p.levelUp.map((l) => ({
      level_id: l.level_id,
      rules: l.rules.map((r) => (r.type === 'purchases_count' ? { period_days: r.period_days, purchases_count: r.purchases_count, type: r.type } : { period_days: r.period_days, spends: r.spends, type: r.type })),
    })),
    name: p.name,
    rebate: p.rebate.map((r) => ({ level_id: r.level_id, rebate_percents: exactNumber(r.rebate_percents) })),
    status: p.status,
    type: p.programType,
    ...(userLevel !== undefined ? { user_level: userLevel } : {}),
  };
}

/** The program as the admin CLI shows it: the contract's object and what it leaves out. */
export function programAdminView(p: LoyaltyProgram) {
  return { participant: p.participant, currency: p.currency, timezone: p.timezone, updated_at: isoSeconds(p.updatedAt), updated_by: p.updatedBy, loyalty_program: programView(p) };
}
