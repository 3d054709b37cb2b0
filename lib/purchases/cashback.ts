/**
 * Cashback arithmetic, pure and exact (bigint, one floor per part).
 *
 *   token value of the purchase = amount / price(currency)           (price = currency per whole token)
 *   base    = value x base%       (base% = CASHBACK_BASE_PERCENT, or CASHBACK_GBYTE_PERCENT when paid in GBYTE)
 *   partner = value x partner%    (paid from the partner's deposit)
 *   match   = value x min(partner%, MATCH_CAP_PERCENT)   (paid from the distribution fund: the 1:1 merchant match, capped)
 *   cashback_amount = base + partner + match, in the token's smallest unit (18 decimals)
 */
import { minFraction, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';

/**
 * The largest cashback of one purchase: 10^30 token units (10^12 tokens), 31 digits, so every amount the
 * ledger writes for it (each part, the fund and deposit debits, the customer's credit) and balances summed
 * from millions of them stay far inside DynamoDB's 38 significant digits. Larger is refused (400).
 */
export const MAX_CASHBACK_UNITS = 10n ** 30n;

export interface CashbackParts {
  base: bigint;
  partner: bigint;
  match: bigint;
  total: bigint;
}

export interface CashbackInput {
  /** Purchase amount in the currency's minor units. */
  amountMinor: bigint;
  currencyDecimals: number;
  /** Price of one whole token in the purchase currency. */
  tokenPrice: Fraction;
  basePercent: Fraction;
  partnerPercent: Fraction;
  matchCapPercent: Fraction;
}

/** floor(amount / 10^decimals / price x percent / 100), in token base units. */
function part(i: CashbackInput, percent: Fraction): bigint {
  if (percent.num === 0n) return 0n;
  const numerator = i.amountMinor * 10n ** BigInt(TOKEN_DECIMALS) * i.tokenPrice.den * percent.num;
  const denominator = 10n ** BigInt(i.currencyDecimals) * i.tokenPrice.num * percent.den * 100n;
  return numerator / denominator;
}

export function computeCashback(i: CashbackInput): CashbackParts {
  const base = part(i, i.basePercent);
  const partner = part(i, i.partnerPercent);
  const match = part(i, minFraction(i.partnerPercent, i.matchCapPercent));
  return { base, partner, match, total: base + partner + match };
}
