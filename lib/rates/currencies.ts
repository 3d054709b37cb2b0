/**
 * Which fiat currencies coins are priced in, and the currency of a participant's country. Configuration as
 * code: a currency added here needs a price (`npm run admin -- coin price set <currency>=...`) before use.
 */

/** Fiat currencies with a coin price (lower case, as on the wire). */
export const COIN_CURRENCIES = ['aud', 'sgd', 'usd'] as const;
export type CoinCurrency = (typeof COIN_CURRENCIES)[number];

/** The currency a conversion uses when the request names neither a currency nor a country; rate card values are in it too. */
export const DEFAULT_COIN_CURRENCY: CoinCurrency = 'aud';

/** Country (ISO 3166-1 numeric, as clients send it, or alpha-2) -> its currency. */
export const COUNTRY_CURRENCY: Readonly<Record<string, CoinCurrency>> = {
  '036': 'aud',
  au: 'aud',
  '702': 'sgd',
  sg: 'sgd',
  '840': 'usd',
  us: 'usd',
};

export const isCoinCurrency = (c: string): c is CoinCurrency => (COIN_CURRENCIES as readonly string[]).includes(c);

/**
 * The price of one token in ETH (`npm run admin -- coin price set eth=0.000012`): stored with the fiat prices, but
 * not a coin currency, so no user converts to it and no country is paid in it. It prices gas in coins.
 */
export const ETH_PRICE_CURRENCY = 'eth';
