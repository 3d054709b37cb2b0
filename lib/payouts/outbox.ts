/**
 * The payouts outbox. A purchase (or a textcoin claim) commits its payout row in the same transaction
 * as the money movement; the table stream then delivers the new row here and we queue it. The request
 * path makes no SQS call, and a commit can never be left without its queue message. Delivery is at
 * least once: the workers behind the queues are idempotent.
 */
import type { DynamoDBBatchResponse, DynamoDBStreamEvent } from 'aws-lambda';
import { unmarshallRaw } from '../db/client.js';
import { log } from '../log/index.js';
import { enqueuePayout } from './index.js';

export async function dispatchPayoutRecords(event: DynamoDBStreamEvent): Promise<DynamoDBBatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  for (const record of event.Records) {
    const image = unmarshallRaw(record.dynamodb?.NewImage);
    if (record.eventName !== 'INSERT' || image?.type !== 'Payout' || image.status !== 'PENDING') continue;
    try {
      await enqueuePayout({ kind: image.kind as 'chain' | 'textcoin', unit: String(image.unit) });
    } catch (err) {
      log.error('payout dispatch failed', { unit: image.unit, error: err });
      // Stream batches are ordered: report the first failure; Lambda retries from there.
      failures.push({ itemIdentifier: record.dynamodb?.SequenceNumber ?? '' });
      break;
    }
  }
  return { batchItemFailures: failures };
}
