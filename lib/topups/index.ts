/**
 * Coin top-ups: what a participant may buy (its currency, card and the smallest top-up at the current price), its
 * automatic top-up settings, and the history of its chains. The chains themselves (charging the card, sending
 * the coins, refunding) are in ./chain.ts, the only top-up module that bundles the card payment SDK.
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import { billingAccount } from '../billing/accounts.js';
import { topupsConfig } from '../config/index.js';
import { exactNumber } from '../json.js';
import { formatUnits, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';
import { payoutsRepo } from '../payouts/repository.js';
import { COIN_CURRENCIES, isCoinCurrency, type CoinCurrency } from '../rates/currencies.js';
import { currentPrice } from '../rates/index.js';
import { fail } from './failures.js';
import { participantCurrencies, SettingsChangedError, topUpSettingsRepo, topUpsRepo, type TopUp, type TopUpSettings } from './repository.js';
import type { MinAmount, TopUpChainView, TopUpSettingsInput, TopUpSettingsView, TopUpStep } from './schema.js';

const SETTINGS_WRITE_ATTEMPTS = 5;

// --- Money -------------------------------------------------------------------------------------------

/** The smallest top-up in cents: `minCoins` whole coins at `price`, rounded up to the cent. */
export function minCents(minCoins: bigint, price: Fraction): bigint {
  const scaled = minCoins * price.num * 100n;
  return (scaled + price.den - 1n) / price.den;
}

/** The coins `cents` buy at `price` (currency per whole coin), floored to the token's smallest unit. */
export function coinsFor(cents: bigint, price: Fraction): bigint {
  return (cents * price.den * 10n ** BigInt(TOKEN_DECIMALS)) / (100n * price.num);
}

// --- The participant's terms -------------------------------------------------------------------------

/** The participant's top-up currency: the operator's choice, else TOPUP_CURRENCY. */
export async function participantCurrency(participant: string): Promise<{ currency: string; source: 'participant' | 'default' }> {
  const own = await participantCurrencies.get(participant);
  return own ? { currency: own, source: 'participant' } : { currency: topupsConfig().TOPUP_CURRENCY.toLowerCase(), source: 'default' };
}

/** The operator sets a participant's currency (any three letters; one without a coin price refuses top-ups). */
export async function setParticipantCurrency(participant: string, currency: string): Promise<{ currency: string; source: 'participant' }> {
  const code = currency.trim().toLowerCase();
  if (!/^[a-z]{3}$/.test(code)) throw new Error(`"${currency}" is not a three-letter currency code`);
  if (!participant.trim()) throw new Error('a participant is required');
  await participantCurrencies.set(participant, code);
  return { currency: code, source: 'participant' };
}

export interface Terms {
  currency: CoinCurrency;
  customerId: string;
  cardId: string;
  price: Fraction;
  priceText: string;
  priceAt: string;
  /** The smallest top-up now, in cents. */
  minCents: bigint;
}

/** What a top-up needs: a currency with a coin price, a saved card, and the price now. */
export async function topUpTerms(participant: string): Promise<Terms> {
  const { currency } = await participantCurrency(participant);
  if (!isCoinCurrency(currency)) {
    throw fail('topup_currency_unsupported', `top-ups are sold in ${COIN_CURRENCIES.join(', ')}; the participant's currency is ${currency}`, { currency, supported: [...COIN_CURRENCIES] });
  }
  const account = await billingAccount(participant);
  if (!account.card || !account.stripeCustomerId) throw fail('card_required', 'a top-up is charged to the saved card: save a card first (PUT /payments-service/user/card/{token})');
  const price = await currentPrice(currency);
  return {
    currency,
    customerId: account.stripeCustomerId,
    cardId: account.card.id,
    price: price.price,
    priceText: price.priceText,
    priceAt: price.at,
    minCents: minCents(BigInt(topupsConfig().TOPUP_MIN_COINS), price.price),
  };
}

/** The smallest top-up at the current price; refused when the participant cannot top up (currency, card, price). */
export async function minAmount(participant: string): Promise<MinAmount> {
  const terms = await topUpTerms(participant);
  return { amount: Number(terms.minCents), coins: (BigInt(topupsConfig().TOPUP_MIN_COINS) * 10n ** BigInt(TOKEN_DECIMALS)).toString(), currency: terms.currency };
}

export function requireAtLeastMinimum(amount: number | undefined, terms: Terms): bigint {
  if (amount === undefined) throw fail('bad_amount', `amount is required unless minimal_amount is true (at least ${terms.minCents} cents of ${terms.currency})`, { min_amount: Number(terms.minCents) });
  if (BigInt(amount) < terms.minCents) {
    throw fail('bad_amount', `amount must be at least min_amount: ${terms.minCents} cents of ${terms.currency} at the current price`, { min_amount: Number(terms.minCents) });
  }
  return BigInt(amount);
}

// --- Settings ----------------------------------------------------------------------------------------

const settingsView = (s: TopUpSettings): TopUpSettingsView => ({
  amount: Number(s.amount),
  coins_threshold: s.coinsThreshold.toString(),
  currency: s.currency,
  frequency: s.frequency,
  minimal_amount: s.minimalAmount,
  status: s.status,
});

/**
 * Sets the automatic top-up: amount at least min_amount now unless minimal_amount (then the amount is 0 and each
 * top-up is min_amount at its time). One conditional put on the version read (a collision reads again).
 */
