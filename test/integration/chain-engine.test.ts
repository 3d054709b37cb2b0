/**
 * The chain engine against a private anvil (scripts/chain-lab.ts): crashes at every step, duplicate and
 * concurrent workers, nonces taken by others, dropped and underpriced transactions, batches and their legs,
 * and the testnet's separation. Every payout must be paid exactly once and none left in flight.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Wallet, ZeroAddress } from 'ethers';
import { accountIds } from '../../lib/db/keys.js';
import { chainRepo } from '../../lib/chain/repository.js';
import { payoutsRepo } from '../../lib/payouts/repository.js';
import { getBalance } from '../../lib/ledger/index.js';
import { transactWrite } from '../../lib/db/transact.js';
import { withdrawalItem } from '../../lib/withdrawals/earnings.js';
import { withdrawalMonthsRepo } from '../../lib/withdrawals/repository.js';
import { chainStatus, resolveNetwork, sendPayouts } from '../../lib/payouts/settle.js';
import { LAB_MAIN_KEY, LAB_TEST_KEY, runCrashMatrix, startChainLab, type ChainLab } from '../../scripts/chain-lab.js';

let lab: ChainLab;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mainWallet = new Wallet(LAB_MAIN_KEY).address;
const testWallet = new Wallet(LAB_TEST_KEY).address;

beforeAll(async () => {
  lab = await startChainLab();
});
afterAll(async () => {
  await lab?.stop();
});

describe('chain engine', () => {
  it('pays every payout exactly once whatever happens to the worker (crash matrix)', async () => {
    const rows = await runCrashMatrix(lab);
    expect(rows.length).toBeGreaterThanOrEqual(12);
    for (const row of rows) expect(row, row.scenario).toMatchObject({ paidOnce: row.payouts, paidTwice: 0, unpaid: 0, stuck: 0 });
    // The resolver's paths were really taken: a replacement, a fill, a displaced nonce and a reverted batch are on record.
    const wallet = (await chainRepo.getWallet('main', mainWallet))!;
    const txs = await chainRepo.listTxs('main', mainWallet, 0, wallet.next);
    const statuses = new Set(txs.map((t) => t.status));
    expect([...statuses].sort()).toEqual(['CONFIRMED', 'DISPLACED', 'FILLED', 'REVERTED']);
    expect(txs.some((t) => t.status === 'CONFIRMED' && t.candidates.length === 2 && t.minedHash === t.candidates[1]!.hash)).toBe(true);
    expect(txs.filter((t) => t.status === 'INFLIGHT')).toEqual([]);
  });

  it('sends without waiting for blocks: nonces are pipelined and settle once mined', async () => {
    await lab.rpc('evm_setAutomine', [false]);
    const payouts = await lab.payouts(3);
    try {
      // Three sends in a row, nothing mined in between: each took the next nonce and returned at once.
      for (const p of payouts) await sendPayouts([p.unit]);
      const states = await payoutsRepo.getMany(payouts.map((p) => p.unit));
      const nonces = states.map((p) => p.nonce!).sort((a, b) => a - b);
      expect(states.every((p) => p.status === 'SENDING')).toBe(true);
      expect(nonces[1]! - nonces[0]!).toBe(1);
      expect(nonces[2]! - nonces[1]!).toBe(1);
      expect((await resolveNetwork('main')).inFlight).toEqual(nonces);
      expect(await chainStatus('main')).toMatchObject({ wallet: mainWallet, inFlight: 3, oldest: { nonce: nonces[0], payouts: 1 } });
    } finally {
      await lab.rpc('evm_setAutomine', [true]);
      await lab.rpc('evm_mine', []);
    }
    await lab.drive(payouts.map((p) => p.unit));
    expect(await lab.outcome(payouts)).toMatchObject({ paidOnce: 3, stuck: 0, ledgerLeft: 0n });
    expect(await chainStatus('main')).toMatchObject({ inFlight: 0 });
  });

  it('batches ready payouts into one disbursement per CHAIN_BATCH_MAX, two workers on one queue', async () => {
    const before = (await chainRepo.getWallet('main', mainWallet))!.next;
    const payouts = await lab.payouts(120);
    await lab.drive(payouts.map((p) => p.unit), { workers: 2 });
    expect(await lab.outcome(payouts)).toMatchObject({ paidOnce: 120, paidTwice: 0, stuck: 0, ledgerLeft: 0n });
    const txs = await chainRepo.listTxs('main', mainWallet, before, (await chainRepo.getWallet('main', mainWallet))!.next);
    // 120 payouts at 50 per transaction: a handful of transactions, not 120.
    expect(txs.length).toBeLessThanOrEqual(6);
    expect(txs.reduce((n, t) => n + t.legs.length, 0)).toBe(120);
    const batch = txs.find((t) => t.legs.length >= 20)!;
    const single = (await chainRepo.listTxs('main', mainWallet, 0, before)).find((t) => t.purpose === 'transfer' && t.status === 'CONFIRMED')!;
    // Gas per payout falls with batching.
    expect(BigInt(batch.gasUsed!) / BigInt(batch.legs.length)).toBeLessThan(BigInt(single.gasUsed!));
    expect(await chainStatus('main')).toMatchObject({ inFlight: 0 });
  });

  it('stops bumping a pending transaction at CHAIN_MAX_FEE_GWEI and replaces it once the cap allows', async () => {
    const [p] = await lab.payouts(1);
    await lab.rpc('evm_setAutomine', [false]);
    try {
      await sendPayouts([p!.unit]);
      const nonce = (await payoutsRepo.get(p!.unit))!.nonce!;
      const sent = (await chainRepo.getTx('main', mainWallet, nonce))!;
      const feeGwei = Number(BigInt(sent.candidates[0]!.maxFeePerGas) / 1_000_000_000n) + 1; // just above the fee paid
      lab.configure({ CHAIN_REPLACE_AFTER_SECONDS: '0', CHAIN_FEE_BUMP_PERCENT: '100', CHAIN_MAX_FEE_GWEI: String(feeGwei) });
      await sleep(1100);
      await resolveNetwork('main'); // doubling the fee would pass the cap: it waits
      expect((await chainRepo.getTx('main', mainWallet, nonce))!.candidates).toHaveLength(1);
      lab.configure({ CHAIN_MAX_FEE_GWEI: '500' });
      await resolveNetwork('main');
      const replaced = (await chainRepo.getTx('main', mainWallet, nonce))!;
      expect(replaced.candidates).toHaveLength(2);
      expect(BigInt(replaced.candidates[1]!.maxFeePerGas)).toBe(BigInt(sent.candidates[0]!.maxFeePerGas) * 2n);
    } finally {
      lab.configure({ CHAIN_REPLACE_AFTER_SECONDS: '180', CHAIN_FEE_BUMP_PERCENT: '25', CHAIN_MAX_FEE_GWEI: '500' });
      await lab.rpc('evm_setAutomine', [true]);
      await lab.rpc('evm_mine', []);
    }
    await lab.drive([p!.unit]);
    expect(await lab.outcome([p!])).toMatchObject({ paidOnce: 1, stuck: 0 });
  });

  it('a leg the token refuses fails alone; the others in its batch are paid', async () => {
    const user = `urn:authenticateit:user:lab-${Date.now()}`;
    const refundTo = accountIds.userCoins(user);
    // A user's withdrawal: counted in the month when requested, taken out again when its coins come back.
    const at = new Date().toISOString();
    const payouts = await lab.payouts(4, { destination: (i) => (i === 2 ? ZeroAddress : Wallet.createRandom().address), refundAccount: refundTo, withdrawal: { of: user, at } });
    await transactWrite([withdrawalItem(user, payouts.reduce((s, p) => s + p.amount, 0n), new Date(at))]);
    await lab.drive(payouts.map((p) => p.unit));
    const states = new Map((await payoutsRepo.getMany(payouts.map((p) => p.unit))).map((p) => [p.unit, p]));
    expect(payouts.map((p) => states.get(p.unit)!.status)).toEqual(['CONFIRMED', 'CONFIRMED', 'FAILED', 'CONFIRMED']);
    expect(await getBalance(refundTo)).toBe(payouts[2]!.amount); // the refused coins went back
    expect((await withdrawalMonthsRepo.list(user)).map((m) => m.transferCoins)).toEqual([payouts[0]!.amount + payouts[1]!.amount + payouts[3]!.amount]);
    for (const i of [0, 1, 3]) expect(await lab.balanceOf(payouts[i]!.destination)).toBe(payouts[i]!.amount);
  });

  it('the testnet pays with its own token from its own treasury, never the main network\'s', async () => {
    const mainNext = (await chainRepo.getWallet('main', mainWallet))!.next;
    const payouts = await lab.payouts(5, { network: 'test' });
    await lab.drive(payouts.map((p) => p.unit));
    expect(await lab.outcome(payouts, 'test')).toMatchObject({ paidOnce: 5, stuck: 0, ledgerLeft: 0n });
    for (const p of payouts) expect(await lab.balanceOf(p.destination, 'main')).toBe(0n);
    expect((await chainRepo.getWallet('main', mainWallet))!.next).toBe(mainNext);
    expect((await chainRepo.getWallet('test', testWallet))!.next).toBeGreaterThan(0);
    expect(await getBalance(accountIds.chainOut('test'))).toBe(payouts.reduce((s, p) => s + p.amount, 0n));
  });
});
