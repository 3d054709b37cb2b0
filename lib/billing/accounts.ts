/**
 * Participants' billing accounts: the trial a participant starts when it first touches billing, the view
 * `GET /payments-service/participants/current/billing_plan` answers, the saved card and the notification
 * emails. Every change is a read-modify-write of the one account item, conditional on the version read.
 */
import { isoSeconds } from '../wire.js';
import { plansConfig } from '../config/index.js';
import { ContentionError } from '../db/errors.js';
import { fail } from './failures.js';
import { AccountChangedError, accountsRepo, FREE_PLAN, isPaidPlan, type AccountCard, type BillingAccount } from './repository.js';
import { commitmentEnd, dayOf } from './periods.js';

export { FREE_PLAN };
import type { AccountCardView, BillingPlanView } from './schema.js';
import { EMAIL_ADDRESS } from '../mail/address.js';
import { EMAIL_USER_URN, type TicketClaims } from '../identity/tickets.js';

/** What the billing plan view calls the trial's plan: every module is on during the trial. */
export const TRIAL_PLAN = 'complete';
export const MAX_NOTIFICATION_EMAILS = 10;

const DAY_MS = 86_400_000;
const WRITE_ATTEMPTS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Who is asking: the ticket's user, its participant, whether it carries the system role. */
export interface BillingCaller {
  participant: string;
  user: string;
  system: boolean;
}

/** The caller of a ticket: its participant (or the one a system caller acts for), its user, its system role. */
export const billingCaller = (claims: TicketClaims, participant = claims.participant ?? ''): BillingCaller => ({ participant, user: claims.sub, system: claims.roles.includes('system') });

function newTrialAccount(participant: string, now: Date): BillingAccount {
  const days = Number(plansConfig().TRIAL_DAYS);
  const at = now.toISOString();
  return {
    participant,
    trialFrom: at,
    trialTo: new Date(now.getTime() + days * DAY_MS).toISOString(),
    terminated: false,
    notificationEmails: [],
    version: 1,
    createdAt: at,
    updatedAt: at,
  };
}

/** The participant's account; the first touch creates it on a trial from now (concurrent first touches make one). */
export async function billingAccount(participant: string, now = new Date()): Promise<BillingAccount> {
  return (await accountsRepo.get(participant)) ?? (await accountsRepo.createIfAbsent(newTrialAccount(participant, now)));
}

/**
 * Applies `change` to the account as read and writes it if no other write came between; on a collision
 * reads again and reapplies (a refusal thrown by `change` is final).
 */
export async function changeAccount(participant: string, change: (account: BillingAccount) => BillingAccount): Promise<BillingAccount> {
  for (let attempt = 1; ; attempt++) {
    const account = await billingAccount(participant);
    try {
      return await accountsRepo.replace(change(account));
    } catch (err) {
      if (!(err instanceof AccountChangedError)) throw err;
      if (attempt >= WRITE_ATTEMPTS) throw new ContentionError(`the billing account of ${participant} kept changing`);
      // Writers that collided retry at spread-out times, or they would collide again.
      await sleep(Math.random() * 10 * 2 ** attempt);
    }
  }
}

/** Whether the participant is on its trial: no plan chosen and the trial not over. */
export const onTrial = (account: BillingAccount, now = new Date()) => account.plan === undefined && now.toISOString() < account.trialTo;

export function cardView(card: AccountCard): AccountCardView {
  return {
    address_city: card.addressCity,
    address_country: card.addressCountry,
    address_line1: card.addressLine1,
    address_line2: card.addressLine2,
    address_state: card.addressState,
    address_zip: card.addressZip,
    brand: card.brand,
    exp_month: card.expMonth,
    exp_year: card.expYear,
    id: card.id,
    last4: card.last4,
    name: card.name,
  };
}

/**
 * The account as clients read it. During the trial `plan` is `complete` (every module) and `trial` gives
 * its start (`form`, as clients have always read it) and end; after it, `trial` is `{status: false}`.
 * A participant whose trial ended without choosing a plan is on the free plan.
 */
export function billingPlanView(account: BillingAccount, now = new Date()): BillingPlanView {
  const trial = onTrial(account, now);
  const contract: BillingPlanView['contract'] = {
    ...(account.contractFrom ? { from: account.contractFrom } : {}),
    terminate_available: terminateRefusal(account, now) === undefined,
    terminated: account.terminated,
    ...(account.contractTo ? { to: account.contractTo } : {}),
  };
  return {
    card: account.card ? cardView(account.card) : null,
    contract,
    paid_from: account.paidFrom ?? null,
    paid_to: account.paidTo ?? null,
    plan: trial ? TRIAL_PLAN : (account.plan ?? FREE_PLAN),
    trial: trial ? { form: isoSeconds(account.trialFrom), status: true, to: isoSeconds(account.trialTo) } : { status: false },
    updated_at: isoSeconds(account.updatedAt),
    user_email: account.notificationEmails,
  };
}

