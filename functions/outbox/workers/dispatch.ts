/** Table stream -> queues: the outbox dispatcher (see lib/outbox). */
import { coreConfig } from '../../../lib/config/index.js';
import { dispatchOutboxRecords } from '../../../lib/outbox/index.js';

coreConfig();

export const handler = dispatchOutboxRecords;
