/** mail queue: textcoin claim links and plain emails. */
import { getMailer } from '../../../lib/mail/index.js';
import { sendTextcoinMail } from '../../../lib/payouts/index.js';
import { mailMessage } from '../../../lib/queue/messages.js';
import { defineWorker, sqsWorker, workerHandler } from '../../../lib/queue/worker.js';

export const worker = defineWorker({
  name: 'sendMailWorker',
  description: "Sends queued mail (textcoin links, OTPs, moderation); event source mapping in resources/event-sources.yml",
  timeout: 30,
  uses: ['mail', 'links', 'consume:mail'],
});

export const handler = workerHandler(worker, sqsWorker('send-mail', mailMessage, async (msg) => {
  if (msg.type === 'textcoin-mail') await sendTextcoinMail(msg.unit);
  else await (await getMailer()).send(msg);
}));
