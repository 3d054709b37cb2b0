/**
 * The withdrawal fee engine: one quote for every withdrawal type (bank cash-out, Ethereum, Coinbase, Poloniex).
 * Pure: prices, the gas cost and the fee options come in, every field of the contract's fee summary comes out.
 * Coins are exact bigints of the token's smallest unit; fiat values are integers of the currency's cents.
 * The formulas and the rounding rule are written out in README.md, "Withdrawal fees".
 */
import { exactNumber } from '../json.js';
import { amountTextOf, formatUnits, parseFraction, parseUnits, TOKEN_DECIMALS, type Fraction } from '../ledger/money.js';
import { coinsOfText } from '../ledger/coins-schema.js';
import { COUNTRY_CURRENCY, type CoinCurrency } from '../rates/currencies.js';
import type { Fields } from '../db/item.js';

export const WITHDRAWAL_TYPES = ['bank', 'ethereum', 'coinbase', 'poloniex'] as const;
export type WithdrawalType = (typeof WITHDRAWAL_TYPES)[number];

/** Fee values are in cents: every coin currency (aud, sgd, usd) has 2 decimals. */
export const FEE_FIAT_DECIMALS = 2;

const COIN = 10n ** BigInt(TOKEN_DECIMALS);
const CENT_SCALE = 10n ** BigInt(FEE_FIAT_DECIMALS);

/** One withdrawal type's fees in one country. */
export interface FeeOptions {
  /** gas_fee_precent: the percent of gas_coins charged as the gas fee, as decimal text ("59", "2.5"). */
  gasFeePercent: string;
  /** transaction_fee: a fixed fee per withdrawal, in cents of the country's currency. */
  transactionFeeMinor: bigint;
  /** min_transfer_coins_value: the least a transfer may deliver, when one is set. */
  minTransferCoins?: bigint;
}

/** What a type and country without configured fees charge ("No configured fee" in the contract). */
export const NO_FEES: FeeOptions = { gasFeePercent: '0', transactionFeeMinor: 0n };

/** Fee options by withdrawal type, then country (ISO 3166-1 numeric, "036"). */
export type FeeTable = Partial<Record<WithdrawalType, Readonly<Record<string, FeeOptions>>>>;

/** One type's fees in one country as an operator writes them: numbers as on the wire, coins as decimal strings. */
export interface FeeOptionsEntry {
  gas_fee_precent: number | string;
  transaction_fee: number | string;
  min_transfer_coins_value?: string;
}
/** The fee options document: type -> country -> entry. What an admin command stores and `feeOptionsDocumentSchema` validates. */
export type FeeOptionsDocument = Partial<Record<WithdrawalType, Record<string, FeeOptionsEntry>>>;

/**
 * The fees until an operator stores a document, from the contract's most recent examples: bank cash-out in
 * Australia charges 59% of the gas cost and AUD 1.50; Coinbase and Poloniex charge nothing and deliver at
 * least one coin; Ethereum (no example quotes it) is like them.
 */
export const DEFAULT_FEE_OPTIONS_DOCUMENT: FeeOptionsDocument = {
  bank: { '036': { gas_fee_precent: 59, transaction_fee: 1.5 } },
  ethereum: { '036': { gas_fee_precent: 0, transaction_fee: 0, min_transfer_coins_value: '1000000000000000000' } },
  coinbase: { '036': { gas_fee_precent: 0, transaction_fee: 0, min_transfer_coins_value: '1000000000000000000' } },
  poloniex: { '036': { gas_fee_precent: 0, transaction_fee: 0, min_transfer_coins_value: '1000000000000000000' } },
};

/** The most a gas fee may be: all of the gas cost. */
export const MAX_GAS_FEE_PERCENT = '100';
/** Decimals a gas fee percent may have. */
export const GAS_FEE_PERCENT_DECIMALS = 2;

/** Why an entry is not valid fee options, or undefined when it is. Shared by `feeTableOf` and the document schema. */
export function feeEntryProblem(country: string, entry: FeeOptionsEntry): string | undefined {
  if (!/^\d{3}$/.test(country) || !COUNTRY_CURRENCY[country]) return `country ${country} is not a numeric country code with a coin currency (${Object.keys(COUNTRY_CURRENCY).filter((c) => /^\d{3}$/.test(c)).join(', ')})`;
  const percent = decimalText(entry.gas_fee_precent);
  if (percent === undefined || !fitsDecimals(percent, GAS_FEE_PERCENT_DECIMALS) || parseUnits(percent, GAS_FEE_PERCENT_DECIMALS) > parseUnits(MAX_GAS_FEE_PERCENT, GAS_FEE_PERCENT_DECIMALS)) {
    return `gas_fee_precent must be a number from 0 to ${MAX_GAS_FEE_PERCENT} with at most ${GAS_FEE_PERCENT_DECIMALS} decimals`;
  }
  const fee = decimalText(entry.transaction_fee);
  if (fee === undefined || !fitsDecimals(fee, FEE_FIAT_DECIMALS) || fee.replace('.', '').length > 14) {
    return `transaction_fee must be a non-negative amount of the country's currency with at most ${FEE_FIAT_DECIMALS} decimals`;
  }
  const min = entry.min_transfer_coins_value === undefined ? 0n : coinsOfText(entry.min_transfer_coins_value, 'min_transfer_coins_value');
  return typeof min === 'bigint' ? undefined : min.refused;
}

