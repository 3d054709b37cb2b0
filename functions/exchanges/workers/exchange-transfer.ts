/** exchange-transfers queue: send each approved Coinbase or Poloniex transfer once, follow it, record its outcome once (see lib/exchanges/transfers.ts). */
import { processExchangeTransfer } from '../../../lib/exchanges/transfers.js';
import { exchangeTransferMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'exchangeTransferWorker',
  description: 'Sends approved exchange transfers (Coinbase sends, Poloniex withdrawals) once and follows them to their outcome (exchange-transfers queue; event source mapping in resources/event-sources.yml)',
  timeout: 60,
  uses: ['withdrawals', 'coinbase', 'poloniex', 'cardVault', 'consume:exchangeTransfers', 'queue:exchangeTransfers'],
});

export const handler = workerHandler(worker, sqsWorker('exchange-transfer', exchangeTransferMessage, async (msg) => {
  await processExchangeTransfer(msg.uuid);
}));
