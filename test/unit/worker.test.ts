import { describe, expect, it } from 'vitest';
import type { SQSEvent } from 'aws-lambda';
import { chainMessage, chainTransferMessage } from '../../lib/queue/messages.js';
import { sqsBatchWorker, sqsWorker } from '../../lib/queue/worker.js';

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

describe('sqsBatchWorker', () => {
  it('hands every valid message over at once, fails invalid ones alone, and a thrown error fails the batch', async () => {
    let got: string[] = [];
    const handler = sqsBatchWorker('t', chainMessage, async (records) => {
      got = records.map((r) => (r.msg.type === 'chain-transfer' ? r.msg.unit : `confirm:${r.msg.network}`));
      if (got.includes('boom')) throw new Error('boom');
      return records.filter((r) => r.msg.type === 'chain-transfer' && r.msg.unit === 'retry').map((r) => r.messageId);
    });
    const ok = await handler(
      event(JSON.stringify({ type: 'chain-transfer', unit: 'a' }), 'not json', JSON.stringify({ type: 'chain-confirm', network: 'test', nonce: 3 }), JSON.stringify({ type: 'chain-transfer', unit: 'retry' })),
    );
    expect(got).toEqual(['a', 'confirm:test', 'retry']);
    expect(ok.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm3']);
    const failed = await handler(event(JSON.stringify({ type: 'chain-transfer', unit: 'boom' }), JSON.stringify({ type: 'chain-confirm', network: 'mars' })));
    expect(failed.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['m1', 'm0']);
  });
});
