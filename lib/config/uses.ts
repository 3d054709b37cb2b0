/**
 * What a function may touch. A route contract or worker lists its uses; the function's environment and IAM
 * role are generated from that list (resources/functions.cjs), and the wrapper checks the list's
 * configuration once per container so a missing variable fails with its name.
 *
 * - a configuration section (its variables; some also grant access: `cardVault` the card-data key,
 *   `chain` the treasury key, `mail` SES, `sms` SNS)
 * - `queue:<name>`: may send to that queue (its name variable)
 * - `consume:<name>`: is that queue's worker (receive/delete)
 * - `stream`: reads the table's stream (the outbox dispatcher), `outboxDlq`: parks failed stream records
 * Every function reads and writes the table (`core`).
 */
import { configSections, ConfigError, networkChain, type ConfigSection } from './index.js';

/** Logical queue -> the variable holding its name. */
export const QUEUE_ENV = {
  chainTransfers: 'CHAIN_TRANSFERS_QUEUE',
  mail: 'MAIL_QUEUE',
  cashoutPayments: 'CASHOUT_PAYMENTS_QUEUE',
  webhookDeliveries: 'WEBHOOK_DELIVERIES_QUEUE',
} as const;
export type QueueName = keyof typeof QUEUE_ENV;

export type Use = Exclude<ConfigSection, 'core' | 'queues'> | 'sms' | `queue:${QueueName}` | `consume:${QueueName}` | 'stream' | 'outboxDlq';

/** Throws ConfigError naming what is missing. */
export function checkUses(uses: readonly Use[]): void {
  configSections.core();
  for (const use of uses) {
    if (use.startsWith('queue:') || use.startsWith('consume:')) {
      configSections.queues();
      const variable = QUEUE_ENV[use.slice(use.indexOf(':') + 1) as QueueName];
      if (!process.env[variable]) throw new ConfigError(`Invalid queue configuration: ${variable} is not set`);
    } else if (use in configSections) {
      configSections[use as ConfigSection]();
      // Both networks, and that the testnet shares no token or treasury with the main network.
      if (use === 'chain') for (const network of ['main', 'test'] as const) networkChain(network);
    }
  }
}
