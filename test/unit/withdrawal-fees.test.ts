import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseJson, stringify } from '../../lib/json.js';
import { parseFraction, type Fraction } from '../../lib/ledger/money.js';
import {
  coinsForValue,
  coinsValueMinor,
  DEFAULT_FEE_OPTIONS_DOCUMENT,
  DEFAULT_FEE_TABLE,
  feeOptionsFor,
  feeTableOf,
  gasCoins,
  NO_FEES,
  quoteWithdrawal,
  withdrawalFeeView,
  type FeeOptions,
  type WithdrawalQuoteInput,
} from '../../lib/withdrawals/fees.js';
import { feeOptionsDocumentSchema, withdrawalFeeSummarySchema, withdrawalQuoteViewSchema } from '../../lib/withdrawals/schema.js';

const COIN = 10n ** 18n;
const coins = (whole: string) => BigInt(whole) * COIN;

/** A price in the currency per whole coin, given as "fiat amount per this many coins" (exact, any denominator). */
const pricePer = (fiat: string, perCoins: bigint): Fraction => {
  const f = parseFraction(fiat);
  return { num: f.num, den: f.den * perCoins };
};
/** A price from the legacy per-smallest-unit `coins_prices` float, read as the exact decimal it stands for. */
const price = (perCoin: string) => parseFraction(perCoin);

const options = (gasFeePercent: string, transactionFeeMinor: bigint, minTransferCoins?: bigint): FeeOptions => ({
  gasFeePercent,
  transactionFeeMinor,
  ...(minTransferCoins !== undefined ? { minTransferCoins } : {}),
});

const base = { currency: 'aud', payFeeWithCoins: false, negativeValues: false } as const;
const wire = (input: WithdrawalQuoteInput, shape: 'quote' | 'transfer') => parseJson(stringify(withdrawalFeeView(quoteWithdrawal(input), shape)));
/** The contract's example text read exactly as a client reads it (1.0 and 1 are the same number). */
const contract = (text: string) => parseJson(text);

