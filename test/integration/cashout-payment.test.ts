/**
 * Cash-out payments and webhooks against the stack: the worker's state machine with the sandbox gateway,
 * exactly once through crashes and timeouts, and Standard Webhooks deliveries to a real HTTP receiver.
 */
import { createServer } from 'node:http';
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import { generateClaim, submitClaim } from '../../lib/cashout/claims.js';
import { processClaimPayment } from '../../lib/cashout/payment.js';
import { registerProvider, updateProfile } from '../../lib/cashout/providers.js';
import { attemptWebhook, listWebhooks, REPLAYS_PER_PROVIDER_PER_MINUTE, verifyWebhook } from '../../lib/cashout/webhooks.js';
import { claimsRepo, cashoutProvidersRepo, webhooksRepo } from '../../lib/cashout/repository.js';
import { GatewayTimeoutError, type CardGateway } from '../../lib/payments/gateway.js';
import { SANDBOX_CARDS, sandboxGateway } from '../../lib/payments/sandbox.js';
import { isolateFromStackWorkers, stack, startWebhookReceiver, uniq, waitFor, type WebhookReceiver } from '../fixtures/stack.js';

let receiver: WebhookReceiver;
let receiverUrl: string;
let received: WebhookReceiver['received'];
let script: number[];

beforeAll(async () => {
  receiver = await startWebhookReceiver();
  ({ url: receiverUrl, received, script } = receiver);
});
afterAll(() => receiver.close());

type Received = WebhookReceiver['received'][number];

async function submitted(pan: string = SANDBOX_CARDS.approved, amount = 100) {
  const name = uniq('pay').replace(/-/g, '_');
  const reg = await registerProvider({ name, pan: '5555555555554444', expDate: '3012', ipin: '1234', consent: true, endpoint: receiverUrl });
  const provider = (await cashoutProvidersRepo.get(name))!;
  const { uuid } = await generateClaim(provider, provider.name, { amount, id: uniq('claim') });
  await submitClaim(uuid, { pan, expDate: '3012', name: 'Customer', mobile: '+249912345678' });
  return { uuid, provider, secret: reg.webhook_secret, apiKey: reg.api_key };
}

const bodyOf = (r: Received) => JSON.parse(r.body) as { name: string; details: { response: string; code: number; time: string; amount: number }; uuid: string; id: string };

