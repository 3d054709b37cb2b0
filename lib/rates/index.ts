/**
 * Coin prices: the price of one whole token (coins and cashback tokens are the same token) in each currency,
 * with the time it was set. One source serves coin conversion, rate cards and partner cashback. Prices are
 * cached briefly on warm functions.
 */
import { ratesRepo, type Rates, type StoredPrices } from './repository.js';
import { ttlCache } from '../cache.js';
import { coreConfig } from '../config/index.js';
import { formatUnits, parseFraction, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';
import { COIN_CURRENCIES, COUNTRY_CURRENCY, DEFAULT_COIN_CURRENCY, isCoinCurrency, type CoinCurrency } from './currencies.js';
import { fail } from './failures.js';

export interface CoinPrice {
  /** Currency per whole token, exactly. */
  price: Fraction;
  /** The price as it was set ("0.24"). */
  priceText: string;
  /** Lower case, as given to `price`. */
  currency: string;
  /** When the price was set (ISO timestamp). */
  at: string;
}

/** Where coin prices come from. */
export interface CoinPrices {
  /** The current price of one whole token in `currency` (case-insensitive); undefined when there is none. */
  price(currency: string): Promise<CoinPrice | undefined>;
}

const cache = ttlCache<'prices', StoredPrices>(() => Number(coreConfig().PRICE_CACHE_SECONDS) * 1000);

/** Prices set by an operator (`npm run admin -- coin price set aud=0.24`), each stored with its timestamp. */
export const adminSetPrices: CoinPrices = {
  async price(currency) {
    const prices = await cache.get('prices', () => ratesRepo.prices());
    const key = currency.toUpperCase();
    const text = prices?.rates[key];
    if (!text) return undefined;
    const price = parseFraction(text);
    if (price.num <= 0n) return undefined;
    return { price, priceText: text, currency: currency.toLowerCase(), at: prices.pricedAt[key]! };
  },
};

export const coinPrices: CoinPrices = adminSetPrices;

/** The price of one cashback token in a purchase currency (partner cashback). */
export async function tokenPrice(currency: string): Promise<Fraction | undefined> {
  return (await coinPrices.price(currency))?.price;
}

/** Sets the given prices (merged with the others), stamping each with `now`. Currency names are stored upper case. */
export async function setRates(rates: Rates, now = new Date().toISOString()): Promise<void> {
  const given = Object.entries(rates).map(([currency, price]) => [currency.trim().toUpperCase(), (price ?? '').trim()] as const);
  for (const [currency, price] of given) {
    if (!/^[A-Z]{2,8}$/.test(currency)) throw new Error(`"${currency}" is not a currency name`);
    if (parseFraction(price).num <= 0n) throw new Error(`rate for ${currency} must be positive`);
  }
  const stored = await ratesRepo.prices();
  await ratesRepo.put(
    {
      rates: { ...stored.rates, ...Object.fromEntries(given) },
      pricedAt: { ...stored.pricedAt, ...Object.fromEntries(given.map(([currency]) => [currency, now])) },
    },
    now,
  );
  cache.clear();
}

/** Removes the given prices (an unknown one is no error): conversions in those currencies are refused again, and gas is priced by WITHDRAWAL_GAS_COINS without an ETH price. */
export async function removeRates(currencies: string[], now = new Date().toISOString()): Promise<void> {
  const gone = new Set(currencies.map((c) => c.trim().toUpperCase()));
  const stored = await ratesRepo.prices();
  const keep = <T>(m: Record<string, T>) => Object.fromEntries(Object.entries(m).filter(([currency]) => !gone.has(currency)));
  await ratesRepo.put({ rates: keep(stored.rates), pricedAt: keep(stored.pricedAt) }, now);
  cache.clear();
}

/** Every price with its timestamp, for the admin CLI. */
export async function describePrices(): Promise<Record<string, { price: string; at: string }>> {
  const { rates, pricedAt } = await ratesRepo.prices();
  return Object.fromEntries(Object.entries(rates).map(([currency, price]) => [currency, { price, at: pricedAt[currency]! }]));
}

export const clearRatesCache = () => cache.clear();

/** Decimal places of a converted fiat value: finer than any currency's cents, so small coin amounts still show. */
export const FIAT_VALUE_DECIMALS = 8;

/**
 * coins (smallest unit) x price, in fiat: exact until the last step, then floored to FIAT_VALUE_DECIMALS places
 * (the platform's one rounding rule: never more than the exact value). Answered as plain decimal text.
 */
export function coinsToFiat(coins: bigint, price: Fraction): string {
  const scaled = (coins * price.num * 10n ** BigInt(FIAT_VALUE_DECIMALS)) / (price.den * 10n ** BigInt(TOKEN_DECIMALS));
  return formatUnits(scaled, FIAT_VALUE_DECIMALS);
}

/** The price of the smallest unit, exactly, as decimal text (an exact JSON number). */
export function pricePerUnit(price: { num: bigint; den: bigint }): string {
  const digits = price.den.toString().length - 1; // den is a power of ten (parseFraction)
  return formatUnits(price.num, digits + TOKEN_DECIMALS);
}

/** The currency a conversion uses: the one named, else the country's, else the default. */
export function conversionCurrency(request: { currency?: string; country?: string }): CoinCurrency {
  if (request.currency !== undefined) {
    const currency = request.currency.trim().toLowerCase();
    if (!isCoinCurrency(currency)) throw fail('unknown_currency', `currency ${request.currency} has no coin price (known: ${COIN_CURRENCIES.join(', ')})`);
    return currency;
  }
  if (request.country !== undefined) {
    const currency = COUNTRY_CURRENCY[request.country.trim().toLowerCase()];
    if (!currency) throw fail('unknown_country', `country ${request.country} has no coin currency`);
    return currency;
  }
  return DEFAULT_COIN_CURRENCY;
}

/** The current price in a coin currency, or the no_price failure. */
export async function currentPrice(currency: CoinCurrency): Promise<CoinPrice> {
  const price = await coinPrices.price(currency);
  if (!price) throw fail('no_price', `no coin price is set for ${currency}`);
  return price;
}

/** The current price of one whole token in each coin currency that has one, as set ("0.24"): what a withdrawal records of its time. */
export async function coinPricesNow(): Promise<Partial<Record<CoinCurrency, string>>> {
  const prices = await Promise.all(COIN_CURRENCIES.map(async (c) => [c, (await coinPrices.price(c))?.priceText] as const));
  return Object.fromEntries(prices.filter(([, text]) => text !== undefined));
}

export interface Conversion {
  currency: CoinCurrency;
  value: string;
  price: string;
  priceAt: string;
}

/** Coins (smallest unit) to fiat at the current price, stating the price used and when it was set. */
export async function convertCoins(coins: bigint, request: { currency?: string; country?: string }): Promise<Conversion> {
  const currency = conversionCurrency(request);
  const price = await currentPrice(currency);
  return { currency, value: coinsToFiat(coins, price.price), price: price.priceText, priceAt: price.at };
}
