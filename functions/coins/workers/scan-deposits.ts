/** Scheduled every minute: credit ERC-20 transfers to users' deposit addresses (see lib/coins/deposits.ts). */
import { scanDeposits } from '../../../lib/coins/deposits.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'scanDeposits',
  description: "Credits ERC-20 deposits to users' deposit addresses",
  timeout: 50,
  uses: ['coins', 'deposit', 'withdrawals'],
  schedule: 'rate(1 minute)',
});

export const handler = workerHandler(worker, async () => scanDeposits());
