/**
 * Retail connect loyalty against the stack: programs set and read with the admin CLI (an update keeps the id and
 * the first creation; a bad document stores nothing), store cards (an id is taken once; another user's card is
 * not found), purchases read by window, and a user's level info end to end.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ConditionFailedError } from '../../lib/db/errors.js';
import { transactWrite } from '../../lib/db/transact.js';
import { DomainError } from '../../lib/errors.js';
import { stringify } from '../../lib/json.js';
import { requireUsersCard, storeCardOf } from '../../lib/retail/cards.js';
import { currentLevel, levelInfo } from '../../lib/retail/levels-view.js';
import { programOf, requireProgram, setProgram } from '../../lib/retail/programs.js';
import { retailPurchasesRepo, type RetailPurchase } from '../../lib/retail/purchases.js';
import { sessionUuidOf } from '../../lib/retail/repository.js';
import { levelInfoSchema } from '../../lib/retail/schema.js';
import { admin, adminRefusal } from '../fixtures/admin.js';
import { newParticipant, newUser } from '../fixtures/payments.js';
import { NOVASTORE_LEVEL_UP } from '../fixtures/retail.js';

const novaStore = (change: (d: any) => void = () => {}) => {
  const d: any = {
    name: 'NovaStore',
    description: 'Pay with coins at <b>NovaStore</b>.',
    bgcolor: '#ED1010',
    image_big: 'https://cdn.example.com/big.png',
    image_small: 'https://cdn.example.com/small.png',
    country: '036',
    coin_payments_rule: { type: 'currency_value', currency_value: 2000 },
    level_up: structuredClone(NOVASTORE_LEVEL_UP),
    rebate: [
      { level_id: 'casual', rebate_percents: 15 },
      { level_id: 'regular', rebate_percents: 25 },
      { level_id: 'vip', rebate_percents: 33.33 },
    ],
  };
  change(d);
  return d;
};

const docFile = (doc: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'retail-program-')), 'program.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(DomainError);
    return err as DomainError;
  }
  throw new Error('it succeeded');
}

const session = () => `urn:authenticateit:retail_connect:session:${randomUUID()}`;
/** Records a purchase as a session's confirmation does. */
const record = (x: RetailPurchase) => transactWrite([retailPurchasesRepo.newItem(x, sessionUuidOf(x.session))]);
const hoursAgo = (now: Date, h: number) => new Date(now.getTime() - h * 3_600_000).toISOString();

