/** Scheduled every 5 minutes: re-queue payouts whose queue hand-off was lost or whose send is in doubt. */
import { coreConfig } from '../../../lib/config/index.js';
import { log } from '../../../lib/log/index.js';
import { sweepStalledPayouts } from '../../../lib/payouts/index.js';

coreConfig();

export const handler = async (): Promise<{ queued: number }> => {
  const queued = await sweepStalledPayouts();
  log.info('payout sweep run', { queued });
  return { queued };
};
