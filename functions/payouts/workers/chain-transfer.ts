/** chain-transfers queue: settle each chain payout exactly once (see lib/payouts/settle.ts). */
import { chainConfig, coreConfig } from '../../../lib/config/index.js';
import { chainTransferMessage } from '../../../lib/queue/messages.js';
import { sqsWorker } from '../../../lib/queue/worker.js';
import { settleChainPayout } from '../../../lib/payouts/settle.js';

coreConfig();
chainConfig();

export const handler = sqsWorker('chain-transfer', chainTransferMessage, async (msg) => {
  await settleChainPayout(msg.unit);
});