describe('cash-out payment worker (stack queues and workers)', () => {
  it('a submitted claim is paid and the receiver gets a correctly signed webhook', async () => {
    const { uuid, provider, secret } = await submitted();
    const hook = await waitFor('the webhook', async () => received.find((r) => bodyOf(r).uuid === uuid));
    expect((await claimsRepo.get(uuid))!.status).toBe('PAID');
    const body = bodyOf(hook);
    expect(body).toMatchObject({ name: provider.name, details: { response: 'Approved', code: 0, amount: 100 }, uuid });
    expect(Date.parse(body.details.time)).toBeGreaterThan(Date.now() - 60_000);
    expect(verifyWebhook(secret, hook.headers, hook.body)).toBe(true);
    expect(verifyWebhook(secret, hook.headers, hook.body.replace('"amount":100', '"amount":1000'))).toBe(false);
    expect(verifyWebhook('whsec_' + Buffer.alloc(24).toString('base64'), hook.headers, hook.body)).toBe(false);
  });

  it('after a secret rotation, deliveries are signed with both secrets for the overlap', async () => {
    const { provider, secret } = await submitted(SANDBOX_CARDS.approved);
    const { webhook_secret: fresh } = await updateProfile((await cashoutProvidersRepo.get(provider.name))!, {});
    const p2 = (await cashoutProvidersRepo.get(provider.name))!;
    const { uuid } = await generateClaim(p2, p2.name, { amount: 9, id: uniq('claim') });
    await submitClaim(uuid, { pan: SANDBOX_CARDS.approved, expDate: '3012', name: 'Customer', mobile: '+249912345678' });
    const hook = await waitFor('the webhook', async () => received.find((r) => bodyOf(r).uuid === uuid));
    expect(hook.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verifyWebhook(secret, hook.headers, hook.body)).toBe(true);
    expect(verifyWebhook(fresh!, hook.headers, hook.body)).toBe(true);
  });

  it('lists deliveries and replays one with the same webhook-id', async () => {
    const { uuid, apiKey } = await submitted();
    await waitFor('the webhook', async () => received.find((r) => bodyOf(r).uuid === uuid));
    const auth = { authorization: `Bearer ${apiKey}` };
    const list = (await (await fetch(`${stack().apiUrl}/cashout/webhooks`, { headers: auth })).json()) as { webhooks: { id: string; uuid: string; status: string; attempts: number }[] };
    const mine = list.webhooks.find((w) => w.uuid === uuid)!;
    expect(mine).toMatchObject({ status: 'delivered', attempts: 1 });
    const replay = await fetch(`${stack().apiUrl}/cashout/webhooks/${mine.id}/replay`, { method: 'POST', headers: auth });
    expect(replay.status).toBe(202);
    await waitFor('the replayed webhook', async () => received.filter((r) => r.headers['webhook-id'] === mine.id).length === 2);
    expect((await fetch(`${stack().apiUrl}/cashout/webhooks/msg_unknown/replay`, { method: 'POST', headers: auth })).status).toBe(404);
  });

  it('replays are rate-limited per delivery and per provider: 429 replay_rate_limited', async () => {
    const { uuid, apiKey, provider } = await submitted();
    await waitFor('the webhook', async () => received.find((r) => bodyOf(r).uuid === uuid));
    const auth = { authorization: `Bearer ${apiKey}` };
    const id = `msg_${uuid.replace(/-/g, '')}`;
    const replay = () => fetch(`${stack().apiUrl}/cashout/webhooks/${id}/replay`, { method: 'POST', headers: auth });
    // the provider's budget for this minute (and the next, should the minute turn) is used up
    const now = Date.now();
    const minutes = [now, now + 60_000].map((t) => new Date(t).toISOString().slice(0, 16));
    for (const m of minutes) await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...keys.webhookReplayBudget(provider.name, m), n: REPLAYS_PER_PROVIDER_PER_MINUTE } }));
    const overProvider = await replay();
    expect(overProvider.status).toBe(429);
    expect(((await overProvider.json()) as { code: string }).code).toBe('replay_rate_limited');
    for (const m of minutes) await ddb().send(new DeleteCommand({ TableName: tableName(), Key: keys.webhookReplayBudget(provider.name, m) }));
    // one replay per delivery per 10 s
    expect((await replay()).status).toBe(202);
    const again = await replay();
    expect(again.status).toBe(429);
    expect(await again.json()).toMatchObject({ code: 'replay_rate_limited' });
    await waitFor('the replayed webhook', async () => received.filter((r) => r.headers['webhook-id'] === id).length === 2);
  });

  it('a declined card fails the claim and says why in the webhook', async () => {
    const { uuid } = await submitted(SANDBOX_CARDS.insufficientFunds);
    const hook = await waitFor('the webhook', async () => received.find((r) => bodyOf(r).uuid === uuid));
    expect(bodyOf(hook).details).toMatchObject({ response: 'Insufficient Funds', code: 51, amount: 0 });
    expect((await claimsRepo.get(uuid))!.status).toBe('FAILED');
  });
});

