/** End to end: transfer request -> moderation mail in maildev -> link (GET decides nothing) -> POST approve -> ERC-20 on anvil; reject returns the coins. */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { issueTicket } from '../../lib/identity/tickets.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { earnCoins } from '../fixtures/payments.js';
import { identityIssuer, mailTo, onChainBalance, randomAddress, stack, uniq, waitFor } from '../fixtures/stack.js';

const MODERATOR = 'moderator1@rewards.local';
const fee = '1000000000000000000';
const coins = '3000000000000000000';

// Earned coins: a transfer is a withdrawal, within the month's limits (the earnings, and 20 AUD at 0.012 AUD a coin).
beforeAll(() => setRates({ aud: '0.012' }));

async function userWithCoins(amount: bigint) {
  const sub = `urn:authenticateit:user:${uniq('mod')}`;
  await earnCoins(sub, amount);
  return { sub, ticket: await issueTicket(identityIssuer(), { sub }) };
}

async function request(ticket: string, address: string) {
  const res = await fetch(`${stack().apiUrl}/payments-service/user/ethereum/transfer`, {
    method: 'POST',
    headers: { authenticateit_identity_ticket: ticket, 'content-type': 'application/json' },
    body: JSON.stringify({ address, coins, fee }),
  });
  return (await res.json()) as { id: string; status: string };
}

/** The moderator's link for this transfer, from the mail maildev received. */
async function link(transferId: string, decision: 'approve' | 'reject'): Promise<string> {
  const all = await waitFor('the moderation mail', async () => {
    const mails = (await (await fetch(`${stack().mailUrl}/api/email`)).json()) as { to: { address: string }[]; text: string }[];
    return mails.find((m) => m.to.some((t) => t.address === MODERATOR) && m.text.includes(transferId));
  });
  const url = new RegExp(`https?://\\S+/user/ethereum/transfer/\\S+/${decision}`).exec(all.text)![0];
  return url.replace(/^https?:\/\/[^/]+/, stack().apiUrl);
}

const history = async (ticket: string) =>
  ((await (await fetch(`${stack().apiUrl}/payments-service/user/ethereum/transfer/history`, { headers: { authenticateit_identity_ticket: ticket } })).json()) as { history: { id: string; status: string; hash: string | null }[] }).history;

describe('moderated transfers end to end', () => {
  it('approve: the GET only confirms, the POST decides once, the tokens arrive on anvil, history says success', async () => {
    const { sub, ticket } = await userWithCoins(10n * 10n ** 18n);
    const to = randomAddress();
    const t = await request(ticket, to);
    expect(t.status).toBe('pending');
    const url = await link(t.id.split(':').pop()!, 'approve');
    await mailTo(MODERATOR);

    const confirm = await fetch(url);
    expect(confirm.status).toBe(200);
    expect(await confirm.text()).toContain('Approve this transfer?');
    expect((await history(ticket))[0]!.status).toBe('pending'); // a prefetch decided nothing

    const [first, second] = await Promise.all([fetch(url, { method: 'POST' }), fetch(url, { method: 'POST' })]);
    const pages = [await first.text(), await second.text()];
    expect(pages.filter((p) => p.includes('Transfer approved'))).toHaveLength(1);
    expect(pages.filter((p) => p.includes('This transfer was approved'))).toHaveLength(1);

    await waitFor('the ERC-20 transfer on anvil', async () => (await onChainBalance(to)) === 3n * 10n ** 18n, 60_000);
    await waitFor('history success', async () => (await history(ticket))[0]!.status === 'success', 30_000);
    expect((await history(ticket))[0]!.hash).toMatch(/^0x[0-9a-f]{64}$/);
    expect(await getBalance(accountIds.userCoins(sub))).toBe(6n * 10n ** 18n);
    const later = await fetch(url);
    expect(await later.text()).toContain(`By ${MODERATOR}`);
  });

  it('reject returns coins and fee; tampered and foreign links are refused', async () => {
    const { sub, ticket } = await userWithCoins(10n * 10n ** 18n);
    const t = await request(ticket, randomAddress());
    expect(await getBalance(accountIds.userCoins(sub))).toBe(6n * 10n ** 18n);
    const url = await link(t.id.split(':').pop()!, 'reject');
    const tampered = url.replace(/\.([A-Za-z0-9_-])/, (_m, c: string) => `.${c === 'A' ? 'B' : 'A'}`);
    expect((await fetch(tampered, { method: 'POST' })).status).toBe(404);
    const res = await fetch(url, { method: 'POST' });
    expect(await res.text()).toContain('Transfer rejected');
    expect(await getBalance(accountIds.userCoins(sub))).toBe(10n * 10n ** 18n);
    expect((await history(ticket))[0]!.status).toBe('rejected');
  });
});
