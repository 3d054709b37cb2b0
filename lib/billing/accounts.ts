/**
 * Participants' billing accounts: the trial a participant starts when it first touches billing, the view
 * `GET /payments-service/participants/current/billing_plan` answers, the saved card and the notification
 * emails. Every change is a read-modify-write of the one account item, conditional on the version read.
 */
import { createHash } from 'node:crypto';
import { plansConfig } from '../config/index.js';
import { ContentionError } from '../db/errors.js';
import { log } from '../log/index.js';
import { CardPaymentError, cardPayments, type CardFailure, type CardPayments, type SavedCard } from './card-payments.js';
import { fail } from './failures.js';
import { AccountChangedError, accountsRepo, type AccountCard, type BillingAccount } from './repository.js';
import type { AccountCardView, BillingPlanView } from './schema.js';
import { EMAIL_ADDRESS } from '../mail/address.js';

/** What the billing plan view calls the trial's plan: every module is on during the trial. */
export const TRIAL_PLAN = 'complete';
/** The free plan: the only one that needs no card. */
export const FREE_PLAN = 'basic';
export const MAX_NOTIFICATION_EMAILS = 10;

const EMAIL_USER_URN = 'urn:authenticateit:user:email:';
const DAY_MS = 86_400_000;
const WRITE_ATTEMPTS = 5;

/** Who is asking: the ticket's user, its participant, whether it carries the system role. */
export interface BillingCaller {
  participant: string;
  user: string;
  system: boolean;
}

/** An instant as the payments service writes it: UTC, whole seconds. */
const instant = (iso: string) => iso.replace(/\.\d+Z$/, 'Z');

/** The email of an email user urn, or undefined for any other user id. */
export function emailOfUser(user: string): string | undefined {
  if (!user.toLowerCase().startsWith(EMAIL_USER_URN)) return undefined;
  const email = user.slice(EMAIL_USER_URN.length);
  return EMAIL_ADDRESS.test(email) ? email : undefined;
}

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
async function changeAccount(participant: string, change: (account: BillingAccount) => BillingAccount): Promise<BillingAccount> {
  for (let attempt = 1; ; attempt++) {
    const account = await billingAccount(participant);
    try {
      return await accountsRepo.replace(change(account));
    } catch (err) {
      if (!(err instanceof AccountChangedError)) throw err;
      if (attempt >= WRITE_ATTEMPTS) throw new ContentionError(`the billing account of ${participant} kept changing`);
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
    terminate_available: !account.terminated,
    terminated: account.terminated,
    ...(account.contractTo ? { to: account.contractTo } : {}),
  };
  return {
    card: account.card ? cardView(account.card) : null,
    contract,
    paid_from: account.paidFrom ?? null,
    paid_to: account.paidTo ?? null,
    plan: trial ? TRIAL_PLAN : (account.plan ?? FREE_PLAN),
    trial: trial ? { form: instant(account.trialFrom), status: true, to: instant(account.trialTo) } : { status: false },
    updated_at: instant(account.updatedAt),
    user_email: account.notificationEmails,
  };
}

export async function currentBillingPlan(participant: string): Promise<BillingPlanView> {
  return billingPlanView(await billingAccount(participant));
}

/** The list with `email` added unless present (letter case ignored); over the limit is a refusal unless `quiet`. */
function withEmail(emails: string[], email: string, quiet = false): string[] {
  if (emails.some((e) => e.toLowerCase() === email.toLowerCase())) return emails;
  if (emails.length >= MAX_NOTIFICATION_EMAILS) {
    if (quiet) return emails;
    throw fail('too_many_notification_emails', `at most ${MAX_NOTIFICATION_EMAILS} notification emails; remove one first`, { limit: MAX_NOTIFICATION_EMAILS });
  }
  return [...emails, email];
}

function cardFailure(failure: CardFailure) {
  switch (failure.code) {
    case 'card_declined':
      return fail('card_declined', failure.message, { decline_code: failure.declineCode });
    case 'invalid_card':
      return fail('invalid_card', failure.message, { reason: failure.reason });
    default:
      return fail('card_provider_unavailable', failure.message);
  }
}

/** Runs a provider call; its typed failures become billing failures. */
async function atProvider<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CardPaymentError) throw cardFailure(err.failure);
    throw err;
  }
}

/** One provider customer per participant: the key makes a retried or concurrent creation answer the same one. */
const customerKey = (participant: string) => `billing-customer-${createHash('sha256').update(participant).digest('hex')}`;

async function customerOf(account: BillingAccount, payments: CardPayments): Promise<string> {
  if (account.stripeCustomerId) return account.stripeCustomerId;
  const { customerId } = await atProvider(() => payments.createCustomer({ participant: account.participant, idempotencyKey: customerKey(account.participant) }));
  const saved = await changeAccount(account.participant, (a) => (a.stripeCustomerId ? a : { ...a, stripeCustomerId: customerId }));
  return saved.stripeCustomerId!;
}

const accountCard = (card: SavedCard): AccountCard => ({
  id: card.cardId,
  brand: card.brand,
  last4: card.last4,
  expMonth: card.expMonth,
  expYear: card.expYear,
  name: null,
  addressLine1: null,
  addressLine2: null,
  addressCity: null,
  addressState: null,
  addressZip: null,
  addressCountry: null,
});

/**
 * Saves the card of a provider token as the participant's card: the participant's provider customer is made
 * on first use, the card attached to it, the account written (who set it; their email joins the
 * notification list when their id is an email urn and the list has room), then the previous card removed
 * at the provider. Only the token passes through here, never a card number.
 */
export async function setCard(caller: BillingCaller, token: string, payments: CardPayments = cardPayments()): Promise<AccountCardView> {
  const customerId = await customerOf(await billingAccount(caller.participant), payments);
  const card = accountCard(await atProvider(() => payments.attachCard(customerId, { token })));
  let previous: AccountCard | undefined;
  let saved: BillingAccount;
  try {
    saved = await changeAccount(caller.participant, (a) => {
      previous = a.card;
      const email = emailOfUser(caller.user);
      return { ...a, card, cardSetBy: caller.user, notificationEmails: email ? withEmail(a.notificationEmails, email, true) : a.notificationEmails };
    });
  } catch (err) {
    await removeAtProvider(payments, customerId, card.id);
    throw err;
  }
  if (previous && previous.id !== card.id) await removeAtProvider(payments, customerId, previous.id);
  return cardView(saved.card!);
}

/** Removes a card the account no longer names; a failure leaves an unused card at the provider, logged. */
async function removeAtProvider(payments: CardPayments, customerId: string, cardId: string): Promise<void> {
  try {
    await payments.removeCard(customerId, cardId);
  } catch (err) {
    log.warn('unused card left at the card payment provider', { customerId, cardId, error: err instanceof Error ? err.message : String(err) });
  }
}

/** Removes the participant's card: refused while on a paid plan (every plan but the free one is paid from it). */
export async function removeCard(participant: string, payments: CardPayments = cardPayments()): Promise<BillingPlanView> {
  let removed: AccountCard | undefined;
  const saved = await changeAccount(participant, (a) => {
    if (a.plan !== undefined && a.plan !== FREE_PLAN) throw fail('card_required', `the ${a.plan} plan is paid from the card: change to the ${FREE_PLAN} plan before removing it`, { plan: a.plan });
    removed = a.card;
    const { card: _card, ...rest } = a;
    return rest;
  });
  if (removed && saved.stripeCustomerId) await removeAtProvider(payments, saved.stripeCustomerId, removed.id);
  return billingPlanView(saved);
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