describe('exactly once (in-process, on a table the stack workers do not watch)', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers({ queues: ['CASHOUT_PAYMENTS_QUEUE', 'WEBHOOK_DELIVERIES_QUEUE'] });
  });
  afterAll(() => restore());

  const counting = (inner: CardGateway = sandboxGateway) => {
    const calls = { pay: 0 };
    const gw: CardGateway = { pay: (r) => (calls.pay++, inner.pay(r)), status: (ref) => inner.status(ref) };
    return { gw, calls };
  };

  it('a worker killed between the gateway call and the state write pays once after redelivery', async () => {
    const { uuid } = await submitted();
    const { gw, calls } = counting();
    await expect(processClaimPayment(uuid, gw, { afterGatewayCall: () => { throw new Error('worker killed'); } })).rejects.toThrow('worker killed');
    expect((await claimsRepo.get(uuid))!.status).toBe('PAYING');
    expect(await processClaimPayment(uuid, gw)).toBe('PAID');
    expect(calls.pay).toBe(1);
    expect(await processClaimPayment(uuid, gw)).toBe('PAID');
    expect(calls.pay).toBe(1);
  });

  it('a gateway timeout is resolved by asking for the reference, not by paying again', async () => {
    const { uuid } = await submitted(SANDBOX_CARDS.timeout);
    const { gw, calls } = counting();
    await expect(processClaimPayment(uuid, gw)).rejects.toBeInstanceOf(GatewayTimeoutError);
    const inDoubt = (await claimsRepo.get(uuid))!;
    expect(inDoubt.status).toBe('PAYING');
    expect(inDoubt.attempts?.[0]?.outcome).toBe('unknown');
    expect(await processClaimPayment(uuid, gw)).toBe('PAID');
    expect(calls.pay).toBe(1);
    expect((await claimsRepo.get(uuid))!.attempts!.map((a) => a.outcome)).toEqual(['unknown', 'approved']);
  });

  it('a receiver failing twice then succeeding gets it on the third attempt, with the same webhook-id', async () => {
    const { uuid } = await submitted();
    await processClaimPayment(uuid, sandboxGateway);
    const id = `msg_${uuid.replace(/-/g, '')}`;
    script.push(500, 503);
    const before = received.length;
    expect(await attemptWebhook(id, new Date().toISOString())).toBe('PENDING');
    expect(await attemptWebhook(id, new Date().toISOString())).toBe('PENDING');
    // The third attempt is scheduled 5 minutes out; an early delivery waits (re-queued), it does not send.
    expect(await attemptWebhook(id)).toBe('waiting');
    expect(received.length - before).toBe(2);
    expect(await attemptWebhook(id, new Date().toISOString())).toBe('DELIVERED');
    const mine = received.slice(before);
    expect(mine).toHaveLength(3);
    expect(new Set(mine.map((r) => r.headers['webhook-id']))).toEqual(new Set([id]));
    expect(new Set(mine.map((r) => r.body)).size).toBe(1);
    const d = (await webhooksRepo.get(id))!;
    expect(d.attempts.map((a) => a.status)).toEqual([500, 503, 200]);
  });

  it('a redirecting endpoint is a failed attempt (the 302 is recorded) and the redirect target is never hit', async () => {
    let stolen = 0;
    const target = createServer((req, res) => (stolen++, req.resume(), res.end()));
    await new Promise<void>((r) => target.listen(0, '127.0.0.1', r));
    const redirector = createServer((req, res) => {
      req.resume();
      res.writeHead(302, { location: `http://127.0.0.1:${(target.address() as { port: number }).port}/stolen` }).end();
    });
    await new Promise<void>((r) => redirector.listen(0, '127.0.0.1', r));
    try {
      const { uuid, provider } = await submitted();
      await updateProfile(provider, { endpoint: `http://127.0.0.1:${(redirector.address() as { port: number }).port}/hooks`, rotate_webhook_secret: false });
      await processClaimPayment(uuid, sandboxGateway);
      const id = `msg_${uuid.replace(/-/g, '')}`;
      expect(await attemptWebhook(id, new Date().toISOString())).toBe('PENDING');
      expect(stolen).toBe(0);
      expect((await webhooksRepo.get(id))!.attempts.map((a) => a.status)).toEqual([302]);
    } finally {
      await Promise.all([target, redirector].map((s) => new Promise((r) => s.close(r))));
    }
  });

  it('an endpoint on a non-public address is refused with a short reason, no status and no timing, also in GET /cashout/webhooks', async () => {
    const { uuid, provider } = await submitted();
    // stored before the registration check existed (registration refuses it now)
    await ddb().send(new UpdateCommand({ TableName: tableName(), Key: keys.cashoutProvider(provider.name), UpdateExpression: 'SET endpoint = :e', ExpressionAttributeValues: { ':e': 'https://169.254.169.254/latest/meta-data' } }));
    await processClaimPayment(uuid, sandboxGateway);
    const id = `msg_${uuid.replace(/-/g, '')}`;
    expect(await attemptWebhook(id, new Date().toISOString())).toBe('PENDING');
    const [attempt] = (await webhooksRepo.get(id))!.attempts;
    expect(attempt).toMatchObject({ ms: 0, error: expect.stringMatching(/^endpoint refused: /) });
    expect(attempt!.status).toBeUndefined();
    // (this table is not the stack's, so the list is read in-process: the same function GET /cashout/webhooks answers with)
    const mine = (await listWebhooks(provider.name)).webhooks.find((w) => w.id === id)!;
    expect(mine.last_attempt).toEqual({ at: attempt!.at, ms: 0, error: attempt!.error });
  });
});
