/** Participants' billing accounts over HTTP against the stack: the billing plan view, the card, the notification emails. */
import { describe, expect, it } from 'vitest';
import { billingAccount } from '../../lib/billing/accounts.js';
import { stripeClient } from '../../lib/billing/card-payments.js';
import { AccountChangedError, accountsRepo, type BillingAccount } from '../../lib/billing/repository.js';
import { resetConfig } from '../../lib/config/index.js';
import { issueTicket } from '../../lib/identity/tickets.js';
import { identityIssuer, stack, uniq } from '../fixtures/stack.js';

const newParticipant = () => `urn:authenticateit:participant:${uniq('p')}`;
const emailUser = (name = uniq('billing')) => `urn:authenticateit:user:email:${name}@example.com`;
const ticket = (participant: string, sub = emailUser(), roles: string[] = []) => issueTicket(identityIssuer(), { sub, participant, roles });

async function call(method: string, path: string, t: string, body?: unknown) {
  const res = await fetch(stack().apiUrl + path, {
    method,
    headers: { authenticateit_identity_ticket: t, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as any };
}
const billingPlan = (t: string) => call('GET', '/payments-service/participants/current/billing_plan', t);
const setCard = (t: string, token: string) => call('PUT', `/payments-service/user/card/${token}`, t);
const deleteCard = (t: string) => call('DELETE', '/payments-service/user/card', t);
const addEmail = (t: string, body: unknown) => call('PUT', '/payments-service/participants/notifications/email', t, body);
const removeEmail = (t: string, body: unknown) => call('POST', '/payments-service/participants/notifications/delete_email', t, body);
const errorOf = (status: number, id: string) => ({ status, body: expect.objectContaining({ error_id: id, error: expect.any(String) }) });

const SECOND = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const CARD_KEYS = ['address_city', 'address_country', 'address_line1', 'address_line2', 'address_state', 'address_zip', 'brand', 'exp_month', 'exp_year', 'id', 'last4', 'name'];

async function stripeSources(customerId: string): Promise<string[]> {
  resetConfig();
  const customer = (await stripeClient().customers.retrieve(customerId, { expand: ['sources'] })) as any;
  return (customer.sources?.data ?? []).map((s: any) => s.id as string);
}

/** Writes an activated account through the repository (plan changes are another endpoint's). */
async function activate(participant: string, changes: Partial<BillingAccount>): Promise<BillingAccount> {
  const account = await billingAccount(participant);
  return accountsRepo.replace({ ...account, ...changes });
}

describe('GET /payments-service/participants/current/billing_plan', () => {
  it('starts a trial on the first read: every module (`complete`) for TRIAL_DAYS, shaped as clients read it', async () => {
    const before = Date.now();
    const res = await billingPlan(await ticket(newParticipant()));
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual(['card', 'contract', 'paid_from', 'paid_to', 'plan', 'trial', 'updated_at', 'user_email']);
    expect(res.body).toEqual({
      card: null,
      contract: { terminate_available: true, terminated: false },
      paid_from: null,
      paid_to: null,
      plan: 'complete',
      trial: { form: expect.stringMatching(SECOND), status: true, to: expect.stringMatching(SECOND) },
      updated_at: expect.stringMatching(SECOND),
      user_email: [],
    });
    expect(Object.keys(res.body.trial)).toEqual(['form', 'status', 'to']);
    const from = Date.parse(res.body.trial.form);
    expect(from).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    expect(Date.parse(res.body.trial.to) - from).toBe(30 * 86_400_000);
  });

  it('10 concurrent first reads make one account', async () => {
    const participant = newParticipant();
    const t = await ticket(participant);
    const views = await Promise.all(Array.from({ length: 10 }, () => billingPlan(t)));
    expect(views.map((v) => v.status)).toEqual(Array(10).fill(200));
    expect(new Set(views.map((v) => v.body.trial.form)).size).toBe(1);
    expect((await accountsRepo.get(participant))!.version).toBe(1);
  });

  it('concurrent first touches in one process also agree on the one account', async () => {
    resetConfig();
    const participant = newParticipant();
    const accounts = await Promise.all(Array.from({ length: 10 }, () => billingAccount(participant)));
    for (const account of accounts) expect(account).toEqual(accounts[0]);
    expect(await accountsRepo.get(participant)).toEqual(accounts[0]);
  });

  it('answers an activated account field for field as clients read it', async () => {
    const participant = newParticipant();
    const user = emailUser();
    const t = await ticket(participant, user);
    expect((await setCard(t, 'tok_visa')).status).toBe(200);
    await activate(participant, { plan: 'light', paidFrom: '2018-07-24', paidTo: '2018-08-24', contractFrom: '2017-07-11', contractTo: '2018-08-24', commitmentWeeks: 52, activatedBy: user });
    const res = await billingPlan(t);
    expect(res.status).toBe(200);
    expect(JSON.stringify(Object.keys(res.body))).toBe(JSON.stringify(['card', 'contract', 'paid_from', 'paid_to', 'plan', 'trial', 'updated_at', 'user_email']));
    expect(Object.keys(res.body.card)).toEqual(CARD_KEYS);
    expect(Object.keys(res.body.contract)).toEqual(['from', 'terminate_available', 'terminated', 'to']);
    expect(res.body).toEqual({
      card: {
        address_city: null,
        address_country: null,
        address_line1: null,
        address_line2: null,
        address_state: null,
        address_zip: null,
        brand: 'Visa',
        exp_month: expect.any(Number),
        exp_year: expect.any(Number),
        id: expect.stringMatching(/^card_/),
        last4: '4242',
        name: null,
      },
      contract: { from: '2017-07-11', terminate_available: true, terminated: false, to: '2018-08-24' },
      paid_from: '2018-07-24',
      paid_to: '2018-08-24',
      plan: 'light',
      trial: { status: false },
      updated_at: expect.stringMatching(SECOND),
      user_email: [user.slice('urn:authenticateit:user:email:'.length)],
    });
  });

  it('each ticket speaks for its own participant', async () => {
    const mine = newParticipant();
    const other = newParticipant();
    const otherUser = emailUser();
    await setCard(await ticket(other, otherUser), 'tok_visa');
    const view = await billingPlan(await ticket(mine));
    expect(view.body.card).toBeNull();
    expect(view.body.user_email).toEqual([]);
    // Setting a card and emails under my ticket never touches the other account.
    const me = emailUser();
    await setCard(await ticket(mine, me), 'tok_mastercard');
    await addEmail(await ticket(mine, me), { email: 'mine@example.com' });
    const theirs = await billingPlan(await ticket(other));
    expect(theirs.body.card.last4).toBe('4242');
    expect(theirs.body.user_email).toEqual([otherUser.slice('urn:authenticateit:user:email:'.length)]);
  });

  it('needs a participant ticket', async () => {
    const t = await issueTicket(identityIssuer(), { sub: emailUser() });
    expect(await billingPlan(t)).toEqual(errorOf(403, 'payments-no_participant'));
  });
});

describe('account writes', () => {
  it('a write from a stale read is refused, so concurrent changes cannot lose each other', async () => {
    const participant = newParticipant();
    const read = await billingAccount(participant);
    const written = await accountsRepo.replace({ ...read, notificationEmails: ['first@example.com'] });
    expect(written.version).toBe(read.version + 1);
    await expect(accountsRepo.replace({ ...read, notificationEmails: ['second@example.com'] })).rejects.toBeInstanceOf(AccountChangedError);
    expect((await accountsRepo.get(participant))!.notificationEmails).toEqual(['first@example.com']);
  });

  it('concurrent email additions all land', async () => {
    const participant = newParticipant();
    const t = await ticket(participant, 'urn:authenticateit:user:ops', ['system']);
    const added = await Promise.all(Array.from({ length: 5 }, (_, i) => addEmail(t, { email: `c${i}@example.com` })));
    expect(added.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect((await billingPlan(t)).body.user_email.toSorted()).toEqual(['c0@example.com', 'c1@example.com', 'c2@example.com', 'c3@example.com', 'c4@example.com']);
  });
});

describe('PUT /payments-service/user/card/{token}', () => {
  it('saves the card, then replaces it: one provider customer, the old card removed, the setter recorded', async () => {
    const participant = newParticipant();
    const user = emailUser();
    const t = await ticket(participant, user);
    const first = await setCard(t, 'tok_visa');
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(CARD_KEYS);
    expect(first.body).toMatchObject({ brand: 'Visa', last4: '4242', id: expect.stringMatching(/^card_/), name: null, address_zip: null });
    const afterFirst = (await accountsRepo.get(participant))!;
    expect(afterFirst.cardSetBy).toBe(user);

    const second = await setCard(t, 'tok_mastercard');
    expect(second.status).toBe(200);
    expect(second.body).toMatchObject({ brand: 'MasterCard', last4: '4444' });
    const account = (await accountsRepo.get(participant))!;
    expect(account.stripeCustomerId).toBe(afterFirst.stripeCustomerId);
    expect((await billingPlan(t)).body.card).toEqual(second.body);
    expect(await stripeSources(account.stripeCustomerId!)).toEqual([second.body.id]);
    // The setter's email joined the notification list, once.
    expect(account.notificationEmails).toEqual([user.slice('urn:authenticateit:user:email:'.length)]);
  });

  it('concurrent first card sets make one provider customer and leave one card there', async () => {
    const participant = newParticipant();
    const t = await ticket(participant);
    const results = await Promise.all(Array.from({ length: 4 }, () => setCard(t, 'tok_visa')));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    const account = (await accountsRepo.get(participant))!;
    expect(account.card).toBeDefined();
    expect(await stripeSources(account.stripeCustomerId!)).toEqual([account.card!.id]);
  });

  it('a declined or unknown token is a clear refusal and leaves the account as it was', async () => {
    const participant = newParticipant();
    const t = await ticket(participant);
    const saved = await setCard(t, 'tok_visa');
    const before = await accountsRepo.get(participant);
    const declined = await setCard(t, 'tok_chargeDeclinedInsufficientFunds');
    expect(declined).toEqual(errorOf(402, 'payments-card_declined'));
    expect(declined.body.error_data).toEqual({ decline_code: 'insufficient_funds' });
    const unknown = await setCard(t, 'tok_doesNotExist');
    expect(unknown).toEqual(errorOf(400, 'payments-invalid_card'));
    expect(await accountsRepo.get(participant)).toEqual(before);
    expect((await billingPlan(t)).body.card).toEqual(saved.body);
  });
});

describe('DELETE /payments-service/user/card', () => {
  it('removes the card during the trial (and at the provider)', async () => {
    const participant = newParticipant();
    const t = await ticket(participant);
    await setCard(t, 'tok_visa');
    const res = await deleteCard(t);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ card: null, plan: 'complete' });
    const account = (await accountsRepo.get(participant))!;
    expect(account.card).toBeUndefined();
    expect(await stripeSources(account.stripeCustomerId!)).toEqual([]);
  });

  it('is refused on a paid plan, allowed on basic', async () => {
    const participant = newParticipant();
    const t = await ticket(participant);
    const card = (await setCard(t, 'tok_visa')).body;
    await activate(participant, { plan: 'light' });
    expect(await deleteCard(t)).toEqual(errorOf(409, 'payments-card_required'));
    expect((await billingPlan(t)).body.card).toEqual(card);
    await activate(participant, { plan: 'basic' });
    const res = await deleteCard(t);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ card: null, plan: 'basic' });
  });
});

