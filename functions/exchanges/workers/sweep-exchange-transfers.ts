/** Scheduled: re-queues exchange transfers left in flight (a lost or dead-lettered message); the worker sends each once. */
import { sweepExchangeTransfers } from '../../../lib/exchanges/transfers.js';
import { log } from '../../../lib/log/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'sweepExchangeTransfers',
  description: 'Re-queues Coinbase and Poloniex transfers still approved, sending or sent 15 minutes after their request',
  timeout: 60,
  uses: ['queue:exchangeTransfers'],
  schedule: 'rate(5 minutes)',
});

export const handler = workerHandler(worker, async (): Promise<{ queued: number }> => {
  const queued = await sweepExchangeTransfers();
  log.info('exchange transfer sweep run', { queued });
  return { queued };
});
