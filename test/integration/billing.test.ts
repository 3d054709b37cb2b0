/** Billing plans and promo codes: the two payments endpoints, the admin CLI, and redemption (HTTP and lib against the stack). */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_PLANS_DOCUMENT } from '../../lib/billing/default-plans.js';
import { currentPlansDocument, findPlan } from '../../lib/billing/plans.js';
import { redeemPromoCode } from '../../lib/billing/promo-codes.js';
import { promoCodesRepo } from '../../lib/billing/repository.js';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import { DomainError } from '../../lib/errors.js';
import { issueTicket } from '../../lib/identity/tickets.js';
import { BILLING_PLANS_EXAMPLE } from '../fixtures/billing-plans.js';
import { identityIssuer, stack, uniq } from '../fixtures/stack.js';
import { admin, adminRefusal } from '../fixtures/admin.js';



const user = () => `urn:authenticateit:user:${uniq('u')}`;
const participant = () => `urn:authenticateit:participant:${uniq('p')}`;
const ticket = (extra: { participant?: string } = {}) => issueTicket(identityIssuer(), { sub: user(), ...extra });
const get = async (path: string, t?: string) => {
  const res = await fetch(stack().apiUrl + path, { headers: t ? { authenticateit_identity_ticket: t } : {} });
  return { status: res.status, body: (await res.json()) as any };
};
const check = async (code: string | undefined, who: string) =>
  get(`/participants/promo_code/check${code === undefined ? '' : `?code=${encodeURIComponent(code)}`}`, await ticket({ participant: who }));
const errorOf = (status: number, id: string) => ({ status, body: expect.objectContaining({ error_id: id, error: expect.any(String), error_object: null }) });
const day = (offsetDays: number) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
const newCode = () => uniq('Promo').replace(/-/g, '_');

const clearPlans = () => ddb().send(new DeleteCommand({ TableName: tableName(), Key: keys.billingPlans() }));
afterAll(clearPlans);

describe('GET /payments-service/billing_plans', () => {
  it('answers the built-in plans exactly as clients expect them, in the configured currency', async () => {
    await clearPlans();
    const res = await get('/payments-service/billing_plans', await ticket());
    expect(res.status).toBe(200);
    const expected = { ...BILLING_PLANS_EXAMPLE, currency: 'usd' };
    expect(res.body).toEqual(expected);
    // Field by field, in order.
    expect(JSON.stringify(res.body)).toBe(JSON.stringify(expected));
  });

  it('refuses a request without a ticket in the payments envelope', async () => {
    expect(await get('/payments-service/billing_plans')).toEqual(errorOf(401, 'payments-no_ticket'));
  });

  it('answers the document the operator set with the CLI, and the CLI shows it and who set it', async () => {
    const doc = structuredClone(DEFAULT_PLANS_DOCUMENT) as any;
    doc.list[1].cost = 199.5;
    doc.list[1].description_list.push({ label: 'Livechat', value: 'weekdays' });
    doc.list.push({ ...doc.list[0], id: 'starter', name: 'STARTER', hidden: true });
    const file = join(mkdtempSync(join(tmpdir(), 'plans-')), 'plans.json');
    writeFileSync(file, JSON.stringify(doc));
    const set = await admin('plans', 'set', '--file', file, '--by', 'ops@example.com');
    expect(set).toMatchObject({ source: 'stored', updatedBy: 'ops@example.com' });

    const res = await get('/payments-service/billing_plans', await ticket());
    expect(res.body.list.map((p: any) => p.id)).toEqual(['basic', 'light', 'pro', 'pro-corp', 'starter']);
    expect(res.body.list[1]).toMatchObject({ cost: 199.5, coin_rate: 0.1, description_list: expect.objectContaining({ Livechat: 'weekdays' }) });
    expect(res.body.list[4]).toMatchObject({ id: 'starter', hidden: true });

    const shown = await admin('plans', 'get');
    expect(shown).toMatchObject({ source: 'stored', updatedBy: 'ops@example.com', updatedAt: set.updatedAt });
    expect(shown.document).toEqual(doc);

    // The stored document resolves the older names too.
    const stored = await currentPlansDocument();
    expect(findPlan(stored, 'lite')).toMatchObject({ id: 'light', cost: 199.5 });
    expect(findPlan(stored, 'standard')?.id).toBe('pro');
  });

  it('refuses an invalid document from the CLI, naming the field, and keeps the stored one', async () => {
    const before = await admin('plans', 'get');
    const doc = structuredClone(DEFAULT_PLANS_DOCUMENT) as any;
    doc.list[2].cost = '395';
    const file = join(mkdtempSync(join(tmpdir(), 'plans-')), 'plans.json');
    writeFileSync(file, JSON.stringify(doc));
    expect(await adminRefusal('plans', 'set', '--file', file)).toMatch(/^invalid plans document: list\.2\.cost: /);
    expect(await admin('plans', 'get')).toEqual(before);
  });

  it('shows the built-in document when none is stored', async () => {
    await clearPlans();
    expect(await admin('plans', 'get')).toEqual({ source: 'default', document: DEFAULT_PLANS_DOCUMENT });
  });
});

