/** Scheduled every minute: credit ERC-20 transfers to users' deposit addresses (see lib/coins/deposits.ts). */
import { coinsConfig, coreConfig, depositConfig } from '../../../lib/config/index.js';
import { scanDeposits } from '../../../lib/coins/deposits.js';

coreConfig();
coinsConfig();
depositConfig();

export const handler = async () => scanDeposits();
