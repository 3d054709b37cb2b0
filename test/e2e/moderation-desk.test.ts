/**
 * The moderation desk in a real headless Chromium at a phone's size: a moderator signs in with a system ticket
 * from the URL fragment, sees the pending Poloniex transfers with the user as their ticket described them,
 * reviews one, approves it with one confirmation (it is sent), rejects another (the coins come back); a user's
 * ticket is refused. The page loads nothing but itself and the platform's routes. Skipped, saying so, when
 * Chromium is not installed (.ci/run installs it).
 */
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { poloniexAccountId } from '../../lib/exchanges/poloniex-accounts.js';
import { exchangeTransfersRepo } from '../../lib/exchanges/transfer-records.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { call, earnCoins, newUser, ticket } from '../fixtures/payments.js';
import { randomAddress, stack, uniq, waitFor } from '../fixtures/stack.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const hasChromium = existsSync(CHROMIUM);
if (!hasChromium) console.warn(`[moderation-desk] skipped: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);

const COIN = 10n ** 18n;
const MODERATOR = 'urn:authenticateit:user:desk-moderator';
const uuidOf = (code: string) => code.replace('urn:authenticateit:transaction_request:', '').replace(/:manual$/, '');

describe.skipIf(!hasChromium)('the moderation desk in Chromium', () => {
  let sys: string;
  let user: string;
  let email: string;
  const ids: string[] = [];

  beforeAll(async () => {
    await setRates({ aud: '0.012' });
    sys = await ticket(MODERATOR, { roles: ['system'] });
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'active' });
    user = newUser();
    email = `${uniq('desk')}@example.com`;
    const me = await ticket(user, { profile: { email, given_name: 'Grace', family_name: 'Hopper' } });
    await earnCoins(user, 100n * COIN);
    const address = randomAddress();
    await call('POST', '/payments-service/poloniex/account', me, { address });
    for (const coins of [10n, 20n]) {
      const res = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (coins * COIN).toString(), id: poloniexAccountId(user, address) });
      expect(res.status).toBe(200);
      ids.push(`${res.body.id}:manual`);
    }
  });
  afterAll(async () => {
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'inactive' });
  });

  it('reviews, approves and rejects with one confirmation each, on a phone', async () => {
    const api = stack().apiUrl;
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 390, height: 844 } });
      const origins = new Set<string>();
      page.on('request', (r) => origins.add(new URL(r.url()).origin));
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));

      const res = await page.goto(`${api}/payments-service/moderation/desk#ticket=${sys}`);
      expect(res!.headers()['content-security-policy']).toMatch(/script-src 'sha256-/);
      expect(page.url()).not.toContain('ticket='); // the fragment is dropped once kept in the tab
      const approveRow = page.locator(`li.transfer[data-id="${ids[0]}"]`);
      await approveRow.waitFor({ timeout: 15_000 });
      expect(await approveRow.textContent()).toContain(`Grace Hopper · ${email}`);
      expect(await approveRow.textContent()).toContain('10 coins');

      await approveRow.locator('button.open').click();
      await approveRow.locator('h3', { hasText: 'Limits this month' }).waitFor();
      expect(await approveRow.locator('.review').textContent()).toContain('Balance when asked');
      await approveRow.locator('button.approve').click();
      expect(await approveRow.locator('.confirm').textContent()).toContain('Approve: send 10 coins');
      // Cancel leaves it pending; the second try confirms.
      await approveRow.locator('button.confirm-no').click();
      expect((await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!.moderation).toBe('pending');
      await approveRow.locator('button.approve').click();
      await approveRow.locator('button.confirm-yes').click();
      await page.locator(`#decision[data-decided="${ids[0]}"]`).waitFor();
      expect(await page.textContent('#decision')).toContain('Approved');
      const approved = (await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!;
      expect([approved.moderation, approved.moderatedBy]).toEqual(['manual_approved', MODERATOR]);
      await waitFor('the approved transfer sent', async () => ['sent', 'completed'].includes((await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!.status));

      // The list now shows the other one only (pending ones).
      const rejectRow = page.locator(`li.transfer[data-id="${ids[1]}"]`);
      await rejectRow.waitFor();
      expect(await page.locator(`li.transfer[data-id="${ids[0]}"]`).count()).toBe(0);
      await rejectRow.locator('button.open').click();
      await rejectRow.locator('button.reject').click();
      await rejectRow.locator('button.confirm-yes').click();
      await page.locator(`#decision[data-decided="${ids[1]}"]`).waitFor();
      expect(await page.textContent('#decision')).toContain('Rejected');
      expect((await exchangeTransfersRepo.get(uuidOf(ids[1]!)))!.moderation).toBe('manual_rejected');
      const t0 = (await exchangeTransfersRepo.get(uuidOf(ids[0]!)))!;
      expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN - t0.debitCoins);

      // Every decision shows in the whole list.
      await page.selectOption('#show', 'all');
      await page.locator(`li.transfer[data-id="${ids[1]}"][data-status="manual_rejected"]`).waitFor();
      expect([...origins]).toEqual([new URL(api).origin]);
      expect(errors).toEqual([]);

      // A user's ticket cannot moderate: the desk says so and asks for another.
      await page.click('#signout');
      await page.fill('#ticket', await ticket(user));
      await page.click('#signin button[type=submit]');
      await page.locator('#message[data-kind="error"]').waitFor();
      expect(await page.textContent('#message')).toMatch(/system role/);
      expect(await page.isVisible('#signin')).toBe(true);
    } finally {
      await browser.close();
    }
  });
});