describe('GET /participants/promo_code/check', () => {
  it('answers the code and its days for a usable code, whatever its letter case', async () => {
    const code = newCode();
    const created = await admin('promo', 'create', code, '--days', '60', '--uses', '3', '--expires', day(30));
    expect(created.promo).toMatchObject({ code, daysValue: 60, usesTotal: 3, usesLeft: 3, expiresOn: day(30), disabled: false });
    const p = participant();
    expect(await check(code, p)).toEqual({ status: 200, body: { code, days_value: 60 } });
    expect(await check(code.toLowerCase(), p)).toEqual({ status: 200, body: { code, days_value: 60 } });
    expect(await check(code.toUpperCase(), p)).toEqual({ status: 200, body: { code, days_value: 60 } });
    const listed = (await admin('promo', 'list')).promos.find((x: any) => x.code === code);
    expect(listed).toMatchObject({ daysValue: 60, usesLeft: 3 });
  });

  it('refuses an unknown code, a missing code and a ticket without a participant', async () => {
    expect(await check('no-such-code', participant())).toEqual(errorOf(404, 'payments-promo_code_unknown'));
    expect(await check(undefined, participant())).toEqual(errorOf(400, 'payments-bad_code'));
    expect(await check('', participant())).toEqual(errorOf(400, 'payments-bad_code'));
    expect(await get('/participants/promo_code/check?code=x', await ticket())).toEqual(errorOf(403, 'payments-no_participant'));
  });

  it('refuses a disabled code', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '10', '--uses', '3', '--expires', day(30));
    expect((await admin('promo', 'disable', code.toLowerCase())).promo).toMatchObject({ code, disabled: true });
    expect(await check(code, participant())).toEqual(errorOf(410, 'payments-promo_code_disabled'));
  });

  it('refuses an expired code (usable through its last day, UTC)', async () => {
    const code = newCode();
    const yesterday = day(-1);
    await promoCodesRepo.create(code.toLowerCase(), { code, daysValue: 10, usesTotal: 3, expiresOn: yesterday, validUntil: `${day(0)}T00:00:00.000Z` });
    const res = await check(code, participant());
    expect(res).toEqual(errorOf(410, 'payments-promo_code_expired'));
    expect(res.body.error).toBe(`promo code ${code} expired on ${yesterday}`);
  });

  it('refuses a used-up code, and a code the participant already redeemed', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '30', '--uses', '1', '--expires', day(30));
    const first = participant();
    expect(await redeemPromoCode(code, first, 'plan-change-1')).toBe(30);
    expect(await check(code, participant())).toEqual(errorOf(409, 'payments-promo_code_used_up'));
    expect(await check(code, first)).toEqual(errorOf(409, 'payments-promo_code_already_redeemed'));

    const roomy = newCode();
    await admin('promo', 'create', roomy, '--days', '30', '--uses', '5', '--expires', day(30));
    await redeemPromoCode(roomy, first, 'plan-change-2');
    expect(await check(roomy, first)).toEqual(errorOf(409, 'payments-promo_code_already_redeemed'));
  });
});

