/** Currency rates: the price of one cashback token per purchase currency, cached briefly on warm functions. */
import { ratesRepo, type Rates } from './repository.js';
import { ttlCache } from '../cache.js';
import { parseFraction, type Fraction } from '../ledger/money.js';

const cache = ttlCache<'rates', Rates>(() => 60_000);

export async function tokenPrice(currency: string): Promise<Fraction | undefined> {
  const rates = await cache.get('rates', () => ratesRepo.get());
  const price = rates?.[currency];
  if (!price) return undefined;
  const fraction = parseFraction(price);
  return fraction.num > 0n ? fraction : undefined;
}

export async function setRates(rates: Rates): Promise<void> {
  for (const [currency, price] of Object.entries(rates)) {
    if (parseFraction(price).num <= 0n) throw new Error(`rate for ${currency} must be positive`);
  }
  await ratesRepo.put({ ...(await ratesRepo.get()), ...rates });
  cache.clear();
}

export const clearRatesCache = () => cache.clear();
