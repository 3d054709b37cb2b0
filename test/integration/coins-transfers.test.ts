/**
 * User coin transfers against the stack: Idempotency-Key on transfer requests, and moderator links of a
 * moderator no longer on the list.
 */
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { moderationCode } from '../../lib/coins/moderation.js';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import { issueTicket } from '../../lib/identity/tickets.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { earnCoins } from '../fixtures/payments.js';
import { identityIssuer, randomAddress, stack, uniq, waitFor } from '../fixtures/stack.js';

const TRANSFER = '/payments-service/user/ethereum/transfer';
const COIN = 10n ** 18n;
const fee = COIN.toString();

// Earned coins: a transfer is a withdrawal, within the month's limits (the earnings, and 20 AUD at 0.012 AUD a coin).
beforeAll(() => setRates({ aud: '0.012' }));

async function userWithCoins(amount: bigint) {
  const sub = `urn:authenticateit:user:${uniq('xfer')}`;
  await earnCoins(sub, amount);
  return { sub, ticket: await issueTicket(identityIssuer(), { sub }) };
}

async function request(ticket: string, body: Record<string, unknown>, idempotencyKey?: string) {
  const res = await fetch(stack().apiUrl + TRANSFER, {
    method: 'POST',
    headers: { authenticateit_identity_ticket: ticket, 'content-type': 'application/json', ...(idempotencyKey !== undefined ? { 'Idempotency-Key': idempotencyKey } : {}) },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

const history = async (ticket: string) =>
  ((await (await fetch(`${stack().apiUrl}${TRANSFER}/history`, { headers: { authenticateit_identity_ticket: ticket } })).json()) as { history: { id: string; status: string }[] }).history;

describe('Idempotency-Key on transfer requests', () => {
  it('a retry with the same key and body answers the same transfer and holds the coins once', async () => {
    const { sub, ticket } = await userWithCoins(10n * COIN);
    const body = { address: randomAddress(), coins: (3n * COIN).toString(), fee };
    const key = uniq('retry');
    const first = await request(ticket, body, key);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ ...body, status: 'pending', hash: null });
    // The same request again, the address in lower case and coins as a JSON number: the same request.
    const again = await request(ticket, { ...body, address: body.address.toLowerCase(), coins: Number(3n * COIN) }, key);
    expect(again).toEqual({ status: 200, body: first.body });
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(6n * COIN);
    expect((await history(ticket)).map((h) => h.id)).toEqual([first.body.id]);
    // Without a key, the same body is a new transfer.
    const fresh = await request(ticket, body);
    expect(fresh.status).toBe(200);
    expect(fresh.body.id).not.toBe(first.body.id);
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(2n * COIN);
  });

  it('10 parallel requests with one key create one transfer', async () => {
    const { sub, ticket } = await userWithCoins(10n * COIN);
    const body = { address: randomAddress(), coins: COIN.toString(), fee };
    const key = uniq('parallel');
    const answers = await Promise.all(Array.from({ length: 10 }, () => request(ticket, body, key)));
    expect(answers.map((a) => a.status)).toEqual(Array(10).fill(200));
    expect(new Set(answers.map((a) => a.body.id)).size).toBe(1);
    expect(await history(ticket)).toHaveLength(1);
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(8n * COIN);
  });

  it('the same key with another body is a 409 and holds nothing; keys are per user', async () => {
    const { sub, ticket } = await userWithCoins(10n * COIN);
    const body = { address: randomAddress(), coins: COIN.toString(), fee };
    const key = uniq('reused');
    const first = await request(ticket, body, key);
    expect(first.status).toBe(200);
    for (const other of [{ ...body, coins: (2n * COIN).toString() }, { ...body, address: randomAddress() }, { ...body, fee: (2n * COIN).toString() }]) {
      const res = await request(ticket, other, key);
      expect(res.status).toBe(409);
      expect(res.body).toMatchObject({ error_id: 'payments-idempotency_key_reused', error_data: null, error_object: null });
    }
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(8n * COIN);
    // Another user's request with the same key is that user's own.
    const someoneElse = await userWithCoins(10n * COIN);
    const theirs = await request(someoneElse.ticket, body, key);
    expect(theirs.status).toBe(200);
    expect(theirs.body.id).not.toBe(first.body.id);
  });

  it('an expired key (not yet deleted by TTL) no longer answers: the request creates a new transfer', async () => {
    const { sub, ticket } = await userWithCoins(10n * COIN);
    const key = uniq('expired');
    const past = new Date(Date.now() - 25 * 3600_000);
    await ddb().send(
      new PutCommand({
        TableName: tableName(),
        Item: { ...keys.coinTransferRequestKey(sub, key), type: 'TransferRequestKey', user: sub, uuid: 'old-transfer', fingerprint: 'other', expiresAt: Math.floor(past.getTime() / 1000) + 24 * 3600, createdAt: past.toISOString(), updatedAt: past.toISOString() },
      }),
    );
    const res = await request(ticket, { address: randomAddress(), coins: COIN.toString(), fee }, key);
    expect(res.status).toBe(200);
    expect(res.body.id).not.toContain('old-transfer');
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(8n * COIN);
  });

  it('refuses a key over 255 characters or not printable ASCII with payments-bad_idempotency_key', async () => {
    const { sub, ticket } = await userWithCoins(10n * COIN);
    const body = { address: randomAddress(), coins: COIN.toString(), fee };
    for (const key of ['k'.repeat(256), 'clé-1']) {
      const res = await request(ticket, body, key);
      expect(res.status, key).toBe(400);
      expect(res.body.error_id).toBe('payments-bad_idempotency_key');
    }
    expect((await request(ticket, body, 'k'.repeat(255))).status).toBe(200);
    expect(await getBalance(keys.accountIds.userCoins(sub))).toBe(8n * COIN);
  });
});

describe('moderator links of a moderator no longer on the list', () => {
  const decisionUrl = (code: string, decision: string) => `${stack().apiUrl}/user/ethereum/transfer/${code}/${decision}`;

  it('are refused with a 403 page on the GET and the POST, and decide nothing; a listed moderator in another letter case is not', async () => {
    const { ticket } = await userWithCoins(10n * COIN);
    const t = await request(ticket, { address: randomAddress(), coins: COIN.toString(), fee });
    const uuid = String(t.body.id).split(':').pop()!;
    // Signed with the stack's moderation secret, for someone the stack's MODERATORS does not list.
    const removed = moderationCode(uuid, 'former-moderator@rewards.local');
    for (const method of ['GET', 'POST']) {
      const res = await fetch(decisionUrl(removed, 'approve'), { method });
      expect(res.status, method).toBe(403);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(await res.text()).toContain('this approval link is no longer valid');
    }
    expect((await history(ticket))[0]!.status).toBe('pending');
    const listed = await fetch(decisionUrl(moderationCode(uuid, 'MODERATOR1@rewards.local'), 'reject'));
    expect(listed.status).toBe(200);
    expect(await listed.text()).toContain('Reject this transfer?');
  });
});

describe('an approved transfer in the histories', () => {
  it('is pending until its chain payout confirms, then success with the transaction hash (transfer and withdrawal histories)', async () => {
    const { ticket } = await userWithCoins(10n * COIN);
    const pending = await request(ticket, { address: randomAddress(), coins: (2n * COIN).toString(), fee });
    const other = await request(ticket, { address: randomAddress(), coins: COIN.toString(), fee });
    const uuid = String(pending.body.id).split(':').pop()!;
    // A listed moderator approves the first by the form its link's page posts.
    const approved = await fetch(`${stack().apiUrl}/user/ethereum/transfer/${moderationCode(uuid, 'moderator1@rewards.local')}/approve`, { method: 'POST' });
    expect(approved.status).toBe(200);
    const settled = await waitFor('the approved transfer settled on chain', async () => {
      const h = await history(ticket);
      const entry = h.find((e) => e.id === pending.body.id) as { status: string; hash: string | null } | undefined;
      return entry?.status === 'success' && entry;
    });
    expect(settled.hash).toMatch(/^0x[0-9a-f]{64}$/);
    const entries = (await (await fetch(`${stack().apiUrl}/payments-service/withdrawal/history/get`, { method: 'POST', headers: { authenticateit_identity_ticket: ticket, 'content-type': 'application/json' }, body: '{}' })).json()) as { history: { id: string; status: string; hash: string | null }[] };
    expect(entries.history.map((e) => [e.id, e.status, e.hash])).toEqual([
      [other.body.id, 'pending', null],
      [pending.body.id, 'success', settled.hash],
    ]);
  });
});
