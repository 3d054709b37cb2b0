/** The operator's withdrawal fee inputs: the stored fee options document (or the default), gas_coins from the chain, their caches. */
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import * as keys from '../../lib/db/keys.js';
import { DomainError } from '../../lib/errors.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { toApiError } from '../../lib/http/handler.js';
import { parseFraction } from '../../lib/ledger/money.js';
import { clearRatesCache } from '../../lib/rates/index.js';
import { clearFeeSettingsCaches, describeFeeOptions, parseFeeOptionsDocument, setFeeOptionsDocument, setGasPriceSource, withdrawalFeeInputs } from '../../lib/withdrawals/fee-settings.js';
import { DEFAULT_FEE_OPTIONS_DOCUMENT, gasCoins, NO_FEES } from '../../lib/withdrawals/fees.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const ENV = ['WITHDRAWAL_FEES_CACHE_SECONDS', 'WITHDRAWAL_GAS_PRICE_CACHE_SECONDS', 'WITHDRAWAL_GAS_COINS', 'WITHDRAWAL_GAS_PER_TRANSFER', 'PRICE_CACHE_SECONDS'];

/** What DynamoDB holds: the coin prices and the stored fee document (absent when undefined). */
function stored(prices: Record<string, string>, document?: unknown): void {
  ddbMock.on(GetCommand, { Key: keys.rates() }).resolves({ Item: { ...keys.rates(), type: 'Rates', rates: prices, pricedAt: Object.fromEntries(Object.keys(prices).map((c) => [c, '2026-01-01T00:00:00.000Z'])), updatedAt: '2026-01-01T00:00:00.000Z' } });
  ddbMock
    .on(GetCommand, { Key: keys.withdrawalFeeOptions() })
    .resolves(document === undefined ? {} : { Item: { ...keys.withdrawalFeeOptions(), type: 'WithdrawalFeeOptions', document: JSON.stringify(document), updatedAt: '2026-01-02T00:00:00.000Z', updatedBy: 'test' } });
  ddbMock.on(UpdateCommand).resolves({});
}
const feeReads = () => ddbMock.commandCalls(GetCommand).filter((c) => c.args[0].input.Key?.PK === keys.withdrawalFeeOptions().PK).length;

/** A gas price source answering `prices` in turn (the last one again), counting its calls. */
function fakeGasPrices(...prices: (bigint | Error)[]) {
  const source = {
    calls: 0,
    async gasPrice() {
      const next = prices[Math.min(source.calls++, prices.length - 1)]!;
      if (next instanceof Error) throw next;
      return next;
    },
  };
  setGasPriceSource(source);
  return source;
}

const STORED = { bank: { '036': { gas_fee_precent: '12.5', transaction_fee: '2' } }, coinbase: { '702': { gas_fee_precent: 0, transaction_fee: 0.5, min_transfer_coins_value: '5' } } };

beforeEach(() => {
  ddbMock.reset();
  process.env.PRICE_CACHE_SECONDS = '0';
  resetConfig();
  clearRatesCache();
  setGasPriceSource(undefined);
});

afterAll(() => ddbMock.restore());

afterEach(() => {
  for (const name of ENV) delete process.env[name];
  resetConfig();
  setGasPriceSource(undefined);
});