describe('withdrawal fees: the contract examples', () => {
  it('cash-out convert coins, no configured fee (contract line 976)', () => {
    // The request asks for 10^22 coins, the response answers 10^21: the answer is reproduced.
    const input = { ...base, currency: 'usd', coins: 10n ** 21n, price: price('0.00008'), gasCoins: coins('2661'), options: NO_FEES, negativeValues: true } as const;
    const out = wire(input, 'quote');
    expect(out).toMatchObject(
      contract(`{
        "coins": "1000000000000000000000", "currency": "USD", "fee_coins": 0, "fee_value": 0.0,
        "gas_coins": "2661000000000000000000", "gas_fee_coins": 0, "gas_fee_precent": 0, "gas_fee_value": 0.0,
        "transaction_fee_coins": 0, "transaction_fee": 0, "transaction_fee_value": 0.0,
        "value": 0.08, "value_with_fee": 0.08, "value_without_fee": 0.08 }`) as object,
    );
    // This answer omits the coin totals the same route shows at line 1010; the view always writes them.
    expect(out).toMatchObject({ coins_with_fee: '1000000000000000000000', coins_without_fee: '1000000000000000000000' });
  });

  /*
   * Not self-consistent: cash-out convert coins, fee configured, negative_values=true (contract line 993).
   * At the price its transaction fee fixes (USD 0.04 = 500 coins, 0.00008 per coin; the same price gives
   * the 0.08 of 1000 coins) the gas fee of 1330.5 coins is worth 0.10644: it shows 0.11, where every other
   * example floors (lines 2493, 2554, 3114), and fee_value 0.15 follows from it. Its own value_with_fee
   * (0.08) is not value_without_fee + fee_value (-0.06 + 0.15 = 0.09) as the route's field list says.
   * The engine floors: gas_fee_value 0.10, fee_value 0.14, and then -0.06 + 0.14 = 0.08 holds. Every coin
   * field and the other values are as shown. Like line 976, it answers 10^21 coins to a request for 10^22.
   */
  it('cash-out convert coins, fee configured, negative values (contract line 993): gas fee value floored', () => {
    const input = { ...base, currency: 'usd', coins: 10n ** 21n, price: price('0.00008'), gasCoins: coins('2661'), options: options('50', 4n), negativeValues: true } as const;
    const shown = contract(`{
      "coins": "1000000000000000000000", "currency": "USD", "fee_coins": "1830500000000000000000", "fee_value": 0.15,
      "gas_coins": "2661000000000000000000", "gas_fee_coins": "1330500000000000000000", "gas_fee_precent": 50,
      "gas_fee_value": 0.11, "transaction_fee_coins": "500000000000000000000", "transaction_fee": 0.04,
      "transaction_fee_value": 0.04, "value": -0.06, "value_with_fee": 0.08, "value_without_fee": -0.06 }`) as Record<string, unknown>;
    expect(wire(input, 'quote')).toMatchObject({ ...shown, gas_fee_value: 0.1, fee_value: 0.14 });
  });

  it('cash-out convert coins, fee configured, negative_values=false (contract line 1010)', () => {
    const input = { ...base, coins: coins('2000000'), price: pricePer('1.5', 13603n), gasCoins: coins('160'), options: options('5', 150n) };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "2000000000000000000000000", "coins_with_fee": "2013611000000000000000000", "coins_without_fee": "1986389000000000000000000",
        "currency": "AUD", "fee_coins": "13611000000000000000000", "fee_value": 1.5, "gas_coins": "160000000000000000000",
        "gas_fee_coins": "8000000000000000000", "gas_fee_precent": 5, "gas_fee_value": 0.0, "transaction_fee": 1.5,
        "transaction_fee_coins": "13603000000000000000000", "transaction_fee_value": 1.5,
        "value": 219.03, "value_with_fee": 220.53, "value_without_fee": 219.03 }`),
    );
  });

  it('cash-out transfer request, pay_fee_with_coins (contract line 1225): debits coins_with_fee, pays the value of coins', () => {
    const input = { ...base, coins: coins('30000'), price: pricePer('1.5', 13601n), gasCoins: coins('160'), options: options('5', 150n), payFeeWithCoins: true };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "30000000000000000000000", "coins_with_fee": "43609000000000000000000", "coins_without_fee": "16391000000000000000000",
        "fee_coins": "13609000000000000000000", "fee_value": 1.5, "gas_coins": "160000000000000000000",
        "gas_fee_coins": "8000000000000000000", "gas_fee_precent": 5, "gas_fee_value": 0.0, "pay_fee_with_coins": true,
        "transaction_fee": 1.5, "transaction_fee_coins": "13601000000000000000000", "transaction_fee_value": 1.5,
        "value": 1.8, "value_with_fee": 3.3, "value_without_fee": 1.8 }`),
    );
    const q = quoteWithdrawal(input);
    expect(q.debitCoins).toBe(43609000000000000000000n); // the response's top-level "coins"
    expect(q.payoutValueMinor).toBe(330n); // its "converted_value": 3.3
    expect(q.transferCoins).toBe(coins('30000'));
  });

  /*
   * Reproduced with the price its fee summary fixes (AUD 1.50 = 13603 coins). Its converted_aud_value
   * (3.3080050413996833 for 30000 coins) implies a price at which AUD 1.50 is 13603.37 coins: the legacy
   * engine cut transaction_fee_coins to whole coins (and so charged less than the fee); this one does not.
   */
  it('cash-out entries of the transfer history, pay_fee_with_coins (contract lines 795 and 834)', () => {
    const input = { ...base, coins: coins('30000'), price: pricePer('1.5', 13603n), gasCoins: coins('160'), options: options('5', 150n), payFeeWithCoins: true };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "30000000000000000000000", "coins_with_fee": "43611000000000000000000", "coins_without_fee": "16389000000000000000000",
        "fee_coins": "13611000000000000000000", "fee_value": 1.5, "gas_coins": "160000000000000000000",
        "gas_fee_coins": "8000000000000000000", "gas_fee_precent": 5, "gas_fee_value": 0.0, "pay_fee_with_coins": true,
        "transaction_fee": 1.5, "transaction_fee_coins": "13603000000000000000000", "transaction_fee_value": 1.5,
        "value": 1.8, "value_with_fee": 3.3, "value_without_fee": 1.8 }`),
    );
    expect(quoteWithdrawal(input).debitCoins).toBe(43611000000000000000000n); // the entry's "coins"
  });

  /*
   * Not self-consistent: the Poloniex transfer (contract line 3383, request coins 6476680000000000000,
   * pay_fee_with_coins false, no fee) answers a top-level "coins" of 6476600000000000000, 0.00008 coins less
   * than its fee summary's coins, coins_with_fee and coins_without_fee; the same entry is repeated at lines
   * 710, 2257 and 3007. The summary is reproduced; the engine debits and transfers 6476680000000000000.
   */
  it('Poloniex transfer and its history entries (contract lines 710, 2257, 3007, 3383)', () => {
    // coins_prices at line 3007: aud 7.268e-21 per smallest unit = 0.007268 per coin.
    const input = { ...base, coins: 6476680000000000000n, price: price('0.007268'), gasCoins: coins('18'), options: options('0', 0n, COIN) };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "6476680000000000000", "coins_with_fee": "6476680000000000000", "coins_without_fee": "6476680000000000000",
        "fee_coins": 0, "fee_value": 0.0, "gas_coins": "18000000000000000000", "gas_fee_coins": 0, "gas_fee_precent": 0,
        "gas_fee_value": 0.0, "pay_fee_with_coins": false, "transaction_fee": 0, "transaction_fee_coins": 0,
        "transaction_fee_value": 0.0, "value": 0.04, "value_with_fee": 0.04, "value_without_fee": 0.04 }`),
    );
    const q = quoteWithdrawal(input);
    expect([q.debitCoins, q.transferCoins]).toStrictEqual([6476680000000000000n, 6476680000000000000n]);
  });

  it('Coinbase entry of the withdrawal history (contract line 2296)', () => {
    // converted_aud_value 0.003064066852367688 for 11 coins: AUD 1 = 3590 coins.
    const input = { ...base, coins: coins('11'), price: pricePer('1', 3590n), gasCoins: coins('68'), options: NO_FEES };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "11000000000000000000", "coins_with_fee": "11000000000000000000", "coins_without_fee": "11000000000000000000",
        "fee_coins": 0, "fee_value": 0.0, "gas_coins": "68000000000000000000", "gas_fee_coins": 0, "gas_fee_precent": 0,
        "gas_fee_value": 0.0, "pay_fee_with_coins": false, "transaction_fee": 0, "transaction_fee_coins": 0,
        "transaction_fee_value": 0.0, "value": 0.0, "value_with_fee": 0.0, "value_without_fee": 0.0 }`),
    );
  });

  it('withdrawal convert coins by value, poloniex_account (contract line 2461)', () => {
    // Its coins are the legacy float 1.6619577862722286e20 for AUD 1.00: the price that makes them exact.
    const p: Fraction = { num: COIN, den: 166195778627222863872n };
    const input = { ...base, coins: coinsForValue(100n, p), price: p, gasCoins: coins('19'), options: options('0', 0n, COIN), negativeValues: true };
    // karma_* fields are not fees: the route adds them.
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "166195778627222863872", "coins_with_fee": "166195778627222863872", "coins_without_fee": "166195778627222863872",
        "currency": "AUD", "fee_coins": 0, "fee_value": 0.0, "gas_coins": "19000000000000000000", "gas_fee_coins": 0,
        "gas_fee_precent": 0, "gas_fee_value": 0.0, "min_transfer_coins_value": "1000000000000000000",
        "transaction_fee": 0, "transaction_fee_coins": 0, "transaction_fee_value": 0.0,
        "value": 1.0, "value_with_fee": 1.0, "value_without_fee": 1.0 }`),
    );
  });

  it('withdrawal convert coins by value, coinbase_account, fee configured, negative values (contract line 2493)', () => {
    const p = pricePer('1', 3830n); // AUD 1.00 = 3830 coins, and AUD 1.50 = 5745
    const input = { ...base, coins: coinsForValue(100n, p), price: p, gasCoins: coins('111'), options: options('59', 150n, COIN), negativeValues: true };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "3830000000000000000000", "coins_with_fee": "9640490000000000000000", "coins_without_fee": -1980490000000000000000,
        "currency": "AUD", "fee_coins": "5810490000000000000000", "fee_value": 1.51, "gas_coins": "111000000000000000000",
        "gas_fee_coins": "65490000000000000000", "gas_fee_precent": 59, "gas_fee_value": 0.01,
        "min_transfer_coins_value": "1000000000000000000", "transaction_fee": 1.5,
        "transaction_fee_coins": "5745000000000000000000", "transaction_fee_value": 1.5,
        "value": -0.51, "value_with_fee": 1.0, "value_without_fee": -0.51 }`),
    );
    expect(quoteWithdrawal(input).belowMinimum).toBe(true);
  });

  it('withdrawal convert coins, coinbase_account, no fee (contract line 2524)', () => {
    const input = { ...base, coins: coins('10'), price: pricePer('1', 3830n), gasCoins: coins('426'), options: options('0', 0n, COIN) };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "10000000000000000000", "coins_with_fee": "10000000000000000000", "coins_without_fee": "10000000000000000000",
        "currency": "AUD", "fee_coins": 0, "fee_value": 0.0, "gas_coins": "426000000000000000000", "gas_fee_coins": 0,
        "gas_fee_precent": 0, "gas_fee_value": 0.0, "min_transfer_coins_value": "1000000000000000000",
        "transaction_fee": 0, "transaction_fee_coins": 0, "transaction_fee_value": 0.0,
        "value": 0.0, "value_with_fee": 0.0, "value_without_fee": 0.0 }`),
    );
  });

  it('withdrawal convert coins, cashout_account, fee larger than the coins, negative_values=false (contract line 2554)', () => {
    const input = { ...base, coins: coins('10'), price: pricePer('1.5', 5557n), gasCoins: coins('182'), options: options('59', 150n) };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "10000000000000000000", "coins_with_fee": "5674380000000000000000", "coins_without_fee": 0,
        "currency": "AUD", "fee_coins": "5664380000000000000000", "fee_value": 1.52, "gas_coins": "182000000000000000000",
        "gas_fee_coins": "107380000000000000000", "gas_fee_precent": 59, "gas_fee_value": 0.02, "transaction_fee": 1.5,
        "transaction_fee_coins": "5557000000000000000000", "transaction_fee_value": 1.5,
        "value": 0, "value_with_fee": 0.0, "value_without_fee": 0 }`),
    );
    const q = quoteWithdrawal(input);
    expect([q.transferCoins, q.payoutValueMinor, q.belowMinimum]).toStrictEqual([-5654380000000000000000n, -152n, true]);
  });

  it('withdrawal convert coins without an account type (contract line 2577)', () => {
    const input = { ...base, coins: coins('10'), price: price('0.023'), gasCoins: coins('10'), options: options('0', 0n, COIN) };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "10000000000000000000", "coins_with_fee": "10000000000000000000", "coins_without_fee": "10000000000000000000",
        "currency": "AUD", "fee_coins": 0, "fee_value": 0.0, "gas_coins": "10000000000000000000", "gas_fee_coins": 0,
        "gas_fee_precent": 0, "gas_fee_value": 0.0, "min_transfer_coins_value": "1000000000000000000",
        "transaction_fee": 0, "transaction_fee_coins": 0, "transaction_fee_value": 0.0,
        "value": 0.23, "value_with_fee": 0.23, "value_without_fee": 0.23 }`),
    );
  });

  it('Coinbase convert coins (contract line 2636)', () => {
    // Its minimum is 0.1 coin where the withdrawal conversions of Coinbase accounts show 1 coin: configuration.
    const input = { ...base, coins: coins('100000'), price: price('0.0002713'), gasCoins: coins('150'), options: options('0', 0n, COIN / 10n) };
    expect(wire(input, 'quote')).toStrictEqual(
      contract(`{
        "coins": "100000000000000000000000", "coins_with_fee": "100000000000000000000000", "coins_without_fee": "100000000000000000000000",
        "currency": "AUD", "fee_coins": 0, "fee_value": 0.0, "gas_coins": "150000000000000000000", "gas_fee_coins": 0,
        "gas_fee_precent": 0, "gas_fee_value": 0.0, "min_transfer_coins_value": "100000000000000000",
        "transaction_fee": 0, "transaction_fee_coins": 0, "transaction_fee_value": 0.0,
        "value": 27.13, "value_with_fee": 27.13, "value_without_fee": 27.13 }`),
    );
  });

  it('Coinbase transfer, pay_fee_with_coins, and its moderation request (contract lines 2686 and 3171)', () => {
    // coins_prices at line 3171: aud 2.717391304347826e-22 per smallest unit, AUD 1 = 3680 coins.
    const input = { ...base, coins: COIN / 10n, price: pricePer('1', 3680n), gasCoins: coins('137'), options: options('0', 0n, COIN), payFeeWithCoins: true };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "100000000000000000", "coins_with_fee": "100000000000000000", "coins_without_fee": "100000000000000000",
        "fee_coins": 0, "fee_value": 0.0, "gas_coins": "137000000000000000000", "gas_fee_coins": 0, "gas_fee_precent": 0,
        "gas_fee_value": 0.0, "pay_fee_with_coins": true, "transaction_fee": 0, "transaction_fee_coins": 0,
        "transaction_fee_value": 0.0, "value": 0.0, "value_with_fee": 0.0, "value_without_fee": 0.0 }`),
    );
    // A tenth of a coin is below the Coinbase minimum of one coin that the conversions show.
    expect(quoteWithdrawal(input).belowMinimum).toBe(true);
  });

  it('Coinbase entry of the transfer limits (contract line 3067)', () => {
    // coins_prices: aud 2.280501710376283e-22 per smallest unit, AUD 1 = 4385 coins.
    const input = { ...base, coins: COIN, price: pricePer('1', 4385n), gasCoins: coins('51'), options: NO_FEES };
    expect(wire(input, 'transfer')).toStrictEqual(
      contract(`{
        "coins": "1000000000000000000", "coins_with_fee": "1000000000000000000", "coins_without_fee": "1000000000000000000",
        "fee_coins": 0, "fee_value": 0.0, "gas_coins": "51000000000000000000", "gas_fee_coins": 0, "gas_fee_precent": 0,
        "gas_fee_value": 0.0, "pay_fee_with_coins": false, "transaction_fee": 0, "transaction_fee_coins": 0,
        "transaction_fee_value": 0.0, "value": 0.0, "value_with_fee": 0.0, "value_without_fee": 0.0 }`),
    );
  });

  /*
   * Not self-consistent: the cash-out entry of the transfer limits (contract line 3114). Its coins_prices
   * (aud 2.2522522522522525e-22 per smallest unit: AUD 1 = 4440 coins) make AUD 1.50 exactly 6660 coins;
   * it shows 6659 (the legacy float quotient cut to whole coins). Its converted_value 0.7 is neither its
   * value_without_fee (0.68, what pay_fee_with_coins=false pays) nor any rounding of the exact 0.6756.
   * The summary is reproduced at the price its transaction fee fixes (AUD 1.50 = 6659 coins); at the stamped
   * price the engine charges 6660 coins and every value stays the same.
   */
  it('cash-out entry of the transfer limits (contract line 3114): at its stamped price the fee is 6660 coins', () => {
    const input = { ...base, coins: coins('10000'), price: pricePer('1.5', 6659n), gasCoins: coins('579'), options: options('59', 150n) };
    const shown = contract(`{
      "coins": "10000000000000000000000", "coins_with_fee": "17000610000000000000000", "coins_without_fee": "2999390000000000000000",
      "fee_coins": "7000610000000000000000", "fee_value": 1.57, "gas_coins": "579000000000000000000",
      "gas_fee_coins": "341610000000000000000", "gas_fee_precent": 59, "gas_fee_value": 0.07, "pay_fee_with_coins": false,
      "transaction_fee": 1.5, "transaction_fee_coins": "6659000000000000000000", "transaction_fee_value": 1.5,
      "value": 0.68, "value_with_fee": 2.25, "value_without_fee": 0.68 }`) as Record<string, unknown>;
    expect(wire(input, 'transfer')).toStrictEqual(shown);
    const stamped = { ...input, price: pricePer('1', 4440n) };
    expect(wire(stamped, 'transfer')).toStrictEqual({
      ...shown,
      coins_with_fee: '17001610000000000000000',
      coins_without_fee: '2998390000000000000000',
      fee_coins: '7001610000000000000000',
      transaction_fee_coins: '6660000000000000000000',
    });
    expect(quoteWithdrawal(stamped).payoutValueMinor).toBe(68n);
  });
});

describe('withdrawal fees: rules', () => {
  it('prices the network cost of a transfer in coins, rounded up', () => {
    // 20 gwei x 65000 gas = 0.0013 ETH; at 0.0000001 ETH per coin that is 13000 coins.
    expect(gasCoins(20_000_000_000n, 65_000n, parseFraction('0.0000001'))).toBe(coins('13000'));
    // 1 wei of gas at 3 ETH per coin: a third of the smallest unit, charged as one.
    expect(gasCoins(1n, 1n, parseFraction('3'))).toBe(1n);
    expect(gasCoins(0n, 65_000n, parseFraction('3'))).toBe(0n);
    expect(() => gasCoins(1n, 1n, parseFraction('0'))).toThrow(RangeError);
  });

  it('charges a transaction fee of at least its value and a gas fee of at least its percent', () => {
    const q = quoteWithdrawal({ ...base, coins: coins('1'), price: parseFraction('0.3'), gasCoins: 7n, options: options('33.33', 1n) });
    expect(q.transactionFeeCoins).toBe(33333333333333334n); // AUD 0.01 at 0.3: 0.0333... coins, up
    expect(q.gasFeeCoins).toBe(3n); // 33.33% of 7 = 2.3331, up
  });

  it('refuses prices that cannot convert and negative amounts', () => {
    expect(() => quoteWithdrawal({ ...base, coins: 1n, price: { num: 0n, den: 1n }, gasCoins: 0n, options: NO_FEES })).toThrow(RangeError);
    expect(() => quoteWithdrawal({ ...base, coins: -1n, price: parseFraction('1'), gasCoins: 0n, options: NO_FEES })).toThrow(RangeError);
  });

  it('answers no fee for a type or country without configured fees, and the default table for Australia', () => {
    expect(feeOptionsFor(DEFAULT_FEE_TABLE, 'bank', '840')).toBe(NO_FEES);
    expect(feeOptionsFor(DEFAULT_FEE_TABLE, 'bank', '036')).toStrictEqual(options('59', 150n));
    expect(feeOptionsFor(DEFAULT_FEE_TABLE, 'coinbase', '036')).toStrictEqual(options('0', 0n, COIN));
    expect(feeOptionsFor({}, 'poloniex', '036')).toBe(NO_FEES);
  });

  it('validates an operator fee options document', () => {
    const ok = feeOptionsDocumentSchema.safeParse(parseJson('{"bank":{"036":{"gas_fee_precent":12.5,"transaction_fee":2}},"poloniex":{}}'));
    expect(ok.success && feeTableOf(ok.data)).toStrictEqual({ bank: { '036': options('12.5', 200n) }, poloniex: {} });
    const def = feeOptionsDocumentSchema.safeParse(JSON.parse(JSON.stringify(DEFAULT_FEE_OPTIONS_DOCUMENT)));
    expect(def.success && feeTableOf(def.data)).toStrictEqual(DEFAULT_FEE_TABLE);
    const refused = (doc: string) => {
      const r = feeOptionsDocumentSchema.safeParse(parseJson(doc));
      return r.success ? 'accepted' : r.error.issues.map((i) => i.message).join('; ');
    };
    expect(refused('{"bank":{"036":{"gas_fee_precent":101,"transaction_fee":1}}}')).toMatch(/gas_fee_precent must be a number from 0 to 100/);
    expect(refused('{"bank":{"036":{"gas_fee_precent":-1,"transaction_fee":1}}}')).toMatch(/gas_fee_precent/);
    expect(refused('{"bank":{"036":{"gas_fee_precent":1,"transaction_fee":1.005}}}')).toMatch(/transaction_fee must be/);
    expect(refused('{"bank":{"999":{"gas_fee_precent":1,"transaction_fee":1}}}')).toMatch(/country 999/);
    expect(refused('{"bank":{"au":{"gas_fee_precent":1,"transaction_fee":1}}}')).toMatch(/country au/);
    expect(refused('{"cash":{}}')).not.toBe('accepted');
    expect(refused('{"bank":{"036":{"gas_fee_precent":1,"transaction_fee":1,"min_transfer_coins_value":"1.5"}}}')).toMatch(/min_transfer_coins_value/);
    expect(refused('{"bank":{"036":{"gas_fee_precent":1,"transaction_fee":1,"extra":1}}}')).not.toBe('accepted');
    expect(() => feeTableOf({ bank: { '036': { gas_fee_precent: 200, transaction_fee: 0 } } })).toThrow(RangeError);
  });

  it('writes views that the response schemas accept', () => {
    const q = quoteWithdrawal({ ...base, coins: 1n, price: parseFraction('0.5'), gasCoins: coins('3'), options: options('50', 150n, COIN), negativeValues: true });
    // As a client reads them (JSON.parse), with a negative coin amount among them.
    expect(q.coinsWithoutFee < 0n).toBe(true);
    expect(withdrawalQuoteViewSchema.safeParse(JSON.parse(stringify(withdrawalFeeView(q, 'quote')))).error).toBeUndefined();
    expect(withdrawalFeeSummarySchema.safeParse(JSON.parse(stringify(withdrawalFeeView(q, 'transfer')))).error).toBeUndefined();
  });
});

describe('withdrawal fees: invariants', () => {
  const wei = fc.bigInt({ min: 0n, max: 10n ** 30n });
  const positivePrice = fc.record({ num: fc.bigInt({ min: 1n, max: 10n ** 12n }), den: fc.bigInt({ min: 1n, max: 10n ** 12n }) });
  const feeOptions = fc.record({
    gasFeePercent: fc.integer({ min: 0, max: 10000 }).map((h) => (h / 100).toString()),
    transactionFeeMinor: fc.bigInt({ min: 0n, max: 100_000n }),
    minTransferCoins: fc.option(fc.bigInt({ min: 0n, max: 10n ** 20n }), { nil: undefined }),
  }).map(({ minTransferCoins, ...rest }): FeeOptions => (minTransferCoins === undefined ? rest : { ...rest, minTransferCoins }));
  const quoteInput = fc.record({
    coins: wei,
    price: positivePrice,
    gasCoins: fc.bigInt({ min: 0n, max: 10n ** 24n }),
    options: feeOptions,
    payFeeWithCoins: fc.boolean(),
    negativeValues: fc.boolean(),
  }).map((r): WithdrawalQuoteInput => ({ ...r, currency: 'aud' }));

  it('fee and totals add up, whatever pay_fee_with_coins says', () => {
    fc.assert(
      fc.property(quoteInput, (input) => {
        const q = quoteWithdrawal(input);
        expect(q.feeCoins).toBe(q.gasFeeCoins + q.transactionFeeCoins);
        expect(q.coinsWithFee).toBe(input.coins + q.feeCoins);
        expect(q.coinsWithoutFee).toBe(input.negativeValues || input.coins >= q.feeCoins ? input.coins - q.feeCoins : 0n);
        expect(q.feeValueMinor).toBe(q.gasFeeValueMinor + q.transactionFeeValueMinor);
        if (input.negativeValues) expect(q.valueWithoutFeeMinor + q.feeValueMinor).toBe(q.valueWithFeeMinor);
        // The user always gives up exactly the fee between what leaves the balance and what arrives.
        expect(q.debitCoins - q.transferCoins).toBe(q.feeCoins);
        expect(q.debitCoins).toBe(input.payFeeWithCoins ? q.coinsWithFee : input.coins);
      }),
    );
  });

  it('never shows a negative amount unless negative_values', () => {
    fc.assert(
      fc.property(quoteInput, (input) => {
        const q = quoteWithdrawal({ ...input, negativeValues: false });
        const amounts = [q.coinsWithoutFee, q.valueWithoutFeeMinor, q.coinsWithFee, q.feeCoins, q.valueWithFeeMinor, q.feeValueMinor];
        expect(amounts.every((a) => a >= 0n)).toBe(true);
      }),
    );
  });

  it('rounds values down to the cent and fees up to the smallest unit, each once', () => {
    fc.assert(
      fc.property(quoteInput, ({ coins, price, gasCoins: gas, options: o }) => {
        const q = quoteWithdrawal({ ...base, coins, price, gasCoins: gas, options: o });
        // value_with_fee <= coins x price < value_with_fee + 1 cent (compared exactly, in cents x 10^18 x den)
        const exact = coins * price.num * 100n;
        const scale = price.den * COIN;
        expect(q.valueWithFeeMinor * scale <= exact && exact < (q.valueWithFeeMinor + 1n) * scale).toBe(true);
        // transaction_fee_coins is worth at least the fee, and one unit less is worth less
        expect(q.transactionFeeCoins * price.num * 100n >= o.transactionFeeMinor * scale).toBe(true);
        if (q.transactionFeeCoins > 0n) expect((q.transactionFeeCoins - 1n) * price.num * 100n < o.transactionFeeMinor * scale).toBe(true);
        // gas_fee_coins >= gas_coins x percent / 100 > gas_fee_coins - 1
        const pct = parseFraction(o.gasFeePercent);
        expect(q.gasFeeCoins * pct.den * 100n >= gas * pct.num && (q.gasFeeCoins - 1n) * pct.den * 100n < gas * pct.num).toBe(true);
      }),
    );
  });

  it('fees grow with the gas price, never shrink', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 0n, max: 10n ** 12n }),
        fc.bigInt({ min: 21_000n, max: 200_000n }),
        positivePrice,
        quoteInput,
        (a, b, gas, ethPerCoin, input) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const fee = (gasPrice: bigint) => quoteWithdrawal({ ...input, gasCoins: gasCoins(gasPrice, gas, ethPerCoin) });
          expect(fee(low).feeCoins <= fee(high).feeCoins).toBe(true);
          expect(fee(low).feeValueMinor <= fee(high).feeValueMinor).toBe(true);
          expect(fee(low).valueWithoutFeeMinor >= fee(high).valueWithoutFeeMinor).toBe(true);
        },
      ),
    );
  });

  it('covers the network cost: gas_coins at the coin price is worth at least the gas, and one unit less is not', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 12n }), fc.bigInt({ min: 1n, max: 200_000n }), positivePrice, (gasPrice, gas, ethPerCoin) => {
        const c = gasCoins(gasPrice, gas, ethPerCoin);
        const cost = gasPrice * gas * ethPerCoin.den;
        expect(c * ethPerCoin.num >= cost).toBe(true);
        if (c > 0n) expect((c - 1n) * ethPerCoin.num < cost).toBe(true);
      }),
    );
  });

  it('converts a value to the fewest coins worth it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 14n }), positivePrice, (minor, p) => {
        const c = coinsForValue(minor, p);
        expect(coinsValueMinor(c, p) >= minor).toBe(true);
        if (c > 0n) expect(coinsValueMinor(c - 1n, p) < minor).toBe(true);
      }),
    );
  });

  it('is below the minimum exactly when it would deliver less than min_transfer_coins_value or nothing', () => {
    fc.assert(
      fc.property(quoteInput, (input) => {
        const q = quoteWithdrawal(input);
        const delivered = input.payFeeWithCoins ? input.coins : input.coins - q.feeCoins;
        expect(q.belowMinimum).toBe(delivered <= 0n || delivered < (input.options.minTransferCoins ?? 0n));
      }),
    );
  });
});
