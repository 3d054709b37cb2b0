/**
 * Coin amounts in requests: whole numbers of the token's smallest unit (18 decimals), at most MAX_COINS, read
 * exactly into bigints. One bound and one wording for every route that takes coins.
 */
import * as z from 'zod/mini';

/**
 * The most coins one request may name: 10^30 of the smallest unit (10^12 whole tokens), so sums of them and
 * every balance stay far inside DynamoDB's 38 significant digits.
 */
export const MAX_COINS = 10n ** 30n;
/** Decimal digits; longer than MAX_COINS has, so that a too large amount is told apart from a malformed one. */
export const COINS_DIGITS = /^[0-9]{1,40}$/;

export const notCoins = (field: string) => `${field} must be a whole number of the token's smallest unit, as a decimal string`;
export const tooManyCoins = (field: string) => `${field} must be at most ${MAX_COINS} (10^12 whole tokens)`;

/** Coins from their decimal text: the amount, or the reason it is not one. */
export function coinsOfText(text: string, field: string): bigint | { refused: string } {
  if (!COINS_DIGITS.test(text)) return { refused: notCoins(field) };
  const coins = BigInt(text);
  return coins > MAX_COINS ? { refused: tooManyCoins(field) } : coins;
}

/** A coin amount given as a decimal string (query strings, string-only fields). */
export function coinsText(field: string, description: string): z.ZodMiniType<bigint, string> {
  return z
    .pipe(
      z.string({ error: notCoins(field) }),
      z.transform((text, ctx): bigint => {
        const coins = coinsOfText(text, field);
        if (typeof coins === 'bigint') return coins;
        ctx.issues.push({ code: 'custom', message: coins.refused, input: text });
        return z.NEVER;
      }),
    )
    .register(z.globalRegistry, { type: 'string', pattern: COINS_DIGITS.source, description: `${description} At most ${MAX_COINS} (10^12 whole tokens).` }) as unknown as z.ZodMiniType<bigint, string>;
}

/** Coins as answers write them (documentation): a decimal string of the token's smallest unit. */
export const coinsOut = () => z.string().check(z.regex(/^[0-9]+$/)).register(z.globalRegistry, { description: "A decimal string of the token's smallest unit (18 decimals)." });
