/**
 * The API reference in a real headless Chromium (Debian's, driven by playwright-core) with every request to
 * another origin blocked: the page, Scalar's renderer and the document all come from the stack, the operations
 * render, and the try-it client sends to the stack itself. Skipped, saying so, when Chromium is not installed.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SCALAR_PATH } from '../../lib/docs/page.js';
import { stack } from '../fixtures/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[docs-page] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

describe('GET /docs', () => {
  it('serves the renderer gzipped through the HTTP API', async () => {
    const res = await fetch(`${stack().apiUrl}${SCALAR_PATH}`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toContain('createApiReference'); // fetch decompressed it: the bytes were gzip
  });

  it.skipIf(!hasChromium)('renders the operations offline, and its client sends to this stack', async () => {
    const api = stack().apiUrl;
    const origin = new URL(api).origin;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
      const elsewhere: string[] = [];
      const problems: string[] = [];
      // No internet: anything not from the stack fails (and is recorded).
      await page.route('**/*', (route) => {
        if (new URL(route.request().url()).origin === origin) return route.continue();
        elsewhere.push(route.request().url());
        return route.abort();
      });
      page.on('console', (m) => {
        if (m.type() === 'error') problems.push(m.text()); // CSP violations are reported here
      });
      page.on('pageerror', (e) => problems.push(e.message));

      await page.goto(`${api}/docs`);
      // The sidebar lists every API family; a family's operations show by their summaries.
      for (const tag of ['Partner cashback', 'Cashback cards', 'Cash-out claims', 'Payments service', 'Docs']) {
        await page.getByText(tag, { exact: true }).first().waitFor({ timeout: 30_000 });
      }
      await page.getByText('Docs', { exact: true }).first().click();
      await page.getByText('This OpenAPI 3.1 document', { exact: true }).first().click();
      await expect.poll(() => page.getByText('Human-readable API reference', { exact: true }).count()).toBeGreaterThan(0);

      // Try it: GET /openapi.json from the client goes to the stack that served the page.
      const operation = page
        .locator('div', { has: page.getByText('GET /openapi.json') })
        .filter({ has: page.getByRole('button', { name: /Test Request/ }) })
        .last();
      await operation.getByRole('button', { name: /Test Request/ }).click();
      const client = page.getByRole('dialog');
      await client.waitFor();
      const sent = page.waitForRequest((r) => r.resourceType() === 'fetch' && new URL(r.url()).pathname === '/openapi.json');
      await client.locator('[data-addressbar-action=send]:visible').click();
      const request = await sent;
      expect(new URL(request.url()).origin).toBe(origin);
      expect((await request.response())?.status()).toBe(200);
      await expect.poll(() => client.getByText('"Rewards payments platform"').count()).toBeGreaterThan(0);

      expect(elsewhere).toEqual([]);
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });
});