/** A validated document as the engine uses it. Throws RangeError on an entry `feeEntryProblem` refuses. */
export function feeTableOf(doc: FeeOptionsDocument): FeeTable {
  const table: FeeTable = {};
  for (const type of WITHDRAWAL_TYPES) {
    const countries = doc[type];
    if (!countries) continue;
    table[type] = Object.fromEntries(
      Object.entries(countries).map(([country, entry]) => {
        const problem = feeEntryProblem(country, entry);
        if (problem) throw new RangeError(`${type} ${country}: ${problem}`);
        const options: FeeOptions = {
          gasFeePercent: formatUnits(parseUnits(decimalText(entry.gas_fee_precent)!, GAS_FEE_PERCENT_DECIMALS), GAS_FEE_PERCENT_DECIMALS),
          transactionFeeMinor: parseUnits(decimalText(entry.transaction_fee)!, FEE_FIAT_DECIMALS),
          ...(entry.min_transfer_coins_value !== undefined ? { minTransferCoins: BigInt(entry.min_transfer_coins_value) } : {}),
        };
        return [country, options];
      }),
    );
  }
  return table;
}

export const DEFAULT_FEE_TABLE: FeeTable = feeTableOf(DEFAULT_FEE_OPTIONS_DOCUMENT);

/** The options of a type in a country; a country without configured fees pays none. */
export function feeOptionsFor(table: FeeTable, type: WithdrawalType, country: string): FeeOptions {
  return table[type]?.[country] ?? NO_FEES;
}

export interface WithdrawalQuoteInput {
  /** The coins the request names (smallest unit). */
  coins: bigint;
  /** The currency the values are in (the country's). */
  currency: CoinCurrency;
  /** The price of one whole coin in `currency`, exactly; positive. */
  price: Fraction;
  /** The network cost of one transfer, in coins (`gasCoins`, or given directly). */
  gasCoins: bigint;
  options: FeeOptions;
  /** true: the fee is paid on top of `coins`; false: it is taken out of them. */
  payFeeWithCoins: boolean;
  /** false: the amounts after the fee show 0 instead of going below it. */
  negativeValues: boolean;
}

/** Every field of the fee summary, exact (coins in the smallest unit, values in cents), plus what the transfer moves. */
export interface WithdrawalQuote {
  coins: bigint;
  currency: CoinCurrency;
  gasCoins: bigint;
  gasFeePercent: string;
  gasFeeCoins: bigint;
  transactionFeeMinor: bigint;
  transactionFeeCoins: bigint;
  feeCoins: bigint;
  coinsWithFee: bigint;
  /** coins - feeCoins; 0 instead of negative unless negativeValues. */
  coinsWithoutFee: bigint;
  /** The value of `coins`, floored to the cent. */
  valueWithFeeMinor: bigint;
  gasFeeValueMinor: bigint;
  transactionFeeValueMinor: bigint;
  feeValueMinor: bigint;
  /** valueWithFeeMinor - feeValueMinor; 0 instead of negative unless negativeValues. Also `value`. */
  valueWithoutFeeMinor: bigint;
  minTransferCoins?: bigint;
  payFeeWithCoins: boolean;
  negativeValues: boolean;
  /** What leaves the user's balance: coinsWithFee when paying the fee with coins, else coins. */
  debitCoins: bigint;
  /** What reaches the destination, never clamped: coins when paying the fee with coins, else coins - feeCoins. */
  transferCoins: bigint;
  /** What a bank cash-out pays, in cents, never clamped: valueWithFee when paying the fee with coins, else valueWithFee - feeValue. */
  payoutValueMinor: bigint;
  /** transferCoins is below min_transfer_coins_value, or nothing at all is transferred. */
  belowMinimum: boolean;
}

const divCeil = (a: bigint, b: bigint) => (a + b - 1n) / b;

/** Value in cents of `coins` at `price`, floored (coins are never negative here). */
export function coinsValueMinor(coins: bigint, price: Fraction): bigint {
  return (coins * price.num * CENT_SCALE) / (price.den * COIN);
}

