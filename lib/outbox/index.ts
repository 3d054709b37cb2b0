/**
 * The table's outbox. A write that must start background work commits its row in the same transaction
 * (or conditional update) as the state change; the table stream delivers the row here and we queue the
 * work. The request path makes no SQS call, and a commit can never be left without its queue message.
 * Delivery is at least once: the workers behind the queues are idempotent.
 *   - a new PENDING payout (INSERT)          -> chain-transfers or mail
 *   - a cash-out claim just SUBMITTED (MODIFY) -> cashout-payments
 *   - a new pending coin transfer (INSERT)     -> a moderation mail to every moderator
 *   - a plan payment settled (INSERT or MODIFY to paid/failed) -> its receipt or failure notice to the
 *     participant's notification emails
 *   - a participant's deposit balance changed (its ledger account) -> a top-up check for the participant
 *   - a new pending bank cash-out transfer (INSERT) -> cashout-transfers
 *   - an exchange transfer approved (INSERT auto-approved, or MODIFY by a moderator) -> exchange-transfers
 * The stream mapping's filter (resources/event-sources.yml) lets only these records through.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshallRaw } from '../db/client.js';
import { log } from '../log/index.js';
import { enqueuePayout } from '../payouts/index.js';
import { publish } from '../queue/publisher.js';
import { moderationMails } from '../coins/moderation.js';
import { coinTransferFrom } from '../coins/repository.js';
import { claimFrom } from '../cashout/repository.js';
import { payoutFrom } from '../payouts/repository.js';
import { paymentMails } from '../billing/mails.js';
import { paymentFrom } from '../billing/repository.js';
import { participantOfDeposit } from '../db/keys.js';
import { cashoutTransferFrom } from '../withdrawals/repository.js';

/** Images are mapped by their repository's own reader (numbers arrive as decimal text, as from the table). */
async function dispatch(eventName: string | undefined, image: Record<string, unknown> | undefined): Promise<void> {
  if (eventName === 'INSERT' && image?.type === 'Payout' && image.status === 'PENDING') {
    const payout = payoutFrom(image);
    await enqueuePayout({ kind: payout.kind, unit: payout.unit });
  } else if (eventName === 'MODIFY' && image?.type === 'Claim' && image.status === 'SUBMITTED') {
    await publish('cashoutPayments', { type: 'cashout-payment', uuid: claimFrom(image).uuid });
  } else if (eventName === 'INSERT' && image?.type === 'CoinTransfer' && image.status === 'pending') {
    for (const mail of moderationMails(coinTransferFrom(image))) await publish('mail', { type: 'email', ...mail });
  } else if ((eventName === 'INSERT' || eventName === 'MODIFY') && image?.type === 'BillingPayment' && (image.status === 'paid' || image.status === 'failed')) {
    for (const mail of paymentMails(paymentFrom(image))) await publish('mail', { type: 'email', ...mail });
  } else if ((eventName === 'INSERT' || eventName === 'MODIFY') && image?.type === 'Account' && typeof image.accountId === 'string') {
    const participant = participantOfDeposit(image.accountId);
    if (participant) await publish('topUpChecks', { type: 'topup-check', participant });
  } else if (eventName === 'INSERT' && image?.type === 'CashoutTransfer' && image.status === 'pending') {
    await publish('cashoutTransfers', { type: 'cashout-transfer', uuid: cashoutTransferFrom(image).uuid });
  } else if ((eventName === 'INSERT' || eventName === 'MODIFY') && image?.type === 'ExchangeTransfer' && image.status === 'approved') {
    await publish('exchangeTransfers', { type: 'exchange-transfer', uuid: String(image.uuid) });
  }
}

export async function dispatchOutboxRecords(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const image = unmarshallRaw(record.dynamodb?.NewImage);
    try {
      await dispatch(record.eventName, image);
    } catch (err) {
      log.error('outbox dispatch failed', { type: image?.type, key: image?.unit ?? image?.uuid, error: err });
      // Stream batches are ordered: report the first failure; Lambda retries from there.
      failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures: failures };
}
