/** Table stream (payouts outbox): every newly inserted PENDING payout is handed to its queue. */
import { coreConfig } from '../../../lib/config/index.js';
import { dispatchPayoutRecords } from '../../../lib/payouts/outbox.js';

coreConfig();

export const handler = dispatchPayoutRecords;