describe('loyalty programs', () => {
  it('are set and read with the admin CLI; an update keeps the id and the first creation', async () => {
    const participant = newParticipant();
    expect(await adminRefusal('retail', 'program', 'get', '--participant', participant)).toMatch(/has no retail connect loyalty program/);
    expect(await programOf(participant)).toBeUndefined();

    const first = await admin('retail', 'program', 'set', '--participant', participant, '--file', docFile(novaStore()), '--by', 'urn:authenticateit:user:email:system@authenticateit.com');
    expect(first).toMatchObject({ participant, currency: 'aud', timezone: 'Australia/Sydney', updated_by: 'urn:authenticateit:user:email:system@authenticateit.com' });
    expect(first.loyalty_program).toMatchObject({
      bgcolor: '#ED1010',
      coin_payments_rule: { currency_value: 2000, type: 'currency_value' },
      country: '036',
      created_by: 'urn:authenticateit:user:email:system@authenticateit.com',
      description: 'Pay with coins at <b>NovaStore</b>.',
      name: 'NovaStore',
      rebate: [{ level_id: 'casual', rebate_percents: 15 }, { level_id: 'regular', rebate_percents: 25 }, { level_id: 'vip', rebate_percents: 33.33 }],
      status: 'active',
      type: 'custom',
    });
    expect(first.loyalty_program.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(first.loyalty_program.created_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(await admin('retail', 'program', 'get', '--participant', participant)).toEqual(first);

    // A bad document is refused naming the field; the stored program is untouched.
    const bad = await adminRefusal('retail', 'program', 'set', '--participant', participant, '--file', docFile(novaStore((d) => (d.level_up[1].rules[0].period_days = 400))));
    expect(bad).toBe('invalid loyalty program document: level_up.1.rules.0.period_days: must be a whole number from 1 to 365');
    expect(await admin('retail', 'program', 'get', '--participant', participant)).toEqual(first);

    // An update replaces the settings (a field left out is removed), keeping id and creation.
    await new Promise((r) => setTimeout(r, 1100));
    const second = await setProgram(participant, novaStore((d) => ((d.name = 'NovaStore Plus'), delete d.description, (d.country = '702'), (d.timezone = 'Asia/Singapore'))), 'ops@example.com');
    expect(second).toMatchObject({ id: first.loyalty_program.id, createdBy: 'urn:authenticateit:user:email:system@authenticateit.com', updatedBy: 'ops@example.com', name: 'NovaStore Plus', currency: 'sgd', timezone: 'Asia/Singapore' });
    expect(second.description).toBeUndefined();
    const again = await admin('retail', 'program', 'get', '--participant', participant);
    expect(again.loyalty_program).toMatchObject({ id: first.loyalty_program.id, created_at: first.loyalty_program.created_at, name: 'NovaStore Plus', country: '702' });
    expect(again.loyalty_program).not.toHaveProperty('description');
    expect(again.updated_at > first.updated_at).toBe(true);

    expect((await failure(requireProgram(newParticipant()))).code).toBe('retail_program_not_found');
  });
});

describe('store cards', () => {
  it('bind an id to a user at a participant once; another user’s card is not found', async () => {
    const [user, other, participant] = [newUser(), newUser(), newParticipant()];
    const generated = await admin('retail', 'card', 'add', '--user', user, '--participant', participant);
    expect(generated).toMatchObject({ user_id: user, participant_id: participant });
    expect(generated.card_id).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const id = `NOVA-${randomUUID().slice(0, 8)}`;
    expect(await admin('retail', 'card', 'add', '--user', user, '--participant', participant, '--card-id', id)).toMatchObject({ card_id: id });
    expect(await adminRefusal('retail', 'card', 'add', '--user', other, '--participant', participant, '--card-id', id)).toBe(`store card ${id} already exists`);
    expect(await admin('retail', 'card', 'get', '--card-id', id)).toMatchObject({ card_id: id, user_id: user, participant_id: participant });
    expect(await adminRefusal('retail', 'card', 'get', '--card-id', 'no-such-card')).toBe('no store card no-such-card');
    expect(await adminRefusal('retail', 'card', 'add', '--user', 'bob', '--participant', participant)).toMatch(/user must be a user urn/);

    expect(await requireUsersCard(user, id)).toMatchObject({ cardId: id, user, participant });
    const notYours = await failure(requireUsersCard(other, id));
    const unknown = await failure(requireUsersCard(other, 'no-such-card'));
    expect([notYours.code, unknown.code]).toEqual(['retail_card_not_found', 'retail_card_not_found']);
    expect(notYours.message).toBe(`you have no store card ${id}`);
    expect(await storeCardOf('bad#id')).toBeUndefined();
  });
});

describe('purchases and levels', () => {
  it('are read from a window on; a purchase is recorded once', async () => {
    const [user, participant] = [newUser(), newParticipant()];
    const now = new Date();
    const p = (h: number, amountMinor: bigint) => ({ user, participant, session: session(), amountMinor, ts: hoursAgo(now, h) });
    const old = p(48, 100n);
    const recent = [p(2, 200n), p(1, 300n)];
    for (const x of [old, ...recent]) await record(x);
    await expect(record(recent[0]!)).rejects.toBeInstanceOf(ConditionFailedError);

    expect(await retailPurchasesRepo.since(user, participant, hoursAgo(now, 3))).toEqual(recent);
    expect((await retailPurchasesRepo.since(user, participant, hoursAgo(now, 72))).map((x) => x.session)).toEqual([old.session, ...recent.map((x) => x.session)]);
    expect(await retailPurchasesRepo.since(user, newParticipant(), hoursAgo(now, 72))).toEqual([]);
  });

  it('give the level info end to end', async () => {
    const [user, participant] = [newUser(), newParticipant()];
    await setProgram(participant, novaStore(), 'urn:authenticateit:user:email:system@authenticateit.com');
    const now = new Date();

    const empty = JSON.parse(stringify(await levelInfo(user, participant, now)));
    expect(levelInfoSchema.safeParse(empty).success).toBe(true);
    expect(empty).toMatchObject({ user_level: 'casual', user_level_next: 'regular', user_level_rebate_percents: 15, counters: { purchases_count: 0, sessions: [], spends: 0 }, type: 'retail_connect_level', user_id: user, participant_id: participant });
    expect(empty.id).toBe(`${user}@retail_connect@${participant}@level`);
    expect([600, 660]).toContain(empty.timezone_min);

    // Five purchases of 4.00 within the last days, and one 40 days ago (outside every window).
    const purchases = [40 * 24, 50, 30, 20, 10, 1].map((h) => ({ user, participant, session: session(), amountMinor: 400n, ts: hoursAgo(now, h) }));
    for (const x of purchases) await record(x);

    const info = JSON.parse(stringify(await levelInfo(user, participant, now)));
    expect(levelInfoSchema.safeParse(info).success).toBe(true);
    expect(info).toMatchObject({
      user_level: 'regular',
      user_level_next: 'vip',
      user_level_rebate_percents: 25,
      counters: { purchases_count: 5, sessions: purchases.slice(1).map((x) => x.session), spends: 2000 },
      rules: [
        { pass: false, period_days: 30, purchases_count: 10, type: 'purchases_count', user_value: 5 },
        { pass: false, period_days: 30, spends: 2500, type: 'spends', user_value: 2000 },
      ],
      loyalty_program: { name: 'NovaStore', rebate: [{ rebate_percents: 15 }, { rebate_percents: 25 }, { rebate_percents: 33.33 }] },
    });
    expect(info.loyalty_program).not.toHaveProperty('user_level');
    expect(info.activity_to_utc_ts).toMatch(/T1[23]:59:59Z$/);
    expect(info.next_ts_utc).toMatch(/T1[34]:00:00Z$/);
    // Exact numbers on the wire: the rebate of vip is 33.33, not a float's neighbour.
    expect(stringify(await levelInfo(user, participant, now))).toContain('"rebate_percents":33.33');

    expect(await currentLevel(user, participant, await requireProgram(participant), now)).toEqual({ level: 'regular', rebate: { num: 25n, den: 1n } });
    expect((await failure(levelInfo(user, newParticipant(), now))).code).toBe('retail_program_not_found');
  });
});
