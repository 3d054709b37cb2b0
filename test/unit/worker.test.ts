import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { chainTransferMessage } from '../../lib/queue/messages.js';
import { sqsWorker } from '../../lib/queue/worker.js';

const event = (...bodies: string[]): SQSEvent =>
  ({ Records: bodies.map((body, i) => ({ messageId: `m${i}`, body, attributes: { ApproximateReceiveCount: '1' } })) }) as unknown as SQSEvent;

describe('sqsWorker', () => {
  it('reports only the records that failed, and treats invalid messages as failures', async () => {
    const seen: string[] = [];
    const handler = sqsWorker('t', chainTransferMessage, async (m) => {
      if (m.unit === 'boom') throw new Error('boom');
      seen.push(m.unit);
    });
    const result = await handler(
      event(JSON.stringify({ type: 'chain-transfer', unit: 'a' }), JSON.stringify({ type: 'chain-transfer', unit: 'boom' }), 'not json', JSON.stringify({ type: 'other' }), JSON.stringify({ type: 'chain-transfer', unit: 'b' })),
    );
    expect(seen).toEqual(['a', 'b']);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm2', 'm3']);
  });
});
