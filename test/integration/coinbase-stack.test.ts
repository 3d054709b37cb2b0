/**
 * The stack's Coinbase emulator with the configuration the stack gives the functions: the OAuth client and the
 * platform's API key the functions get are the ones the emulator (a child process of the stack) accepts.
 */
import { describe, expect, it } from 'vitest';
import { coinbaseClient, coinbaseSettings } from '../../lib/exchanges/coinbase.js';

describe('the stack Coinbase emulator', () => {
  it('connects a user and sends to them with the functions’ configuration', async () => {
    const settings = coinbaseSettings();
    expect(settings.apiUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const coinbase = coinbaseClient(settings);
    const email = `stack-${Date.now()}@example.com`;
    const redirectUri = 'http://localhost/coinbase/callback';

    const authorize = new URL(coinbase.authorizeUrl({ state: 'stack-state-1', redirectUri }));
    expect((await fetch(authorize)).status).toBe(200);
    const form = new URLSearchParams(authorize.searchParams);
    form.set('other_email', email);
    form.set('decision', 'approve');
    const back = await fetch(new URL('/oauth/authorize', settings.authorizeUrl), { method: 'POST', body: form, redirect: 'manual' });
    const code = new URL(back.headers.get('location')!).searchParams.get('code')!;
    const tokens = await coinbase.tokensForCode(code, redirectUri);
    expect((await coinbase.userOf(tokens.accessToken)).email).toBe(email);

    const sent = await coinbase.send({ to: email, amount: '1.25', idem: `stack-${email}` });
    expect(sent).toMatchObject({ outcome: 'completed', amount: '1.250000', currency: settings.currency, to: { email } });
    const balance = (await (await fetch(`${settings.apiUrl}/__emulator/balance?owner=${encodeURIComponent(email)}&currency=${settings.currency}`)).json()) as { amount: string };
    expect(balance.amount).toBe('1.250000');
  });
});
