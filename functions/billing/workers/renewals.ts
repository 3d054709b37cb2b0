/** Scheduled hourly: renews participants whose paid period ended, and finishes plan payments a crash left in flight. */
import { runRenewals } from '../../../lib/billing/payments.js';
import { log } from '../../../lib/log/index.js';
import { defineWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'billingRenewals',
  description: "Charges each participant's next billing period when its paid period ends (once per period), and takes over plan payments left in flight",
  timeout: 300,
  uses: ['plans', 'billing'],
  schedule: 'rate(1 hour)',
});

export const handler = workerHandler(worker, async () => {
  const run = await runRenewals();
  log.info('billing renewals run', { ...run });
  return run;
});
