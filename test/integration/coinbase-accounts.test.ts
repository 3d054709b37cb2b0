/**
 * Connecting Coinbase accounts against the stack and its Coinbase emulator: the OAuth round trip through the
 * platform's routes, a wrong or used state, a refused code; the accounts list and disconnecting (a user's own
 * only); tokens refreshed on expiry, and a revoked refresh token in the contract's words.
 */
import { describe, expect, it } from 'vitest';
import { coinbaseSettings } from '../../lib/exchanges/coinbase.js';
import { coinbaseConnectionsRepo, freshCoinbaseUser } from '../../lib/exchanges/coinbase-accounts.js';
import { call, newUser, ticket } from '../fixtures/payments.js';
import { stack, uniq } from '../fixtures/stack.js';

const emulator = () => coinbaseSettings().apiUrl;
const control = (path: string, body: unknown) => fetch(`${emulator()}/__emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

/** Starts a connection as the user, consents on the emulator's page as `email`, and follows Coinbase's redirect back: the callback's answer. */
async function connect(userTicket: string, email: string, tamper?: (back: URL) => void): Promise<{ status: number; text: string; back: URL }> {
  const started = await fetch(`${stack().apiUrl}/payments-service/coinbase/connect?redirect=true`, { headers: { authenticateit_identity_ticket: userTicket }, redirect: 'manual' });
  expect(started.status).toBe(302);
  const authorize = new URL(started.headers.get('location')!);
  expect(((await started.json()) as { authorize_url: string }).authorize_url).toBe(authorize.toString());
  expect((await fetch(authorize)).status).toBe(200); // the consent page
  const form = new URLSearchParams(authorize.searchParams);
  form.set('other_email', email);
  form.set('decision', 'approve');
  const consent = await fetch(new URL('/oauth/authorize', authorize), { method: 'POST', body: form, redirect: 'manual' });
  const back = new URL(consent.headers.get('location')!);
  tamper?.(back);
  const page = await fetch(back);
  return { status: page.status, text: await page.text(), back };
}

describe('connecting a Coinbase account', () => {
  it('connects through the consent page, lists it, and disconnects it (its tokens gone)', async () => {
    const user = newUser();
    const me = await ticket(user);
    const email = `${uniq('cb')}@example.com`;
    const plain = await call('GET', '/payments-service/coinbase/connect', me); // the URL for the app to open
    expect(plain).toEqual({ status: 200, body: { authorize_url: expect.stringMatching(/\/oauth\/authorize\?.*state=/), expires_at: expect.stringMatching(/Z$/) } });
    const { status, text, back } = await connect(me, email);
    expect(back.pathname).toBe('/payments-service/coinbase/callback');
    expect([status, text]).toEqual([200, expect.stringContaining('Coinbase account connected')]);
    const listed = (await call('GET', '/payments-service/coinbase/account', me)).body.accounts;
    expect(listed).toEqual([expect.objectContaining({ email, resource: 'user', resource_path: `/v2/users/${listed[0].id}`, ts: expect.stringMatching(/Z$/) })]);
    expect((await call('GET', '/payments-service/withdrawal/account', me)).body.accounts).toEqual([{ ...listed[0], currency: 'AUD', type: 'coinbase_account' }]);
    const stored = await coinbaseConnectionsRepo.get(user, listed[0].id);
    expect(JSON.stringify(stored?.tokens)).not.toContain('access'); // sealed: no token text at rest

    // The same state again: refused, nothing connected twice.
    const replay = await fetch(back);
    expect([replay.status, await replay.text()]).toEqual([400, expect.stringContaining('start connecting again')]);

    // Someone else cannot disconnect it; its owner can.
    const other = await call('POST', '/payments-service/coinbase/account/remove', await ticket(newUser()), { accounts: [listed[0].id] });
    expect([other.status, other.body.error_id]).toEqual([404, 'payments-coinbase_account_not_found']);
    const removed = await call('POST', '/payments-service/coinbase/account/remove', me, { accounts: [listed[0].id] });
    expect(removed.body).toEqual({ accounts: [{ ...listed[0], type: 'coinbase_account', inactive: true }] });
    expect((await call('GET', '/payments-service/coinbase/account', me)).body).toEqual({ accounts: [] });
    expect((await call('GET', '/payments-service/withdrawal/account', me)).body.accounts).toEqual([]);
    await expect(freshCoinbaseUser(user, listed[0].id)).rejects.toMatchObject({ code: 'coinbase_no_stored_tokens', message: 'Coinbase tokens has not been found.' });
  });

  it('refuses an unknown state and a code Coinbase refuses, connecting nothing', async () => {
    const user = newUser();
    const me = await ticket(user);
    const badState = await connect(me, `${uniq('cb')}@example.com`, (back) => back.searchParams.set('state', 'not-a-state-we-gave'));
    expect(badState.status).toBe(400);
    const badCode = await connect(me, `${uniq('cb')}@example.com`, (back) => back.searchParams.set('code', 'not-a-code'));
    expect([badCode.status, badCode.text]).toEqual([400, expect.stringContaining("Can&#39;t get tokens by code.")]);
    expect((await call('GET', '/payments-service/coinbase/account', me)).body).toEqual({ accounts: [] });
    const denied = await fetch(`${stack().apiUrl}/payments-service/coinbase/callback?error=access_denied&state=x`);
    expect(denied.status).toBe(400);
  });

  it('refreshes an expired access token once, also under concurrent reads; a revoked refresh token is the contract error', async () => {
    const user = newUser();
    const email = `${uniq('cb')}@example.com`;
    await connect(await ticket(user), email);
    const [account] = (await call('GET', '/payments-service/coinbase/account', await ticket(user))).body.accounts;
    const before = (await coinbaseConnectionsRepo.get(user, account.id))!.version;
    expect((await freshCoinbaseUser(user, account.id)).email).toBe(email); // fresh: no refresh
    expect((await coinbaseConnectionsRepo.get(user, account.id))!.version).toBe(before);

    await control('users/expire-tokens', { email });
    const profiles = await Promise.all(Array.from({ length: 5 }, () => freshCoinbaseUser(user, account.id)));
    expect(profiles.map((p) => p.email)).toEqual(Array(5).fill(email));
    expect((await coinbaseConnectionsRepo.get(user, account.id))!.version).toBeGreaterThan(before);

    await control('users/expire-tokens', { email });
    await control('users/revoke-refresh-tokens', { email });
    await expect(freshCoinbaseUser(user, account.id)).rejects.toMatchObject({ code: 'coinbase_no_tokens_by_refresh_token', message: "Can't get tokens by refresh token.", details: [] });
  });
});
