/**
 * What a function may touch. A route contract or worker lists its uses; the function's environment and IAM
 * role are generated from that list (resources/functions.cjs), and the wrapper checks the list's
 * configuration once per container so a missing variable fails with its name.
 *
 * - a configuration section (its variables; some also grant access: `cardVault` the card-data key,
 *   `chain` the treasury key, `billing` the Stripe secret key, `mail` SES, `sms` SNS)
 * - `queue:<name>`: may send to that queue (its name variable)
 * - `consume:<name>`: is that queue's worker (receive/delete)
 * - `stream`: reads the table's stream (the outbox dispatcher), `outboxDlq`: parks failed stream records
 * Every function reads and writes the table (`core`).
 */
import { NETWORKS } from '../db/keys.js';
import { configSections, ConfigError, networkChain, runDeclaring, type ConfigSection } from './index.js';

/** Logical queue -> the variable holding its name. */
export const QUEUE_ENV = {
  chainTransfers: 'CHAIN_TRANSFERS_QUEUE',
  mail: 'MAIL_QUEUE',
  cashoutPayments: 'CASHOUT_PAYMENTS_QUEUE',
  webhookDeliveries: 'WEBHOOK_DELIVERIES_QUEUE',
  topUpChecks: 'TOPUP_CHECKS_QUEUE',
  cashoutTransfers: 'CASHOUT_TRANSFERS_QUEUE',
  exchangeTransfers: 'EXCHANGE_TRANSFERS_QUEUE',
} as const;
export type QueueName = keyof typeof QUEUE_ENV;

export type Use = Exclude<ConfigSection, 'core' | 'queues'> | 'sms' | `queue:${QueueName}` | `consume:${QueueName}` | 'stream' | 'outboxDlq';

/** The configuration sections a list of uses reads (always `core`; `queues` for any queue). */
export function sectionsOf(uses: readonly Use[]): ConfigSection[] {
  const sections = new Set<ConfigSection>(['core']);
  for (const use of uses) {
    if (use.startsWith('queue:') || use.startsWith('consume:')) sections.add('queues');
    else if (use in configSections) sections.add(use as ConfigSection);
  }
  return [...sections];
}

/** The queues a list of uses sends to (`queue:`) or consumes (`consume:`). */
export const queuesOf = (uses: readonly Use[], how: 'queue' | 'consume'): QueueName[] => [
  ...new Set(uses.filter((u) => u.startsWith(`${how}:`)).map((u) => u.slice(how.length + 1) as QueueName)),
];

/** Throws ConfigError naming what is missing. */
export function checkUses(uses: readonly Use[]): void {
  for (const section of sectionsOf(uses)) configSections[section]();
  for (const queue of [...queuesOf(uses, 'queue'), ...queuesOf(uses, 'consume')]) {
    if (!process.env[QUEUE_ENV[queue]]) throw new ConfigError(`Invalid queue configuration: ${QUEUE_ENV[queue]} is not set`);
  }
  // Both networks, and that the testnet shares no token or treasury with the main network.
  if (uses.includes('chain')) for (const network of NETWORKS) networkChain(network);
}

/**
 * Runs a function's invocations: its configuration checked at the first one (a missing variable fails
 * with its name), and every one inside its declared uses (reading anything else fails).
 */
export function declaredRunner(uses: readonly Use[]): <T>(fn: () => T) => T {
  const declared = new Set<string>(uses);
  let checked = false;
  return (fn) =>
    runDeclaring(declared, () => {
      if (!checked) {
        checkUses(uses);
        checked = true;
      }
      return fn();
    });
}
