/**
 * chain-transfers queue: payouts ready to send go out together (batched, pipelined nonces); confirmation
 * checks settle what is in flight. See lib/payouts/settle.ts.
 */
import { log } from '../../../lib/log/index.js';
import { chainMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsBatchWorker, workerHandler } from '../../../lib/queue/worker.js';
import { confirmNetwork, sendPayouts } from '../../../lib/payouts/settle.js';

export const worker = defineWorker({
  name: 'chainTransferWorker',
  description: "Sends chain payouts in batches and settles what is in flight (chain-transfers queue; event source mapping in resources/event-sources.yml)",
  timeout: 30,
  uses: ['chain', 'withdrawals', 'consume:chainTransfers', 'queue:chainTransfers'],
});

export const handler = workerHandler(worker, sqsBatchWorker('chain-transfer', chainMessage, async (records) => {
  const failed: string[] = [];
  const sends = records.flatMap((r) => (r.msg.type === 'chain-transfer' ? [{ messageId: r.messageId, unit: r.msg.unit }] : []));
  if (sends.length) {
    try {
      await sendPayouts(sends.map((r) => r.unit));
    } catch (err) {
      // Nothing was recorded for the payouts still PENDING: their messages come back and are sent then.
      log.error('chain-transfer: sending failed', { payouts: sends.length, error: err });
      failed.push(...sends.map((r) => r.messageId));
    }
  }
  for (const network of ['main', 'test'] as const) {
    const checks = records.filter((r) => r.msg.type === 'chain-confirm' && r.msg.network === network);
    if (!checks.length) continue;
    try {
      // One pass per network, however many checks the batch holds.
      await confirmNetwork(network, checks.flatMap((r) => (r.msg.type === 'chain-confirm' && r.msg.nonce !== undefined ? [r.msg.nonce] : [])));
    } catch (err) {
      log.error('chain-confirm: check failed', { network, error: err });
      failed.push(...checks.map((r) => r.messageId));
    }
  }
  return failed;
}));
