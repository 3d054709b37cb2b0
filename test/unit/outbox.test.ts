import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { dispatchOutboxRecords } from '../../lib/outbox/index.js';
import { resetSqs } from '../../lib/queue/publisher.js';

const sqsMock = mockClient(SQSClient);
const record = (seq: string, eventName: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { SequenceNumber: seq, NewImage: marshall(image) } });

describe('outbox (table stream)', () => {
  beforeEach(() => {
    sqsMock.reset();
    resetSqs();
    sqsMock.on(GetQueueUrlCommand).callsFake(async (i: { QueueName: string }) => ({ QueueUrl: `http://q/${i.QueueName}` }));
  });

  it('queues new PENDING payouts to the queue of their kind and ignores everything else', async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    const event = {
      Records: [
        record('1', 'INSERT', { type: 'Payout', status: 'PENDING', kind: 'chain', unit: 'u1' }),
        record('2', 'INSERT', { type: 'Order', unit: 'x' }),
        record('3', 'MODIFY', { type: 'Payout', status: 'PENDING', kind: 'chain', unit: 'u0' }),
        record('4', 'INSERT', { type: 'Payout', status: 'PENDING', kind: 'textcoin', unit: 'u2' }),
        record('5', 'MODIFY', { type: 'Claim', status: 'SUBMITTED', uuid: 'c1' }),
        record('6', 'MODIFY', { type: 'Claim', status: 'PAYING', uuid: 'c1' }),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [] });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.QueueUrl, JSON.parse(c.args[0].input.MessageBody!)]);
    expect(sent).toEqual([
      ['http://q/unit-chain', { type: 'chain-transfer', unit: 'u1' }],
      ['http://q/unit-mail', { type: 'textcoin-mail', unit: 'u2' }],
      ['http://q/unit-cashout', { type: 'cashout-payment', uuid: 'c1' }],
    ]);
  });

  it('reports the first failed record so the stream resumes from it', async () => {
    sqsMock.on(SendMessageCommand).rejectsOnce(new Error('throttled')).resolves({});
    const event = {
      Records: [record('7', 'INSERT', { type: 'Payout', status: 'PENDING', kind: 'chain', unit: 'a' }), record('8', 'INSERT', { type: 'Payout', status: 'PENDING', kind: 'chain', unit: 'b' })],
    } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });
});
