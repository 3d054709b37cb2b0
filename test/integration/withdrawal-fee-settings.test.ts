/**
 * The operator's withdrawal fee inputs against the stack: a fee options document stored with the admin CLI is
 * what quotes charge (a bad one is refused and nothing is stored), and gas_coins is priced from anvil's gas
 * price and the coin's eth price (WITHDRAWAL_GAS_COINS while there is none).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JsonRpcProvider } from 'ethers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFraction } from '../../lib/ledger/money.js';
import { removeRates, setRates } from '../../lib/rates/index.js';
import { setFeeOptionsDocument } from '../../lib/withdrawals/fee-settings.js';
import { DEFAULT_FEE_OPTIONS_DOCUMENT, gasCoins } from '../../lib/withdrawals/fees.js';
import { call, newUser, ticket } from '../fixtures/payments.js';
import { stack } from '../fixtures/stack.js';
import { admin, adminRefusal } from '../fixtures/admin.js';

const COIN = 10n ** 18n;
/** WITHDRAWAL_GAS_PER_TRANSFER's default (the test stack leaves it unset). */
const GAS_PER_TRANSFER = 51_731n;

const docFile = (doc: unknown) => {
  const file = join(mkdtempSync(join(tmpdir(), 'fees-')), 'fees.json');
  writeFileSync(file, JSON.stringify(doc));
  return file;
};

const bankQuote = async (t: string) => (await call('GET', `/cashout/convert_coins?coins=${1000n * COIN}&country=036`, t)).body;
const withdrawalQuote = async (t: string) => (await call('POST', '/payments-service/withdrawal/convert_coins', t, { coins: (1000n * COIN).toString() })).body;

beforeAll(async () => {
  // 0.012 AUD per coin: AUD 3 is exactly 250 coins, AUD 0.60 exactly 50.
  await setRates({ aud: '0.012' });
});

afterAll(async () => {
  // The files after this one quote with WITHDRAWAL_GAS_COINS and the default fee options.
  await removeRates(['ETH']);
  await setFeeOptionsDocument(DEFAULT_FEE_OPTIONS_DOCUMENT, 'withdrawal-fee-settings test: back to the default');
});

describe('withdrawal fee options stored with the admin CLI', () => {
  it('replace the default in bank and withdrawal quotes; a bad document is refused with its reason and not stored', async () => {
    const me = await ticket(newUser());
    expect(await admin('withdrawal', 'fees', 'get')).toMatchObject({ source: 'default', document: { bank: { '036': { gas_fee_precent: 59, transaction_fee: 1.5 } } } });
    expect(await bankQuote(me)).toMatchObject({ gas_fee_precent: 59, transaction_fee: 1.5 });

    const bad = await adminRefusal('withdrawal', 'fees', 'set', '--file', docFile({ bank: { '036': { gas_fee_precent: 150, transaction_fee: 1 } } }));
    expect(bad).toBe('invalid fee options document: bank.036: gas_fee_precent must be a number from 0 to 100 with at most 2 decimals');
    expect((await admin('withdrawal', 'fees', 'get')).source).toBe('default');

    const doc = {
      bank: { '036': { gas_fee_precent: 20, transaction_fee: 3 } },
      ethereum: { '036': { gas_fee_precent: 50, transaction_fee: 0.6, min_transfer_coins_value: '2000000000000000000' } },
    };
    expect(await admin('withdrawal', 'fees', 'set', '--file', docFile(doc), '--by', 'ops@example.com')).toMatchObject({ source: 'stored', updatedBy: 'ops@example.com' });
    expect(await admin('withdrawal', 'fees', 'get')).toMatchObject({ source: 'stored', document: { bank: { '036': { gas_fee_precent: '20', transaction_fee: '3' } } } });

    // gas_coins is WITHDRAWAL_GAS_COINS (10 coins): no eth price is set.
    expect(await bankQuote(me)).toMatchObject({
      gas_coins: (10n * COIN).toString(),
      gas_fee_precent: 20,
      gas_fee_coins: (2n * COIN).toString(),
      transaction_fee: 3,
      transaction_fee_coins: (250n * COIN).toString(),
      fee_coins: (252n * COIN).toString(),
    });
    const quote = await withdrawalQuote(me);
    expect(quote).toMatchObject({ gas_fee_precent: 50, gas_fee_coins: (5n * COIN).toString(), transaction_fee: 0.6, transaction_fee_coins: (50n * COIN).toString(), min_transfer_coins_value: '2000000000000000000' });
  });
});

describe('gas_coins', () => {
  it("is the chain's gas price x the gas of one transfer in coins at the eth price, and follows the eth price", async () => {
    const me = await ticket(newUser());
    const provider = new JsonRpcProvider(stack().rpcUrl, undefined, { staticNetwork: true });
    try {
      const gasPrice = BigInt(await provider.send('eth_gasPrice', []));
      expect(gasPrice).toBeGreaterThan(0n);

      await setRates({ eth: '0.000012' });
      const atFirst = gasCoins(gasPrice, GAS_PER_TRANSFER, parseFraction('0.000012'));
      expect(atFirst).not.toBe(10n * COIN);
      expect((await bankQuote(me)).gas_coins).toBe(atFirst.toString());
      expect((await withdrawalQuote(me)).gas_coins).toBe(atFirst.toString());

      await setRates({ eth: '0.000024' });
      const atDouble = gasCoins(gasPrice, GAS_PER_TRANSFER, parseFraction('0.000024'));
      const quote = await bankQuote(me);
      expect(quote.gas_coins).toBe(atDouble.toString());
      // 20% of it (the stored document's bank fee), rounded up.
      expect(quote.gas_fee_coins).toBe(((atDouble * 20n + 99n) / 100n).toString());
      // Nothing was mined meanwhile: the quotes were priced with the gas price read above.
      expect(BigInt(await provider.send('eth_gasPrice', []))).toBe(gasPrice);

      // The operator removes the eth price: gas_coins is WITHDRAWAL_GAS_COINS again.
      expect((await admin('coin', 'price', 'remove', 'ETH')).prices.ETH).toBeUndefined();
      expect((await bankQuote(me)).gas_coins).toBe((10n * COIN).toString());
    } finally {
      provider.destroy();
    }
  });
});
