/** Scheduled every minute: starts the automatic coin top-ups that are due and advances every open chain (see lib/topups/index.ts). */
import { log } from '../../../lib/log/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';
import { runTopUpJob } from '../../../lib/topups/chain.js';

export const worker = defineWorker({
  name: 'topUps',
  description: 'Starts due automatic coin top-ups and advances open top-up chains (charge, chain payout, refund)',
  timeout: 120,
  uses: ['topups', 'plans', 'billing', 'deposit'],
  schedule: 'rate(1 minute)',
});

export const handler = workerHandler(worker, async () => {
  const summary = await runTopUpJob();
  if (summary.started || summary.advanced || summary.errors) log.info('top-up job run', { ...summary });
  return summary;
});
