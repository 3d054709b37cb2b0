/** Scheduled every minute: re-queue payouts whose hand-off was lost; ask the chain worker to check what is in flight. */
import { log } from '../../../lib/log/index.js';
import { sweepStalledPayouts } from '../../../lib/payouts/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'sweepPayouts',
  description: "Re-queues payouts whose hand-off was lost and asks the chain worker to check what is in flight",
  timeout: 120,
  uses: ['queue:chainTransfers', 'queue:mail'],
  schedule: 'rate(1 minute)',
});

export const handler = workerHandler(worker, async (): Promise<{ queued: number }> => {
  const queued = await sweepStalledPayouts();
  log.info('payout sweep run', { queued });
  return { queued };
});
