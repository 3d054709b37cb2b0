/**
 * Webhooks to cash-out providers, Standard Webhooks style:
 *   webhook-id         the delivery id, the same on every attempt (receivers deduplicate on it)
 *   webhook-timestamp  seconds since the epoch of this attempt
 *   webhook-signature  "v1,<base64 HMAC-SHA256(secret, id + '.' + timestamp + '.' + body)>", one entry per
 *                      live secret (space-separated) while a rotated secret is still valid
 * The HMAC key is the base64 part of the `whsec_` secret, decoded. A 2xx within 15 s is success; otherwise
 * the next attempt follows the schedule below (longer waits than SQS's 15-minute delay are chained).
 * Deliveries go through lib/security/outbound.ts: public addresses only (checked at every attempt, the checked
 * address pinned for the connection), https on 443, redirects never followed (a 3xx is a failed attempt).
 * A refused target is recorded as an error with no status and no timing, so the attempt list cannot be used
 * to probe internal addresses. Replays are rate-limited (REPLAY_MIN_INTERVAL_SECONDS per delivery,
 * REPLAYS_PER_PROVIDER_PER_MINUTE per provider).
 */
import { createHmac } from 'node:crypto';
import { cashoutProvidersRepo, webhooksRepo, type Claim, type WebhookDelivery, type WebhookStatus } from './repository.js';
import { fail } from './failures.js';
import { log } from '../log/index.js';
import { publish } from '../queue/publisher.js';
import { equalsConstantTime } from '../security/secrets.js';
import { signingSecrets } from './providers.js';
import { coreConfig } from '../config/index.js';
import { describeNetworkError, OutboundRefusedError, safePost } from '../security/outbound.js';

/** Delay before attempt n+1 (seconds): immediately, 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h. */
export const RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 36000];
export const WEBHOOK_TIMEOUT_MS = 15_000;
const SQS_MAX_DELAY_SECONDS = 900;

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** For receivers (and our demo receiver): true when one of the signatures matches and the timestamp is fresh. */
export function verifyWebhook(secret: string, headers: Record<string, string | undefined>, body: string, toleranceSeconds = 300, now = Date.now()): boolean {
  const id = headers['webhook-id'];
  const timestamp = Number(headers['webhook-timestamp']);
  const signatures = (headers['webhook-signature'] ?? '').split(' ');
  if (!id || !Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false;
  const expected = signWebhook(secret, id, timestamp, body);
  return signatures.some((s) => equalsConstantTime(s, expected));
}

const deliveryId = (claim: Claim) => `msg_${claim.uuid.replace(/-/g, '')}`;

/** The cash-out API's webhook body, plus `uuid` and the provider's `id` so the receiver can match it. */
function webhookBody(claim: Claim): string {
  return JSON.stringify({
    name: claim.provider,
    details: { response: claim.resultResponse ?? '', code: claim.resultCode ?? -1, time: claim.paidAt ?? claim.updatedAt, amount: claim.status === 'PAID' ? claim.amount : 0 },
    uuid: claim.uuid,
    id: claim.providerId,
  });
}

/** Creates the claim's delivery once and queues its first attempt. Safe to call again. */
export async function enqueueWebhook(claim: Claim): Promise<void> {
  const now = new Date().toISOString();
  const id = deliveryId(claim);
  const created = await webhooksRepo.createOnce({ id, provider: claim.provider, claimUuid: claim.uuid, body: webhookBody(claim), status: 'PENDING', attempts: [], createdAt: now, updatedAt: now });
  const existing = created ? undefined : await webhooksRepo.get(id);
  if (created || (existing?.status === 'PENDING' && existing.attempts.length === 0)) await publish('webhookDeliveries', { type: 'webhook-delivery', id });
}

async function schedule(id: string, notBefore: Date): Promise<void> {
  const wait = Math.ceil((notBefore.getTime() - Date.now()) / 1000);
  await publish('webhookDeliveries', { type: 'webhook-delivery', id, notBefore: notBefore.toISOString() }, { delaySeconds: Math.max(0, Math.min(SQS_MAX_DELAY_SECONDS, wait)) });
}

export type Sender = (url: string, init: { method: 'POST'; headers: Record<string, string>; body: string; signal: AbortSignal }) => Promise<{ status: number }>;

/** The production sender: SSRF-safe, no redirects (loopback allowed only in the local stage, for the demo receiver). */
export const webhookSender: Sender = (url, init) => safePost(url, init, { local: coreConfig().STAGE === 'local' });

/** One attempt of a delivery (the webhook-deliveries worker). */
export async function attemptWebhook(id: string, notBefore?: string, send: Sender = webhookSender): Promise<WebhookDelivery['status'] | 'waiting'> {
  const d = await webhooksRepo.get(id);
  if (!d) throw new Error(`webhook delivery ${id} not found`);
  if (d.status !== 'PENDING') return d.status;
  const due = notBefore ?? d.nextAttemptAt;
  if (due && Date.parse(due) > Date.now() + 1000) {
    await schedule(id, new Date(due)); // still in a chained wait
    return 'waiting';
  }
  const provider = await cashoutProvidersRepo.get(d.provider);
  if (!provider) throw new Error(`provider ${d.provider} not found`);
  const timestamp = Math.floor(Date.now() / 1000);
  const signatures = (await signingSecrets(provider)).map((s) => signWebhook(s, d.id, timestamp, d.body));
  const started = Date.now();
  let status: number | undefined;
  let error: string | undefined;
  let refused = false;
  const signal = AbortSignal.timeout(WEBHOOK_TIMEOUT_MS);
  try {
    status = (
      await send(provider.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'webhook-id': d.id, 'webhook-timestamp': String(timestamp), 'webhook-signature': signatures.join(' '), 'user-agent': 'rewards-webhooks/1' },
        body: d.body,
        signal,
      })
    ).status;
  } catch (err) {
    refused = err instanceof OutboundRefusedError;
    if (refused) error = (err as Error).message;
    else if (signal.aborted || (err as Error).name === 'TimeoutError') error = `no answer within ${WEBHOOK_TIMEOUT_MS / 1000} s`;
    else error = describeNetworkError(err);
  }
  const ok = status !== undefined && status >= 200 && status < 300;
  const attemptNo = d.attempts.length + 1;
  const delay = RETRY_SCHEDULE_SECONDS[attemptNo];
  const next = ok || delay === undefined ? undefined : new Date(Date.now() + delay * 1000);
  const outcome = ok ? 'DELIVERED' : next ? 'PENDING' : 'FAILED';
  const recorded = await webhooksRepo.recordAttempt(d, { at: new Date(started).toISOString(), ms: refused ? 0 : Date.now() - started, ...(status !== undefined ? { status } : {}), ...(error ? { error } : {}) }, outcome, next?.toISOString());
  if (!recorded) return (await webhooksRepo.get(id))!.status; // a concurrent delivery of the same message counted first
  log.info('webhook attempt', { id, provider: d.provider, attempt: attemptNo, status, error, outcome });
  if (next) await schedule(id, next);
  return outcome;
}