describe('notification emails', () => {
  it('the card setter adds, dedupes (letter case ignored) and removes addresses; answers the list', async () => {
    const participant = newParticipant();
    const user = emailUser();
    const own = user.slice('urn:authenticateit:user:email:'.length);
    const t = await ticket(participant, user);
    await setCard(t, 'tok_visa');
    expect(await addEmail(t, { email: 'foo@bar.com' })).toEqual({ status: 200, body: [own, 'foo@bar.com'] });
    expect(await addEmail(t, { email: 'FOO@Bar.com' })).toEqual({ status: 200, body: [own, 'foo@bar.com'] });
    expect(await addEmail(t, { user_id: 'urn:authenticateit:user:email:foo1@bar.com' })).toEqual({ status: 200, body: [own, 'foo@bar.com', 'foo1@bar.com'] });
    expect(await removeEmail(t, { email: 'Foo@bar.com' })).toEqual({ status: 200, body: [own, 'foo1@bar.com'] });
    expect(await removeEmail(t, { email: 'absent@bar.com' })).toEqual({ status: 200, body: [own, 'foo1@bar.com'] });
    expect((await billingPlan(t)).body.user_email).toEqual([own, 'foo1@bar.com']);
  });

  it('refuses invalid addresses, other user ids and an 11th address', async () => {
    const participant = newParticipant();
    const t = await ticket(participant, emailUser());
    await setCard(t, 'tok_visa');
    expect(await addEmail(t, { email: 'not-an-email' })).toEqual(errorOf(400, 'payments-invalid_email'));
    expect(await addEmail(t, {})).toEqual(errorOf(400, 'payments-invalid_email'));
    expect(await addEmail(t, { user_id: 'urn:authenticateit:user:phone:+61400000000' })).toEqual(errorOf(400, 'payments-unsupported_user_id'));
    for (let i = 1; i <= 9; i++) expect((await addEmail(t, { email: `n${i}@example.com` })).status).toBe(200);
    expect((await billingPlan(t)).body.user_email).toHaveLength(10);
    expect(await addEmail(t, { email: 'eleventh@example.com' })).toEqual(errorOf(409, 'payments-too_many_notification_emails'));
    // An address already listed is no addition.
    expect((await addEmail(t, { email: 'N1@example.com' })).status).toBe(200);
  });

  it('only the user who set the card or activated billing, or the system role, changes them', async () => {
    const participant = newParticipant();
    const setter = emailUser();
    await setCard(await ticket(participant, setter), 'tok_visa');
    const colleague = await ticket(participant, emailUser());
    expect(await addEmail(colleague, { email: 'x@example.com' })).toEqual(errorOf(403, 'payments-not_billing_owner'));
    expect(await removeEmail(colleague, { email: setter.slice('urn:authenticateit:user:email:'.length) })).toEqual(errorOf(403, 'payments-not_billing_owner'));

    const activator = emailUser();
    await activate(participant, { plan: 'light', activatedBy: activator });
    expect((await addEmail(await ticket(participant, activator), { email: 'a@example.com' })).status).toBe(200);
    const system = await ticket(participant, 'urn:authenticateit:user:ops', ['system']);
    expect((await addEmail(system, { email: 'ops@example.com' })).body).toContain('ops@example.com');

    // A user of another participant speaks for that participant only: this account is untouched.
    const stranger = await ticket(newParticipant(), setter);
    expect(await addEmail(stranger, { email: 'y@example.com' })).toEqual(errorOf(403, 'payments-not_billing_owner'));
    expect((await accountsRepo.get(participant))!.notificationEmails).not.toContain('y@example.com');
  });
});
