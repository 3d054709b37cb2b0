/** Requests and responses of coin conversion, also the source of their OpenAPI schemas. */
import * as z from 'zod/mini';
import { COIN_CURRENCIES } from './currencies.js';
import { coinsText } from '../ledger/coins-schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}


export const convertCoinsQuerySchema = schema(() => z.object({
  coins: coinsText('coins', "Coins, in the token's smallest unit (18 decimals)."),
  country: z.optional(z.string().check(z.maxLength(8, 'country must be a country code')).register(z.globalRegistry, { description: 'Country code (ISO 3166-1 numeric, e.g. 036, or alpha-2): its currency is used when no currency is given.' })),
  currency: z.optional(z.string().check(z.maxLength(8, 'currency must be a currency code')).register(z.globalRegistry, { description: `Currency: ${COIN_CURRENCIES.join(', ')} (default aud).` })),
}));

export const convertCoinsResponseSchema = schema(() => z.object({
  currency: z.string().register(z.globalRegistry, { description: 'The fiat currency (lower case).' }),
  value: z.number().register(z.globalRegistry, { description: 'coins x price, floored to 8 decimal places.' }),
  price: z.number().register(z.globalRegistry, { description: 'The price of one whole coin used.' }),
  price_at: z.string().register(z.globalRegistry, { description: 'When that price was set (ISO timestamp).' }),
}));
