/** mail queue: textcoin claim links and plain emails. */
import { coreConfig, linksConfig, mailConfig } from '../../../lib/config/index.js';
import { getMailer } from '../../../lib/mail/index.js';
import { sendTextcoinMail } from '../../../lib/payouts/index.js';
import { mailMessage } from '../../../lib/queue/messages.js';
import { sqsWorker } from '../../../lib/queue/worker.js';

coreConfig();
mailConfig();
linksConfig();

export const handler = sqsWorker('send-mail', mailMessage, async (msg) => {
  if (msg.type === 'textcoin-mail') await sendTextcoinMail(msg.unit);
  else await (await getMailer()).send(msg);
});
