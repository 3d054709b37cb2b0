/** Scheduled hourly: unclaimed textcoins past their expiry return to the distribution fund. */
import { cashbackConfig, coreConfig } from '../../../lib/config/index.js';
import { log } from '../../../lib/log/index.js';
import { reclaimExpiredTextcoins } from '../../../lib/payouts/index.js';

coreConfig();
cashbackConfig();

export const handler = async (): Promise<{ reclaimed: number }> => {
  const reclaimed = await reclaimExpiredTextcoins();
  log.info('textcoin reclaim run', { reclaimed });
  return { reclaimed };
};