/** The fewest coins worth `minor` cents at `price`, rounded up to the smallest unit (their floored value is `minor`). */
export function coinsForValue(minor: bigint, price: Fraction): bigint {
  assertPrice(price);
  if (minor < 0n) throw new RangeError('value must not be negative');
  return divCeil(minor * COIN * price.den, CENT_SCALE * price.num);
}

/**
 * The network cost of one transfer in coins: gas price (wei) x gas of one transfer, divided by the price of
 * one coin in ETH, rounded up to the smallest unit so the platform never pays gas it did not charge for.
 */
export function gasCoins(gasPriceWei: bigint, gasPerTransfer: bigint, coinPriceInEth: Fraction): bigint {
  assertPrice(coinPriceInEth);
  if (gasPriceWei < 0n || gasPerTransfer < 0n) throw new RangeError('gas price and gas must not be negative');
  // Both ETH and the coin have 18 decimals: coins (smallest unit) = ETH cost (wei) / (ETH per coin).
  return divCeil(gasPriceWei * gasPerTransfer * coinPriceInEth.den, coinPriceInEth.num);
}

/** The fee summary of a withdrawal of `coins`. */
export function quoteWithdrawal(input: WithdrawalQuoteInput): WithdrawalQuote {
  const { coins, price, options } = input;
  assertPrice(price);
  if (coins < 0n || input.gasCoins < 0n) throw new RangeError('coins and gas coins must not be negative');
  const percent = parseFraction(options.gasFeePercent);
  // Fees in coins round up: the user is never charged less than the configured fee.
  const gasFeeCoins = divCeil(input.gasCoins * percent.num, percent.den * 100n);
  const transactionFeeCoins = coinsForValue(options.transactionFeeMinor, price);
  const feeCoins = gasFeeCoins + transactionFeeCoins;
  // Values: two amounts are rounded (down, to the cent), once each; the others are exact sums of cents.
  const valueWithFeeMinor = coinsValueMinor(coins, price);
  const gasFeeValueMinor = coinsValueMinor(gasFeeCoins, price);
  const transactionFeeValueMinor = options.transactionFeeMinor;
  const feeValueMinor = gasFeeValueMinor + transactionFeeValueMinor;
  const clamp = (v: bigint) => (input.negativeValues || v > 0n ? v : 0n);
  const transferCoins = input.payFeeWithCoins ? coins : coins - feeCoins;
  return {
    coins,
    currency: input.currency,
    gasCoins: input.gasCoins,
    gasFeePercent: options.gasFeePercent,
    gasFeeCoins,
    transactionFeeMinor: options.transactionFeeMinor,
    transactionFeeCoins,
    feeCoins,
    coinsWithFee: coins + feeCoins,
    coinsWithoutFee: clamp(coins - feeCoins),
    valueWithFeeMinor,
    gasFeeValueMinor,
    transactionFeeValueMinor,
    feeValueMinor,
    valueWithoutFeeMinor: clamp(valueWithFeeMinor - feeValueMinor),
    ...(options.minTransferCoins !== undefined ? { minTransferCoins: options.minTransferCoins } : {}),
    payFeeWithCoins: input.payFeeWithCoins,
    negativeValues: input.negativeValues,
    debitCoins: input.payFeeWithCoins ? coins + feeCoins : coins,
    transferCoins,
    payoutValueMinor: input.payFeeWithCoins ? valueWithFeeMinor : valueWithFeeMinor - feeValueMinor,
    belowMinimum: transferCoins <= 0n || transferCoins < (options.minTransferCoins ?? 0n),
  };
}

function assertPrice(price: Fraction): void {
  if (price.num <= 0n || price.den <= 0n) throw new RangeError('a price must be positive');
}

/** Exact decimal text of a non-negative number or decimal string (at most 20 whole digits); undefined when it is neither. */
function decimalText(value: unknown): string | undefined {
  const text = amountTextOf(value);
  return text !== undefined && /^\d{1,20}(\.\d+)?$/.test(text) ? text : undefined;
}

function fitsDecimals(text: string, decimals: number): boolean {
  return (text.split('.')[1] ?? '').replace(/0+$/, '').length <= decimals;
}

/** Coins on the wire: a decimal string, except 0 and negative amounts, which the contract writes as bare JSON integers. */
export const wireCoins = (coins: bigint): string | bigint => (coins > 0n ? coins.toString() : coins);
/** A fiat value on the wire: a JSON number with at least one decimal ("0.0", "1.5", "220.53"), as the contract shows them. */
const wireValue = (minor: bigint) => {
  const text = formatUnits(minor, FEE_FIAT_DECIMALS);
  return exactNumber(text.includes('.') ? text : `${text}.0`);
};

