/**
 * The chain worker's exactly-once guarantee against a real anvil node. A separate treasury wallet and a
 * table without a stream keep these payouts away from the stack's own outbox and chain worker.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Erc20Chain, type ChainAdapter } from '../../lib/chain/erc20.js';
import { accountIds } from '../../lib/db/keys.js';
import { payoutsRepo, type Payout } from '../../lib/db/repositories/payouts.js';
import { transactWrite } from '../../lib/db/transact.js';
import { entryItems, getBalance } from '../../lib/ledger/index.js';
import { settleChainPayout } from '../../lib/payouts/settle.js';
import { isolateFromStackWorkers, onChainBalance, randomAddress, stack, uniq } from '../fixtures/stack.js';
import { TEST_TREASURY_KEY } from '../fixtures/global-stack.js';

let chain: Erc20Chain;

async function newPayout(amount: bigint, refundAccount?: string): Promise<Payout> {
  const now = new Date().toISOString();
  const destination = randomAddress();
  const p: Payout = {
    unit: uniq('unit'),
    network: 'main',
    kind: 'chain',
    status: 'PENDING',
    destination,
    amount,
    account: accountIds.customer('main', destination),
    source: 'test',
    ...(refundAccount ? { refundAccount } : {}),
    createdAt: now,
    updatedAt: now,
  };
  await transactWrite([
    payoutsRepo.putNewItem(p),
    ...entryItems({
      idempotencyKey: uniq('credit'),
      kind: 'test',
      postings: [
        { account: accountIds.external('main'), amount: -amount, allowNegative: true },
        { account: p.account, amount },
      ],
    }),
  ]);
  return p;
}

describe('settleChainPayout on anvil', () => {
  let restore: () => void;
  afterAll(() => restore());

  beforeAll(async () => {
    restore = await isolateFromStackWorkers();
    chain = new Erc20Chain(stack().rpcUrl, stack().tokenAddress, TEST_TREASURY_KEY);
  });

  it('sends, confirms, and moves the amount out of the customer ledger account', async () => {
    const p = await newPayout(123n);
    expect(await settleChainPayout(p.unit, chain)).toBe('CONFIRMED');
    expect(await onChainBalance(p.destination)).toBe(123n);
    expect(await getBalance(p.account)).toBe(0n);
    // Redelivery of a settled payout does nothing.
    const nonce = await chain.nonce('latest');
    expect(await settleChainPayout(p.unit, chain)).toBe('CONFIRMED');
    expect(await chain.nonce('latest')).toBe(nonce);
  });

  it('a worker killed after broadcasting, before recording the outcome, does not send twice on redelivery', async () => {
    const p = await newPayout(777n);
    const nonceBefore = await chain.nonce('latest');
    await expect(
      settleChainPayout(p.unit, chain, {
        afterBroadcast: () => {
          throw new Error('worker killed');
        },
      }),
    ).rejects.toThrow('worker killed');
    const inDoubt = await payoutsRepo.get(p.unit);
    expect(inDoubt?.status).toBe('SENDING');
    expect(inDoubt?.txHash).toMatch(/^0x[0-9a-f]{64}$/);

    expect(await settleChainPayout(p.unit, chain)).toBe('CONFIRMED');
    expect(await settleChainPayout(p.unit, chain)).toBe('CONFIRMED');
    expect(await onChainBalance(p.destination)).toBe(777n);
    expect(await chain.nonce('latest')).toBe(nonceBefore + 1);
    const settled = await payoutsRepo.get(p.unit);
    expect(settled?.txHash).toBe(inDoubt?.txHash);
    expect(settled?.attempts).toBe(1);
  });

  it('a send recorded but lost before reaching the node is re-broadcast byte for byte', async () => {
    const p = await newPayout(55n);
    let dropped = false;
    const flaky: ChainAdapter = Object.assign(Object.create(chain) as ChainAdapter, {
      broadcast: async (raw: string) => {
        if (!dropped) {
          dropped = true;
          throw new Error('connection reset');
        }
        return chain.broadcast(raw);
      },
    });
    await expect(settleChainPayout(p.unit, flaky)).rejects.toThrow('connection reset');
    const recorded = await payoutsRepo.get(p.unit);
    expect(await settleChainPayout(p.unit, chain)).toBe('CONFIRMED');
    expect((await payoutsRepo.get(p.unit))?.txHash).toBe(recorded?.txHash);
    expect(await onChainBalance(p.destination)).toBe(55n);
  });

  it('a reverted transfer of a user\'s coins fails and returns the amount to the refund account', async () => {
    const refundTo = accountIds.userCoins(`urn:authenticateit:user:${uniq('r')}`);
    const p = await newPayout(66n, refundTo);
    const reverting: ChainAdapter = Object.assign(Object.create(chain) as ChainAdapter, {
      waitForReceipt: async (hash: string) => ({ ok: false, blockNumber: 1, hash }),
    });
    expect(await settleChainPayout(p.unit, reverting)).toBe('FAILED');
    expect(await getBalance(p.account)).toBe(0n);
    expect(await getBalance(refundTo)).toBe(66n);
    expect(await settleChainPayout(p.unit, reverting)).toBe('FAILED'); // redelivery: nothing moves again
    expect(await getBalance(refundTo)).toBe(66n);
  });
});
