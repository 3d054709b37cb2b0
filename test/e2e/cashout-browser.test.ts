/**
 * End to end in a real headless Chromium (Debian's, driven by playwright-core): a provider generates a claim,
 * the customer opens the page, enters a sandbox card, submits, sees "paid", and the provider's receiver
 * gets a correctly signed webhook. Skipped, saying so, when Chromium is not installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../lib/cashout/webhooks.js';
import { stack, startWebhookReceiver, uniq, waitFor, type WebhookReceiver } from '../fixtures/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[cashout-browser] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe.skipIf(!hasChromium)('cash-out claim page in Chromium', () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(204);
  });
  afterAll(() => receiver.close());

  it('generate -> open -> pay with a sandbox card -> "paid" -> signed webhook', async () => {
    const api = stack().apiUrl;
    const name = uniq('browser').replace(/-/g, '_');
    const reg = (await (
      await fetch(`${api}/cashout/register`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ name, pan: '5555555555554444', expDate: '3012', ipin: '0000', consent: true, endpoint: receiver.url }),
      })
    ).json()) as { api_key: string; webhook_secret: string };
    const { uuid } = (await (
      await fetch(`${api}/cashout/generate/${name}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${reg.api_key}` },
        body: JSON.stringify({ amount: 100, id: uniq('order') }),
      })
    ).json()) as { uuid: string };

    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } }); // a phone
      await page.goto(`${api}/cashout/claim/${uuid}`);
      expect(await page.textContent('body')).toContain(name);
      await page.fill('#pan', '4111111111111111');
      await page.fill('#expDate', '3012');
      await page.fill('#name', 'Browser Customer');
      await page.fill('#mobile', '+249912345678');
      await page.click('button[type=submit]');
      await page.waitForSelector('#status[data-status="paid"]', { timeout: 30_000 });
      expect(await page.textContent('#status')).toMatch(/Paid/);
    } finally {
      await browser.close();
    }
    const hook = await waitFor('the signed webhook', async () => receiver.received.find((r) => r.body.includes(uuid)));
    expect(verifyWebhook(reg.webhook_secret, hook.headers, hook.body)).toBe(true);
    expect(JSON.parse(hook.body).details).toMatchObject({ response: 'Approved', code: 0, amount: 100 });
  });
});