describe('promo CLI', () => {
  it('refuses a code that exists in another letter case, bad numbers and a past day', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '5', '--uses', '1', '--expires', day(3));
    expect(await adminRefusal('promo', 'create', code.toUpperCase(), '--days', '5', '--uses', '1', '--expires', day(3))).toBe(`promo code ${code.toUpperCase()} exists (codes match whatever their letter case)`);
    expect(await adminRefusal('promo', 'create', newCode(), '--days', '0', '--uses', '1', '--expires', day(3))).toBe('--days must be a whole number of days from 1 to 3660');
    expect(await adminRefusal('promo', 'create', newCode(), '--days', '5', '--uses', '1.5', '--expires', day(3))).toBe('--uses must be a whole number from 1 to 1000000');
    expect(await adminRefusal('promo', 'create', newCode(), '--days', '5', '--uses', '1', '--expires', day(-1))).toBe(`--expires ${day(-1)} is already past`);
    expect(await adminRefusal('promo', 'create', 'bad code!', '--days', '5', '--uses', '1', '--expires', day(3))).toBe('the code must be 1 to 64 letters, digits, dashes or underscores');
    expect(await adminRefusal('promo', 'disable', newCode())).toMatch(/^no promo code /);
  });
});

describe('redeemPromoCode', () => {
  const failureOf = async (p: Promise<unknown>) => {
    const err = await p.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(DomainError);
    return (err as DomainError).code;
  };

  it('gives exactly as many uses as the code has to 20 participants redeeming at once', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '45', '--uses', '5', '--expires', day(30));
    const participants = Array.from({ length: 20 }, participant);
    const results = await Promise.allSettled(participants.map((p) => redeemPromoCode(code.toLowerCase(), p, 'period-1')));
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(5);
    expect(won.every((r) => (r as PromiseFulfilledResult<number>).value === 45)).toBe(true);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(refused.map((r) => (r.reason as DomainError).code)).toEqual(Array(15).fill('promo_code_used_up'));
    expect((await promoCodesRepo.get(code.toLowerCase()))?.usesLeft).toBe(0);
    const redeemed = await Promise.all(participants.map((p) => promoCodesRepo.redemption(code.toLowerCase(), p)));
    expect(redeemed.filter(Boolean)).toHaveLength(5);
  });

  it('lets a participant redeem a code once: the same period again answers the same days, another period is refused', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '14', '--uses', '3', '--expires', day(30));
    const p = participant();
    expect(await redeemPromoCode(code, p, 'period-a')).toBe(14);
    expect(await redeemPromoCode(code.toUpperCase(), p, 'period-a')).toBe(14);
    expect((await promoCodesRepo.get(code.toLowerCase()))?.usesLeft).toBe(2);
    expect(await failureOf(redeemPromoCode(code, p, 'period-b'))).toBe('promo_code_already_redeemed');
    expect((await promoCodesRepo.get(code.toLowerCase()))?.usesLeft).toBe(2);
    // Even once the code is used up, the retried period still answers its days.
    await admin('promo', 'disable', code);
    expect(await redeemPromoCode(code, p, 'period-a')).toBe(14);
  });

  it('refuses unknown, disabled and expired codes, taking nothing', async () => {
    expect(await failureOf(redeemPromoCode(newCode(), participant(), 'x'))).toBe('promo_code_unknown');
    const disabled = newCode();
    await admin('promo', 'create', disabled, '--days', '14', '--uses', '3', '--expires', day(30));
    await admin('promo', 'disable', disabled);
    expect(await failureOf(redeemPromoCode(disabled, participant(), 'x'))).toBe('promo_code_disabled');
    expect((await promoCodesRepo.get(disabled.toLowerCase()))?.usesLeft).toBe(3);
    const expiring = newCode();
    await admin('promo', 'create', expiring, '--days', '14', '--uses', '3', '--expires', day(1));
    // The day after its last day, at 00:00 UTC, it is no longer usable.
    expect(await failureOf(redeemPromoCode(expiring, participant(), 'x', new Date(`${day(2)}T00:00:00.000Z`)))).toBe('promo_code_expired');
    expect(await redeemPromoCode(expiring, participant(), 'x', new Date(`${day(1)}T23:59:59.999Z`))).toBe(14);
  });

  it('refuses in the transaction a code disabled after it was read', async () => {
    const code = newCode();
    await admin('promo', 'create', code, '--days', '7', '--uses', '2', '--expires', day(30));
    const promo = (await promoCodesRepo.get(code.toLowerCase()))!;
    await promoCodesRepo.disable(code.toLowerCase());
    const err = await promoCodesRepo.redeem(code.toLowerCase(), participant(), 'x', promo.daysValue, new Date().toISOString()).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err?.name).toBe('RedemptionRefused');
    expect((await promoCodesRepo.get(code.toLowerCase()))?.usesLeft).toBe(2);
  });
});
