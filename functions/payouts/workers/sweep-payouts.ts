/** Scheduled every minute: re-queue payouts whose hand-off was lost; ask the chain worker to check what is in flight. */
import { coreConfig } from '../../../lib/config/index.js';
import { log } from '../../../lib/log/index.js';
import { sweepStalledPayouts } from '../../../lib/payouts/index.js';

coreConfig();

export const handler = async (): Promise<{ queued: number }> => {
  const queued = await sweepStalledPayouts();
  log.info('payout sweep run', { queued });
  return { queued };
};
