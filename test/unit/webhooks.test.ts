import { describe, expect, it } from 'vitest';
import { RETRY_SCHEDULE_SECONDS, signWebhook, verifyWebhook } from '../../lib/cashout/webhooks.js';
import { expiryValid, luhnValid } from '../../lib/cashout/schema.js';

describe('webhook signatures (Standard Webhooks)', () => {
  const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
  const id = 'msg_p5jXN8AQM9LWM0D4loKWxJek';
  const body = '{"test": 2432232314}';

  it('matches the reference vector', () => {
    expect(signWebhook(secret, id, 1614265330, body)).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });

  it('verifies a fresh delivery and refuses a tampered body, a stale timestamp or another secret', () => {
    const now = Date.now();
    const ts = Math.floor(now / 1000);
    const headers = { 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': `v1,bogus ${signWebhook(secret, id, ts, body)}` };
    expect(verifyWebhook(secret, headers, body, 300, now)).toBe(true);
    expect(verifyWebhook(secret, headers, body.replace('2432232314', '2432232315'), 300, now)).toBe(false);
    expect(verifyWebhook(secret, headers, body, 300, now + 600_000)).toBe(false);
    expect(verifyWebhook('whsec_' + Buffer.alloc(24, 1).toString('base64'), headers, body, 300, now)).toBe(false);
  });

  it('retries on the published schedule: 8 attempts over about 27.6 hours', () => {
    expect(RETRY_SCHEDULE_SECONDS).toEqual([0, 5, 300, 1800, 7200, 18000, 36000, 36000]);
  });
});

describe('card checks', () => {
  it('Luhn and expiry', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    const now = new Date('2026-11-22T00:00:00Z');
    expect(expiryValid('2611', now)).toBe(true);
    expect(expiryValid('2610', now)).toBe(false);
    expect(expiryValid('2613', now)).toBe(false);
  });
});