export async function listWebhooks(provider: string, limit = 50) {
  const items = await webhooksRepo.listByProvider(provider, limit);
  return {
    webhooks: items.map((d) => ({
      id: d.id,
      uuid: d.claimUuid,
      status: d.status.toLowerCase() as Lowercase<WebhookStatus>,
      attempts: d.attempts.length,
      last_attempt: d.attempts.at(-1) ?? null,
      next_attempt_at: d.nextAttemptAt ?? null,
      created_at: d.createdAt,
    })),
  };
}

/** At most one replay of a delivery per this many seconds. */
export const REPLAY_MIN_INTERVAL_SECONDS = 10;
/** At most this many replays per provider per UTC minute. */
export const REPLAYS_PER_PROVIDER_PER_MINUTE = 20;

/** Sends a delivery again now (same id and body), whatever its status; rate-limited per delivery and per provider. */
export async function replayWebhook(provider: string, id: string): Promise<{ result: 'ok'; id: string }> {
  const d = await webhooksRepo.get(id);
  if (!d || d.provider !== provider) throw fail('webhook_not_found', 'no such webhook delivery');
  const now = new Date();
  const notAfter = new Date(now.getTime() - REPLAY_MIN_INTERVAL_SECONDS * 1000).toISOString();
  if (!(await webhooksRepo.reopenForReplay(d, now, notAfter, REPLAYS_PER_PROVIDER_PER_MINUTE))) {
    throw fail('replay_rate_limited', `too many replays: at most one per delivery every ${REPLAY_MIN_INTERVAL_SECONDS} s and ${REPLAYS_PER_PROVIDER_PER_MINUTE} per provider per minute; try again later`);
  }
  await publish('webhookDeliveries', { type: 'webhook-delivery', id });
  return { result: 'ok', id };
}
