/** Requests and responses of coin conversion, also the source of their OpenAPI schemas. */
import * as z from 'zod/mini';
import { COIN_CURRENCIES } from './currencies.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const COINS = /^[0-9]{1,31}$/;
const COINS_MESSAGE = "coins is required: a whole number of the token's smallest unit (18 decimals), at most 10^30, as decimal digits";

export const convertCoinsQuerySchema = schema(() => z.object({
  coins: z
    .pipe(
      z.string({ error: COINS_MESSAGE }),
      z.transform((text, ctx): bigint => {
        if (!COINS.test(text) || BigInt(text) > 10n ** 30n) {
          ctx.issues.push({ code: 'custom', message: COINS_MESSAGE, input: text });
          return z.NEVER;
        }
        return BigInt(text);
      }),
    )
    .register(z.globalRegistry, { type: 'string', pattern: COINS.source, description: "Coins, in the token's smallest unit (18 decimals)." }) as unknown as z.ZodMiniType<bigint, string>,
  country: z.optional(z.string().check(z.maxLength(8, 'country must be a country code')).register(z.globalRegistry, { description: 'Country code (ISO 3166-1 numeric, e.g. 036, or alpha-2): its currency is used when no currency is given.' })),
  currency: z.optional(z.string().check(z.maxLength(8, 'currency must be a currency code')).register(z.globalRegistry, { description: `Currency: ${COIN_CURRENCIES.join(', ')} (default aud).` })),
}));

export const convertCoinsResponseSchema = schema(() => z.object({
  currency: z.string().register(z.globalRegistry, { description: 'The fiat currency (lower case).' }),
  value: z.number().register(z.globalRegistry, { description: 'coins x price, floored to 8 decimal places.' }),
  price: z.number().register(z.globalRegistry, { description: 'The price of one whole coin used.' }),
  price_at: z.string().register(z.globalRegistry, { description: 'When that price was set (ISO timestamp).' }),
}));