/** Why the contract cannot be terminated now, or undefined when it can (not yet terminated, past its commitment). */
function terminateRefusal(account: BillingAccount, now: Date) {
  if (account.terminated) return fail('terminate_unavailable', 'the contract is already terminated');
  if (!isPaidPlan(account.plan) || !account.contractFrom) return undefined;
  const ends = commitmentEnd(account.contractFrom, account.commitmentWeeks ?? 0);
  if (dayOf(now) < ends) return fail('terminate_unavailable', `the contract can be terminated once its commitment period ends, from ${ends}`, { commitment_ends: ends });
  return undefined;
}

/**
 * `GET /participants/{id}/contract/terminate`: ends the participant's contract (the participant itself or the
 * system role). A paid plan runs to the end of its paid period, which the renewal job then closes (charging the
 * rewards coins used in it) and moves the participant to the free plan; on the trial or the free plan the
 * participant is on the free plan at once.
 */
export async function terminateContract(caller: BillingCaller, participant: string, now = new Date()): Promise<BillingPlanView> {
  if (!caller.system && caller.participant !== participant) throw fail('not_your_participant', "only the participant itself (or the system role) can terminate its contract");
  const saved = await changeAccount(participant, (a) => {
    const refused = terminateRefusal(a, now);
    if (refused) throw refused;
    if (isPaidPlan(a.plan)) return { ...a, terminated: true, ...(a.paidTo ? { contractTo: a.paidTo } : {}) };
    const at = now.toISOString();
    return { ...a, plan: FREE_PLAN, terminated: true, contractTo: dayOf(now), ...(at < a.trialTo ? { trialTo: at } : {}) };
  });
  return billingPlanView(saved, now);
}

export async function currentBillingPlan(participant: string): Promise<BillingPlanView> {
  return billingPlanView(await billingAccount(participant));
}

/** The list with `email` added unless present (letter case ignored); over the limit is a refusal unless `quiet`. */
export function withEmail(emails: string[], email: string, quiet = false): string[] {
  if (emails.some((e) => e.toLowerCase() === email.toLowerCase())) return emails;
  if (emails.length >= MAX_NOTIFICATION_EMAILS) {
    if (quiet) return emails;
    throw fail('too_many_notification_emails', `at most ${MAX_NOTIFICATION_EMAILS} notification emails; remove one first`, { limit: MAX_NOTIFICATION_EMAILS });
  }
  return [...emails, email];
}

/** Only the user who activated billing or set the card, or the system role, changes the notification emails. */
function requireOwner(caller: BillingCaller, account: BillingAccount): void {
  if (caller.system) return;
  if (caller.user === account.activatedBy || caller.user === account.cardSetBy) return;
  throw fail('not_billing_owner', 'only the user who activated billing or set the card (or the system role) can change the notification emails');
}

/** The email a request names: `email`, or the email of an email user urn in `user_id`. */
export function requestedEmail(input: { email?: string; user_id?: string }): string {
  if (input.email !== undefined && input.user_id !== undefined) throw fail('invalid_email', 'give email or user_id, not both');
  if (input.user_id !== undefined) {
    if (!input.user_id.toLowerCase().startsWith(EMAIL_USER_URN)) throw fail('unsupported_user_id', `user_id must be an email user id (${EMAIL_USER_URN}<email>)`, { user_id: input.user_id });
    return validEmail(input.user_id.slice(EMAIL_USER_URN.length));
  }
  if (input.email === undefined) throw fail('invalid_email', 'email or user_id is required');
  return validEmail(input.email);
}

function validEmail(email: string): string {
  const trimmed = email.trim();
  if (trimmed.length > 254 || !EMAIL_ADDRESS.test(trimmed)) throw fail('invalid_email', `${JSON.stringify(email)} is not an email address`);
  return trimmed;
}

export async function addNotificationEmail(caller: BillingCaller, email: string): Promise<string[]> {
  const saved = await changeAccount(caller.participant, (a) => {
    requireOwner(caller, a);
    return { ...a, notificationEmails: withEmail(a.notificationEmails, email) };
  });
  return saved.notificationEmails;
}

/** Removes the email (letter case ignored); one not on the list leaves it as it is. */
export async function removeNotificationEmail(caller: BillingCaller, email: string): Promise<string[]> {
  const target = validEmail(email).toLowerCase();
  const saved = await changeAccount(caller.participant, (a) => {
    requireOwner(caller, a);
    return { ...a, notificationEmails: a.notificationEmails.filter((e) => e.toLowerCase() !== target) };
  });
  return saved.notificationEmails;
}