export async function setTopUpSettings(participant: string, input: TopUpSettingsInput): Promise<TopUpSettingsView> {
  const terms = await topUpTerms(participant);
  const minimalAmount = input.minimal_amount ?? false;
  const amount = minimalAmount ? 0n : requireAtLeastMinimum(input.amount, terms);
  for (let attempt = 1; ; attempt++) {
    const current = await topUpSettingsRepo.get(participant);
    const now = new Date().toISOString();
    try {
      const saved = await topUpSettingsRepo.put(
        { participant, amount, minimalAmount, coinsThreshold: input.coins_threshold, frequency: input.frequency, status: input.status, currency: terms.currency, createdAt: current?.createdAt ?? now, updatedAt: now },
        current?.version,
      );
      return settingsView(saved);
    } catch (err) {
      if (!(err instanceof SettingsChangedError) || attempt >= SETTINGS_WRITE_ATTEMPTS) throw err;
    }
  }
}

export async function topUpSettings(participant: string): Promise<TopUpSettingsView> {
  const s = await topUpSettingsRepo.get(participant);
  if (!s) throw fail('topup_settings_not_found', 'no top-up settings: set them with POST /participants/topup');
  return settingsView(s);
}

/** Removes the settings (chains already started go on); answers them as they were. */
export async function deleteTopUpSettings(participant: string): Promise<TopUpSettingsView> {
  const removed = await topUpSettingsRepo.remove(participant);
  if (!removed) throw fail('topup_settings_not_found', 'no top-up settings to delete');
  return settingsView(removed);
}

// --- History v2 --------------------------------------------------------------------------------------

/** A chain as answered: its outer amount is an exact JSON number (major units). */
export type WireChain = Omit<TopUpChainView, 'amount'> & { amount: { toJSON(): string } };

/** One chain in history v2: steps newest first; a `topping_up` chain reads its payout, so a settled one shows at once. */
export async function chainView(t: TopUp): Promise<WireChain> {
  const id = transactionRequestId(t.uuid);
  const amount = Number(t.amount);
  const chargeId = t.chargeId ?? null;
  const step = (sub_type: TopUpStep['sub_type'], status: TopUpStep['status'], ts: string, extra: { coins?: string; hash?: string | null; reason?: string } = {}): TopUpStep => ({
    amount,
    charge_id: chargeId,
    ...(extra.coins !== undefined ? { coins: extra.coins } : {}),
    currency: t.currency,
    hash: extra.hash ?? null,
    id,
    ...(extra.reason !== undefined ? { reason: extra.reason } : {}),
    status,
    sub_type,
    ts: isoSeconds(ts),
    type: 'topup',
  });

  const steps: TopUpStep[] = [];
  if (t.state === 'charging') steps.push(step('charge', 'pending', t.createdAt));
  else if (t.state === 'charge_failed') steps.push(step('charge', 'failure', t.chargedAt ?? t.updatedAt, { reason: t.reason ?? `The card was declined. ${isoSeconds(t.updatedAt)}` }));
  else steps.push(step('charge', 'success', t.chargedAt ?? t.createdAt));

  let topUp: { status: TopUpStep['status']; ts: string; hash?: string } | undefined;
  if (t.state === 'topping_up') {
    const p = await payoutsRepo.get(t.payoutUnit!);
    const status = p?.status === 'CONFIRMED' ? 'success' : p?.status === 'FAILED' ? 'failure' : 'pending';
    topUp = status === 'pending' ? { status, ts: t.toppingUpAt ?? t.updatedAt } : { status, ts: p!.updatedAt, ...(p!.txHash ? { hash: p!.txHash } : {}) };
  } else if (t.state === 'success') topUp = { status: 'success', ts: t.settledAt ?? t.updatedAt, ...(t.txHash ? { hash: t.txHash } : {}) };
  else if (t.state === 'refunded' || t.state === 'refund_failed') topUp = { status: 'failure', ts: t.settledAt ?? t.updatedAt, ...(t.txHash ? { hash: t.txHash } : {}) };
  if (topUp) {
    steps.unshift(
      step('topup', topUp.status, topUp.ts, {
        hash: topUp.hash ?? null,
        ...(topUp.status === 'success' ? { coins: t.coins.toString() } : {}),
        ...(topUp.status === 'failure' ? { reason: `The coins could not be sent on chain. ${isoSeconds(topUp.ts)}` } : {}),
      }),
    );
  }
  if (t.state === 'refunded') steps.unshift(step('refund', 'success', t.refundedAt ?? t.updatedAt));
  if (t.state === 'refund_failed') steps.unshift(step('refund', 'failure', t.refundedAt ?? t.updatedAt, { reason: t.refundReason ?? `The refund failed. ${isoSeconds(t.updatedAt)}` }));

  const failed = steps.some((s) => s.status === 'failure' && s.sub_type !== 'refund');
  const status = failed ? 'failure' : topUp?.status === 'success' ? 'success' : 'pending';
  return { amount: exactNumber(formatUnits(t.amount, 2)), history: steps, id, status, ts: isoSeconds(t.createdAt) };
}

/** The participant's chains, newest first (`offset` skipped, at most `limit`). */
export async function topUpHistory(participant: string, limit: number, offset = 0): Promise<WireChain[]> {
  return Promise.all((await topUpsRepo.listByParticipant(participant, limit, offset)).map(chainView));
}
