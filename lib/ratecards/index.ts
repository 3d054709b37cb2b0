/**
 * Rate cards: what a participant pays per item (clicks, completed videos, ...) in the default coin currency,
 * and what its users are rewarded. The default card applies to every participant without its own. Each
 * answer states each item's value in whole coins at the current coin price (`adjustment`).
 */
import { requireParticipant } from '../identity/index.js';
import type { TicketClaims } from '../identity/tickets.js';
import { exactNumber } from '../json.js';
import { parseFraction, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';
import { DEFAULT_COIN_CURRENCY } from '../rates/currencies.js';
import { currentPrice, type CoinPrice } from '../rates/index.js';
import { BUILT_IN_DEFAULT_CARD, catalogueItem, type RateCardSettings } from './catalogue.js';
import { fail } from './failures.js';
import { rateCardsRepo } from './repository.js';

export const DEFAULT_CARD = 'default';
const DEFAULT_CARD_ID = 'urn:authenticateit:rate_card';

/** Whole coins `value` (currency) buys at `price` (currency per coin), floored, in the token's smallest unit. */
export function wholeCoinsFor(value: Fraction, price: Fraction): bigint {
  return ((value.num * price.den) / (value.den * price.num)) * 10n ** BigInt(TOKEN_DECIMALS);
}

function cardView(owner: string, settings: RateCardSettings, price: CoinPrice) {
  const items = settings.items.map((item) => {
    const known = catalogueItem(item.id);
    if (!known) throw new Error(`rate card ${owner} prices ${item.id}, which the catalogue no longer has`);
    return { events: [...known.events], id: item.id, name: known.name, value: exactNumber(item.value) };
  });
  const b = settings.budget;
  const r = settings.userRewards;
  return {
    adjustment: Object.fromEntries(settings.items.map((item) => [item.id, wholeCoinsFor(parseFraction(item.value), price.price).toString()])),
    currency: price.currency,
    id: owner === DEFAULT_CARD ? DEFAULT_CARD_ID : `${owner}@rate_card`,
    price: exactNumber(price.priceText),
    price_at: price.at,
    rate_card: {
      billable: settings.billable,
      ...(b
        ? { budget: { ...(b.day !== undefined ? { day: exactNumber(b.day) } : {}), ...(b.month !== undefined ? { month: exactNumber(b.month) } : {}), ...(b.week !== undefined ? { week: exactNumber(b.week) } : {}) } }
        : {}),
      ...(settings.gst !== undefined ? { gst: settings.gst } : {}),
      items,
      user_rewards: {
        ...(r.coins !== undefined ? { coins: r.coins.toString() } : {}),
        ...(r.percents !== undefined ? { percents: exactNumber(r.percents) } : {}),
        ...(r.value !== undefined ? { value: exactNumber(r.value) } : {}),
      },
    },
    type: 'rate_card' as const,
  };
}

export type RateCardView = ReturnType<typeof cardView>;

const isSystem = (claims: TicketClaims) => claims.roles.includes('system');

async function effectiveCard(owner: string, price: CoinPrice): Promise<RateCardView> {
  const own = owner === DEFAULT_CARD ? undefined : await rateCardsRepo.get(owner);
  return own ? cardView(owner, own.settings, price) : defaultCard(price);
}

/** The default card: the one the system set, else the built-in one. */
async function defaultCard(price: CoinPrice): Promise<RateCardView> {
  return cardView(DEFAULT_CARD, (await rateCardsRepo.get(DEFAULT_CARD))?.settings ?? BUILT_IN_DEFAULT_CARD, price);
}

/**
 * The card that applies to `id` ('default' or a participant urn; a participant without its own card reads the
 * default). A system ticket names the card; any other ticket reads its participant's own.
 */
export async function readRateCard(claims: TicketClaims, id: string | undefined): Promise<RateCardView> {
  let owner: string;
  if (isSystem(claims)) {
    if (id === undefined) throw fail('id_required', 'id is required with a system ticket: default or a participant id');
    owner = id;
  } else {
    owner = requireParticipant(claims);
    if (id !== undefined && id !== owner) throw fail('foreign_rate_card', 'a participant can read only its own rate card');
  }
  return effectiveCard(owner, await currentPrice(DEFAULT_COIN_CURRENCY));
}

/** Sets the default card or a participant's (the caller holds the system role; the route checks it). */
export async function setRateCard(owner: string, settings: RateCardSettings, by: string): Promise<RateCardView> {
  const price = await currentPrice(DEFAULT_COIN_CURRENCY); // before storing: a card is not changed when its answer cannot be given
  const stored = await rateCardsRepo.put(owner, settings, by);
  return cardView(owner, stored.settings, price);
}

/** Deletes a participant's own card; answers the card that now applies to it (the default). */
export async function deleteRateCard(owner: string): Promise<RateCardView> {
  const price = await currentPrice(DEFAULT_COIN_CURRENCY);
  if (!(await rateCardsRepo.delete(owner))) throw fail('rate_card_not_found', `${owner} has no rate card of its own`);
  // The participant has no card now: the default applies.
  return defaultCard(price);
}
