/** Scheduled: ends retail sessions the user paid in that expired unconfirmed, returning the coins. */
import { log } from '../../../lib/log/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';
import { sweepRetailSessions } from '../../../lib/retail/sessions.js';

export const worker = defineWorker({
  name: 'sweepRetailSessions',
  description: 'Terminates paid retail sessions past their timeout (never confirmed by the terminal) and returns the coins',
  timeout: 60,
  uses: ['retail', 'withdrawals'],
  schedule: 'rate(5 minutes)',
});

export const handler = workerHandler(worker, async (): Promise<{ ended: number }> => {
  const ended = await sweepRetailSessions();
  log.info('retail session sweep run', { ended });
  return { ended };
});
