/**
 * Card envelopes bound to their record, against the stack: an envelope moved into another record (directly
 * in DynamoDB Local) does not open there, and the claim that needed it fails cleanly, unpaid.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateClaim, submitClaim } from '../../lib/cashout/claims.js';
import { CARD_DATA_UNREADABLE, processClaimPayment } from '../../lib/cashout/payment.js';
import { registerProvider } from '../../lib/cashout/providers.js';
import { cashoutProvidersRepo, claimsRepo } from '../../lib/cashout/repository.js';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import type { CardGateway } from '../../lib/payments/gateway.js';
import { SANDBOX_CARDS, sandboxGateway } from '../../lib/payments/sandbox.js';
import { isolateFromStackWorkers, stack, startWebhookReceiver, uniq, waitFor, type WebhookReceiver } from '../fixtures/stack.js';

const customer = { pan: SANDBOX_CARDS.approved, expDate: '3012', name: 'Customer', mobile: '+249912345678' };

async function provider(pan: string, endpoint: string) {
  const name = uniq('vault').replace(/-/g, '_');
  await registerProvider({ name, pan, expDate: '3012', ipin: '1234', consent: true, endpoint });
  return (await cashoutProvidersRepo.get(name))!;
}

/** A field of a stored item as written (the document client reads numbers as text: `v` goes back as a number). */
async function storedEnvelope(key: Record<string, string>, ...path: string[]): Promise<Record<string, unknown>> {
  const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: key, ConsistentRead: true }));
  const envelope = path.reduce((item: any, name) => item[name], out.Item) as Record<string, unknown>;
  return { ...envelope, v: Number(envelope.v) };
}

/** Writes `envelope` at `path` (field names) of a stored item. */
async function putEnvelope(key: Record<string, string>, path: string[], envelope: Record<string, unknown>): Promise<void> {
  const names = Object.fromEntries(path.map((name, i) => [`#n${i}`, name]));
  await ddb().send(new UpdateCommand({ TableName: tableName(), Key: key, UpdateExpression: `SET ${Object.keys(names).join('.')} = :e`, ExpressionAttributeNames: names, ExpressionAttributeValues: { ':e': envelope } }));
}

describe('an envelope moved to another record (the stack pays)', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
  });
  afterAll(() => receiver.close());

  it("another provider's pan in a provider's record: the claim fails with a clear reason, the gateway never sees a card, no 500", async () => {
    const a = await provider('4111111111111111', receiver.url);
    const b = await provider('5555555555554444', receiver.url);
    await putEnvelope(keys.cashoutProvider(b.name), ['pan'], await storedEnvelope(keys.cashoutProvider(a.name), 'pan'));

    const { uuid } = await generateClaim(b, b.name, { amount: 100, id: uniq('claim') });
    await submitClaim(uuid, customer);
    const failed = await waitFor('the claim to fail', async () => {
      const c = await claimsRepo.get(uuid);
      return c?.status === 'FAILED' && c;
    });
    expect(failed).toMatchObject({ resultCode: CARD_DATA_UNREADABLE.code, resultResponse: CARD_DATA_UNREADABLE.response, attempts: [] });
    expect(failed.paidAt).toBeUndefined();
    const atGateway = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.sandboxPayment(`co-${uuid}`), ConsistentRead: true }));
    expect(atGateway.Item).toBeUndefined();

    const status = await fetch(`${stack().apiUrl}/cashout/claim/${uuid}/status`);
    expect(status.status).toBe(200);
    expect(await status.json()).toMatchObject({ uuid, status: 'failed', amount: 100, response: CARD_DATA_UNREADABLE.response, code: CARD_DATA_UNREADABLE.code });
    const hook = await waitFor('the webhook', async () => receiver.received.find((r) => JSON.parse(r.body).uuid === uuid));
    expect(JSON.parse(hook.body).details).toMatchObject({ response: CARD_DATA_UNREADABLE.response, code: CARD_DATA_UNREADABLE.code, amount: 0 });
  });
});

describe('envelopes moved within and between records (in-process, on a table the stack workers do not watch)', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers({ queues: ['CASHOUT_PAYMENTS_QUEUE', 'WEBHOOK_DELIVERIES_QUEUE'] });
  });
  afterAll(() => restore());

  const counting = () => {
    const calls = { pay: 0 };
    const gw: CardGateway = { pay: (r) => (calls.pay++, sandboxGateway.pay(r)), status: (ref) => sandboxGateway.status(ref) };
    return { gw, calls };
  };

  it("another claim's customer pan, or the provider's pan in its ipin field: FAILED, nothing paid", async () => {
    const p = await provider('5555555555554444', 'http://127.0.0.1:9/webhooks');
    const submitted = async () => {
      const { uuid } = await generateClaim(p, p.name, { amount: 5, id: uniq('claim') });
      await submitClaim(uuid, customer);
      return uuid;
    };
    const [first, second] = [await submitted(), await submitted()];
    await putEnvelope(keys.claim(second), ['customer', 'pan'], await storedEnvelope(keys.claim(first), 'customer', 'pan'));
    const { gw, calls } = counting();
    expect(await processClaimPayment(second, gw)).toBe('FAILED');
    expect((await claimsRepo.get(second))!.resultResponse).toBe(CARD_DATA_UNREADABLE.response);

    await putEnvelope(keys.cashoutProvider(p.name), ['ipin'], await storedEnvelope(keys.cashoutProvider(p.name), 'pan'));
    expect(await processClaimPayment(first, gw)).toBe('FAILED');
    expect(calls.pay).toBe(0);

    // Control: a claim of an untouched provider pays.
    const q = await provider('5555555555554444', 'http://127.0.0.1:9/webhooks');
    const { uuid } = await generateClaim(q, q.name, { amount: 5, id: uniq('claim') });
    await submitClaim(uuid, customer);
    expect(await processClaimPayment(uuid, gw)).toBe('PAID');
    expect(calls.pay).toBe(1);
  });
});
