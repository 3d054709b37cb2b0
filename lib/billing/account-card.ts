/**
 * The participant's card at the card payment provider: saved from a provider token (the participant's provider
 * customer made on first use), replaced, removed. Apart from accounts.ts so that the billing routes that never
 * call the provider do not bundle its SDK.
 */
import { createHash } from 'node:crypto';
import { log } from '../log/index.js';
import { emailOfUser } from '../identity/tickets.js';
import { billingAccount, billingPlanView, cardView, changeAccount, FREE_PLAN, withEmail, type BillingCaller } from './accounts.js';
import { CardPaymentError, cardPayments, type CardFailure, type CardInput, type CardPayments, type SavedCard } from './card-payments.js';
import { fail } from './failures.js';
import type { AccountCard, BillingAccount } from './repository.js';
import type { AccountCardView, BillingPlanView } from './schema.js';

export function cardFailure(failure: CardFailure) {
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

const accountCard = (card: SavedCard, input: CardInput): AccountCard => ({
  id: card.cardId,
  brand: card.brand,
  last4: card.last4,
  expMonth: card.expMonth,
  expYear: card.expYear,
  name: 'card' in input ? (input.card.name ?? null) : null,
  addressLine1: null,
  addressLine2: null,
  addressCity: null,
  addressState: null,
  addressZip: null,
  addressCountry: null,
});

/**
 * Saves the card of a provider token (or of card details, tokenized at once) as the participant's card: the participant's provider customer is made
 * on first use, the card attached to it, the account written (who set it; their email joins the
 * notification list when their id is an email urn and the list has room), then the previous card removed
 * at the provider. A card number only ever passes through to the provider, never into a record or a log.
 */
export async function setCard(caller: BillingCaller, input: CardInput, payments: CardPayments = cardPayments()): Promise<AccountCardView> {
  const customerId = await customerOf(await billingAccount(caller.participant), payments);
  const card = accountCard(await atProvider(() => payments.attachCard(customerId, input)), input);
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
