/**
 * The per-minute sweeper re-queues payouts whose hand-off to a worker was lost (PENDING for longer than the
 * grace period) and asks the chain worker to check each network's transactions in flight; SENDING payouts
 * are the chain engine's and are never sent again by it. Runs on its own table and queues so the stack's
 * workers do not race it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { payoutsRepo, type Payout, type PayoutStatus } from '../../lib/payouts/repository.js';
import { transactWrite } from '../../lib/db/transact.js';
import { sweepStalledPayouts } from '../../lib/payouts/index.js';
import { drainQueue, isolateFromStackWorkers, randomAddress, uniq } from '../fixtures/stack.js';

const now = new Date('2026-06-01T12:00:00.000Z');
const minutesAgo = (m: number) => new Date(now.getTime() - m * 60_000).toISOString();

async function payout(kind: Payout['kind'], status: PayoutStatus, createdAt: string, claimExpiresAt?: string): Promise<string> {
  const destination = kind === 'chain' ? randomAddress() : `${uniq('c')}@example.com`;
  const p: Payout = {
    unit: uniq('unit'),
    network: 'main',
    kind,
    status,
    destination,
    amount: 5n,
    account: kind === 'chain' ? accountIds.customer('main', destination) : accountIds.textcoin('main', uniq('t')),
    source: 'test',
    createdAt,
    updatedAt: createdAt,
    ...(claimExpiresAt ? { claimExpiresAt } : {}),
  };
  await transactWrite([payoutsRepo.putNewItem(p)]);
  return p.unit;
}

describe('sweepStalledPayouts', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers({ queues: ['CHAIN_TRANSFERS_QUEUE', 'MAIL_QUEUE'] });
  });
  afterAll(() => restore());

  it('re-queues stalled chain and textcoin payouts, and leaves fresh, in-flight, settled and expired ones alone', async () => {
    const stalledChain = await payout('chain', 'PENDING', minutesAgo(10));
    await payout('chain', 'SENDING', minutesAgo(3)); // in flight: the resolver's, by its recorded transaction
    const stalledTextcoin = await payout('textcoin', 'PENDING', minutesAgo(30), new Date(now.getTime() + 86_400_000).toISOString());
    await payout('chain', 'PENDING', minutesAgo(1)); // still within the outbox's grace period
    await payout('chain', 'CONFIRMED', minutesAgo(60));
    await payout('textcoin', 'PENDING', minutesAgo(60), minutesAgo(5)); // expired: the reclaim job's, not ours

    expect(await sweepStalledPayouts(2 * 60_000, now)).toBe(2);

    const chainMessages = await drainQueue(process.env.CHAIN_TRANSFERS_QUEUE!);
    const mailMessages = await drainQueue(process.env.MAIL_QUEUE!);
    expect(chainMessages).toEqual(
      expect.arrayContaining([
        { type: 'chain-transfer', unit: stalledChain },
        { type: 'chain-confirm', network: 'main' },
        { type: 'chain-confirm', network: 'test' },
      ]),
    );
    expect(chainMessages).toHaveLength(3);
    expect(mailMessages).toEqual([{ type: 'textcoin-mail', unit: stalledTextcoin }]);
  });
});