describe('fee options', () => {
  it('are the default document while none is stored, and `withdrawal fees get` says so', async () => {
    stored({});
    expect((await withdrawalFeeInputs('bank', '036')).options).toEqual({ gasFeePercent: '59', transactionFeeMinor: 150n });
    expect((await withdrawalFeeInputs('coinbase', '036')).options).toEqual({ gasFeePercent: '0', transactionFeeMinor: 0n, minTransferCoins: 10n ** 18n });
    const described = await describeFeeOptions();
    expect(described).toMatchObject({ source: 'default', document: DEFAULT_FEE_OPTIONS_DOCUMENT });
    expect(described.note).toContain('default');
  });

  it('are the stored document once one is stored; a type or country it leaves out charges nothing', async () => {
    stored({}, STORED);
    expect((await withdrawalFeeInputs('bank', '036')).options).toEqual({ gasFeePercent: '12.5', transactionFeeMinor: 200n });
    expect((await withdrawalFeeInputs('coinbase', '702')).options).toEqual({ gasFeePercent: '0', transactionFeeMinor: 50n, minTransferCoins: 5n });
    // The default document charges coinbase in 036; the stored one does not name it.
    expect((await withdrawalFeeInputs('coinbase', '036')).options).toEqual(NO_FEES);
    expect(await describeFeeOptions()).toMatchObject({ source: 'stored', updatedBy: 'test', document: { bank: { '036': { gas_fee_precent: '12.5', transaction_fee: '2' } } } });
  });

  it('are read once per WITHDRAWAL_FEES_CACHE_SECONDS, and again at once after this function stores a new document', async () => {
    stored({}, STORED);
    await withdrawalFeeInputs('bank', '036');
    await withdrawalFeeInputs('ethereum', '036');
    expect(feeReads()).toBe(1);
    await setFeeOptionsDocument({ bank: { '036': { gas_fee_precent: 1, transaction_fee: 1 } } }, 'test');
    await withdrawalFeeInputs('bank', '036');
    expect(feeReads()).toBe(2);

    process.env.WITHDRAWAL_FEES_CACHE_SECONDS = '0';
    resetConfig();
    clearFeeSettingsCaches();
    await withdrawalFeeInputs('bank', '036');
    await withdrawalFeeInputs('bank', '036');
    expect(feeReads()).toBe(4);
  });

  it('refuses a bad document with its reason, and stores nothing', async () => {
    stored({});
    await expect(setFeeOptionsDocument({ bank: { '999': { gas_fee_precent: 10, transaction_fee: 1 } } }, 'test')).rejects.toThrow('invalid fee options document: bank.999: country 999 is not a numeric country code');
    await expect(setFeeOptionsDocument({ bank: { '036': { gas_fee_precent: 101, transaction_fee: 1 } } }, 'test')).rejects.toThrow('gas_fee_precent must be a number from 0 to 100');
    await expect(setFeeOptionsDocument({ wire: {} }, 'test')).rejects.toThrow('invalid fee options document');
    expect(ddbMock.commandCalls(UpdateCommand)).toHaveLength(0);
    expect(parseFeeOptionsDocument({ bank: { '036': { gas_fee_precent: 5, transaction_fee: 1.5 } } })).toEqual({ bank: { '036': { gas_fee_precent: '5', transaction_fee: '1.5' } } });
  });
});

describe('gas_coins', () => {
  it('is WITHDRAWAL_GAS_COINS while no eth price is set, without reading the chain', async () => {
    stored({ AUD: '1.5' });
    process.env.WITHDRAWAL_GAS_COINS = '123';
    resetConfig();
    const chain = fakeGasPrices(1_000_000_000n);
    expect((await withdrawalFeeInputs('bank', '036')).gasCoins).toBe(123n);
    expect(chain.calls).toBe(0);
  });

  it("is the chain's gas price x WITHDRAWAL_GAS_PER_TRANSFER in coins at the eth price, rounded up", async () => {
    stored({ AUD: '1.5', ETH: '0.000012' });
    fakeGasPrices(1_679_231_394n);
    const expected = gasCoins(1_679_231_394n, 51_731n, parseFraction('0.000012'));
    expect(expected).toBe(7_239_026_603_584_500_000n); // 1679231394 x 51731 / 0.000012, rounded up
    expect((await withdrawalFeeInputs('bank', '036')).gasCoins).toBe(expected);

    process.env.WITHDRAWAL_GAS_PER_TRANSFER = '21000';
    resetConfig();
    expect((await withdrawalFeeInputs('bank', '036')).gasCoins).toBe(gasCoins(1_679_231_394n, 21_000n, parseFraction('0.000012')));
  });

  it('follows the eth price, and reuses the gas price for WITHDRAWAL_GAS_PRICE_CACHE_SECONDS', async () => {
    stored({ ETH: '0.000012' });
    const chain = fakeGasPrices(2_000_000_000n, 4_000_000_000n);
    expect((await withdrawalFeeInputs('ethereum', '036')).gasCoins).toBe(gasCoins(2_000_000_000n, 51_731n, parseFraction('0.000012')));
    stored({ ETH: '0.000024' });
    expect((await withdrawalFeeInputs('ethereum', '036')).gasCoins).toBe(gasCoins(2_000_000_000n, 51_731n, parseFraction('0.000024')));
    expect(chain.calls).toBe(1);

    process.env.WITHDRAWAL_GAS_PRICE_CACHE_SECONDS = '0';
    resetConfig();
    setGasPriceSource(chain);
    expect((await withdrawalFeeInputs('ethereum', '036')).gasCoins).toBe(gasCoins(4_000_000_000n, 51_731n, parseFraction('0.000024')));
    expect(chain.calls).toBe(2);
  });

  it('is chain_unavailable when the chain cannot be read (never a made-up gas price)', async () => {
    stored({ ETH: '0.000012' });
    fakeGasPrices(new Error('connect ECONNREFUSED 127.0.0.1:8545'));
    const failure = await withdrawalFeeInputs('bank', '036').catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).code).toBe('chain_unavailable');
    expect(toApiError(paymentsFamily, failure)).toMatchObject({ status: 503, code: 'chain_unavailable' });
  });
});