/**
 * The fee summary as the contract writes it. `quote`: a conversion answer (convert_coins), with the currency
 * (upper case) and min_transfer_coins_value when one is set. `transfer`: the `fee` / `fee_summary` object of a
 * transfer and of the history, with pay_fee_with_coins.
 */
export function withdrawalFeeView(q: WithdrawalQuote, shape: 'quote' | 'transfer'): Record<string, unknown> {
  return {
    coins: wireCoins(q.coins),
    coins_with_fee: wireCoins(q.coinsWithFee),
    coins_without_fee: wireCoins(q.coinsWithoutFee),
    ...(shape === 'quote' ? { currency: q.currency.toUpperCase() } : {}),
    fee_coins: wireCoins(q.feeCoins),
    fee_value: wireValue(q.feeValueMinor),
    gas_coins: wireCoins(q.gasCoins),
    gas_fee_coins: wireCoins(q.gasFeeCoins),
    gas_fee_precent: exactNumber(q.gasFeePercent),
    gas_fee_value: wireValue(q.gasFeeValueMinor),
    ...(shape === 'quote' && q.minTransferCoins !== undefined ? { min_transfer_coins_value: q.minTransferCoins.toString() } : {}),
    ...(shape === 'transfer' ? { pay_fee_with_coins: q.payFeeWithCoins } : {}),
    transaction_fee: exactNumber(formatUnits(q.transactionFeeMinor, FEE_FIAT_DECIMALS)),
    transaction_fee_coins: wireCoins(q.transactionFeeCoins),
    transaction_fee_value: wireValue(q.transactionFeeValueMinor),
    value: wireValue(q.valueWithoutFeeMinor),
    value_with_fee: wireValue(q.valueWithFeeMinor),
    value_without_fee: wireValue(q.valueWithoutFeeMinor),
  };
}

/** What a withdrawal records of its quote, so its fee summary is recomputed exactly later (the engine is pure). */
export interface RecordedQuote {
  coins: bigint;
  payFeeWithCoins: boolean;
  currency: string;
  priceNum: bigint;
  priceDen: bigint;
  gasCoins: bigint;
  gasFeePercent: string;
  transactionFeeMinor: bigint;
  minTransferCoins?: bigint;
  /** Every coin currency's price of one whole token when the withdrawal was asked for ("0.24"), for moderators. */
  coinsPrices?: Record<string, string>;
}

/** A record's quote fields, as its item holds them. */
export function recordedQuoteFrom(f: Fields): RecordedQuote {
  const minTransferCoins = f.optMoney('minTransferCoins');
  const coinsPrices = f.optMap('coinsPrices') as Record<string, string> | undefined;
  return {
    coins: f.money('coins'),
    payFeeWithCoins: f.flag('payFeeWithCoins'),
    currency: f.str('currency'),
    priceNum: f.money('priceNum'),
    priceDen: f.money('priceDen'),
    gasCoins: f.money('gasCoins'),
    gasFeePercent: f.str('gasFeePercent'),
    transactionFeeMinor: f.money('transactionFeeMinor'),
    ...(minTransferCoins !== undefined ? { minTransferCoins } : {}),
    ...(coinsPrices !== undefined ? { coinsPrices } : {}),
  };
}

/** A quote's record (`quote.price` is the price it was made at; `prices` every coin currency's then). */
export const recordOf = (q: WithdrawalQuote, price: Fraction, prices: Record<string, string>): RecordedQuote => ({
  coins: q.coins,
  payFeeWithCoins: q.payFeeWithCoins,
  currency: q.currency,
  priceNum: price.num,
  priceDen: price.den,
  gasCoins: q.gasCoins,
  gasFeePercent: q.gasFeePercent,
  transactionFeeMinor: q.transactionFeeMinor,
  ...(q.minTransferCoins !== undefined ? { minTransferCoins: q.minTransferCoins } : {}),
  coinsPrices: prices,
});

/** The quote a withdrawal was accepted with, from its record. */
export function recordedQuote(r: RecordedQuote): WithdrawalQuote {
  return quoteWithdrawal({
    coins: r.coins,
    currency: r.currency as CoinCurrency,
    price: { num: r.priceNum, den: r.priceDen },
    gasCoins: r.gasCoins,
    options: { gasFeePercent: r.gasFeePercent, transactionFeeMinor: r.transactionFeeMinor, ...(r.minTransferCoins !== undefined ? { minTransferCoins: r.minTransferCoins } : {}) },
    payFeeWithCoins: r.payFeeWithCoins,
    negativeValues: false,
  });
}
