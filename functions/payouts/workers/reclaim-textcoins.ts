/** Scheduled hourly: unclaimed textcoins past their expiry return to the distribution fund. */
import { log } from '../../../lib/log/index.js';
import { reclaimExpiredTextcoins } from '../../../lib/payouts/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'reclaimTextcoins',
  description: "Returns expired, unclaimed textcoins to the distribution fund",
  timeout: 300,
  uses: ['cashback'],
  schedule: 'rate(1 hour)',
});

export const handler = workerHandler(worker, async (): Promise<{ reclaimed: number }> => {
  const reclaimed = await reclaimExpiredTextcoins();
  log.info('textcoin reclaim run', { reclaimed });
  return { reclaimed };
});
