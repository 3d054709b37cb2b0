/** The local event-source-mapping stand-in against fauxqs: partial failures, redelivery, DLQ. */
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, describe, expect, it } from 'vitest';
import { publish } from '../../lib/queue/publisher.js';
import { pollOnce } from '../../scripts/stack/workers.js';
import type { MappingDef } from '../../scripts/stack/resources.js';
import { stack, uniq } from '../fixtures/stack.js';
import { localAws } from '../../scripts/stack/local-aws.js';

const sqs = new SQSClient(localAws(stack().env.SQS_ENDPOINT));
afterAll(() => sqs.destroy());

describe('queue poller (fauxqs)', () => {
  it('deletes what succeeded, redelivers reported failures, and dead-letters after maxReceiveCount', async () => {
    const name = uniq('q');
    const dlq = await sqs.send(new CreateQueueCommand({ QueueName: `${name}-dlq` }));
    const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlq.QueueUrl, AttributeNames: ['QueueArn'] }));
    const queue = await sqs.send(
      new CreateQueueCommand({
        QueueName: name,
        Attributes: { VisibilityTimeout: '1', RedrivePolicy: JSON.stringify({ deadLetterTargetArn: Attributes!.QueueArn, maxReceiveCount: '2' }) },
      }),
    );
    for (const body of ['ok-1', 'bad', 'ok-2']) await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: body }));

    const handled: string[] = [];
    const handler = async (event: unknown) => {
      const failures = [];
      for (const r of (event as SQSEvent).Records) {
        if (r.body === 'bad') failures.push({ itemIdentifier: r.messageId });
        else handled.push(r.body);
      }
      return { batchItemFailures: failures };
    };
    const mapping = {
      queue: { logicalId: 'Q', name, visibilityTimeout: 1 },
      fn: { key: 'test', handler: 'x.handler', timeout: 5, environment: {}, events: [] },
      batchSize: 10,
      batchWindowSeconds: 0,
      maxConcurrency: 1,
      reportBatchItemFailures: true,
    } satisfies MappingDef;

    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      await pollOnce(sqs, mapping, handler, queue.QueueUrl!, 1);
      const inDlq = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlq.QueueUrl, WaitTimeSeconds: 0, VisibilityTimeout: 30 }));
      if (inDlq.Messages?.length) {
        expect(inDlq.Messages.map((m) => m.Body)).toEqual(['bad']);
        expect(handled.sort()).toEqual(['ok-1', 'ok-2']);
        return;
      }
    }
    throw new Error('the failing message never reached the DLQ');
  });

  it('gathers a batch above 10 messages within the batching window, as Lambda does', async () => {
    const name = uniq('q');
    const queue = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '30' } }));
    for (let i = 0; i < 25; i++) await sqs.send(new SendMessageCommand({ QueueUrl: queue.QueueUrl, MessageBody: `m-${i}` }));
    const batches: number[] = [];
    const handler = async (event: unknown) => {
      batches.push((event as SQSEvent).Records.length);
      return { batchItemFailures: [] };
    };
    const mapping = {
      queue: { logicalId: 'Q', name, visibilityTimeout: 30 },
      fn: { key: 'test', handler: 'x.handler', timeout: 5, environment: {}, events: [] },
      batchSize: 100,
      batchWindowSeconds: 1,
      maxConcurrency: 1,
      reportBatchItemFailures: true,
    } satisfies MappingDef;
    expect(await pollOnce(sqs, mapping, handler, queue.QueueUrl!, 1)).toBe(25);
    expect(batches).toEqual([25]);
  });

  it('publishes only messages that match their schema', async () => {
    await expect(publish('chainTransfers', { type: 'chain-transfer', unit: '' })).rejects.toThrow();
  });
});
