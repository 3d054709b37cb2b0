/**
 * The withdrawal history against the stack: bank cash-outs and Ethereum transfers newest first, chunks that cover
 * every entry once, a cash-out's status as the worker settles it, chunk ids that reach no other history; and the
 * withdrawal limits and karma applied to Ethereum transfers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { getBalance, postEntry } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { chunkIdAfter } from '../../lib/withdrawals/history.js';
import { withdrawalMonthsRepo } from '../../lib/withdrawals/repository.js';
import { withdrawalHistorySchema } from '../../lib/withdrawals/schema.js';
import { call, earnCoins, newUser, ticket } from '../fixtures/payments.js';
import { randomAddress, uniq, waitFor } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const HISTORY = '/payments-service/withdrawal/history/get';
const system = () => ticket('urn:authenticateit:user:operator', { roles: ['system'] });
const bank = { country: '036', city: 'Melbourne', bank: 'SomeBank', name: "User's account", bsb: '355896', account: '123456789', description: 'My account', postcode: '6646' };

beforeAll(async () => {
  // 0.012 AUD per coin: the basic level's 20 AUD a month is 1666.66... coins.
  await setRates({ aud: '0.012', usd: '0.008' });
});

const ethTransfer = (t: string, coins: bigint) => call('POST', '/payments-service/user/ethereum/transfer', t, { address: randomAddress(), coins: coins.toString(), fee: COIN.toString() });

async function cashout(t: string, account: string, coins: bigint) {
  const res = await call('POST', '/cashout/transfer', t, { account: { id: account }, coins: coins.toString(), version: 'v2' });
  expect(res.status).toBe(200);
  return res.body;
}

/** Every chunk from the newest, `limit` entries each. */
async function allChunks(t: string, limit: number): Promise<any[][]> {
  const chunks: any[][] = [];
  let chunkId: string | null = null;
  do {
    const res = await call('POST', HISTORY, t, chunkId === null ? { limit } : { chunk_id: chunkId, limit });
    expect(res.status).toBe(200);
    expect(() => withdrawalHistorySchema.parse(res.body)).not.toThrow();
    chunks.push(res.body.history);
    chunkId = res.body.next;
  } while (chunkId !== null && chunks.length < 20);
  return chunks;
}

describe('POST /payments-service/withdrawal/history/get', () => {
  it('pages bank cash-outs and Ethereum transfers newest first; the chunks cover every entry once', async () => {
    const user = newUser();
    const me = await ticket(user);
    await earnCoins(user, 1000n * COIN);
    const account = (await call('POST', '/cashout/account', me, { account: bank })).body.id as string;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) {
      const res = i % 3 === 0 ? { body: await cashout(me, account, (200n + BigInt(i)) * COIN) } : await ethTransfer(me, BigInt(i + 1) * COIN);
      ids.push(res.body.id);
    }
    const chunks = await allChunks(me, 3);
    expect(chunks.map((c) => c.length)).toEqual([3, 3, 1]);
    const entries = chunks.flat();
    expect(entries.map((e) => e.id)).toEqual([...ids].reverse());
    expect(entries.map((e) => e.type ?? 'ethereum')).toEqual(['cashout', 'ethereum', 'ethereum', 'cashout', 'ethereum', 'ethereum', 'cashout']);
    // The default chunk holds them all, and says it is the last.
    const whole = await call('POST', HISTORY, me, {});
    expect([whole.body.history.length, whole.body.next]).toEqual([7, null]);
    expect((await call('POST', HISTORY, me, { chunk_id: null })).body.history.map((e: { id: string }) => e.id)).toEqual(entries.map((e) => e.id));
  });

  it('shows a cash-out in the shape of its type, pending until the bank pays it, then success', async () => {
    const user = newUser();
    const me = await ticket(user);
    await earnCoins(user, 1000n * COIN);
    const account = (await call('POST', '/cashout/account', me, { account: bank })).body.id as string;
    const sent = await cashout(me, account, 300n * COIN);
    const settled = await waitFor('the cash-out paid', async () => {
      const [entry] = (await call('POST', HISTORY, me, {})).body.history;
      return entry.status === 'success' && entry;
    });
    // 300 coins at 0.012 AUD: 3.60; the fee (59% of 10 gas coins + AUD 1.50) is taken out of them.
    expect(settled).toEqual({
      account: { ...bank, id: account },
      coins: '300000000000000000000',
      converted_aud_value: 3.6,
      converted_value: sent.converted_value,
      currency: 'aud',
      fee_summary: sent.fee,
      hash: null,
      id: sent.id,
      status: 'success',
      ts: sent.ts,
      type: 'cashout',
    });
    expect(sent.converted_value).toBe(2.03);
  });

  it('never shows another user\'s withdrawals, and refuses a chunk id it did not give', async () => {
    const owner = newUser();
    await earnCoins(owner, 100n * COIN);
    const theirs = await ethTransfer(await ticket(owner), 5n * COIN);
    expect(theirs.status).toBe(200);
    const other = await ticket(newUser());
    expect((await call('POST', HISTORY, other, {})).body).toEqual({ history: [], next: null });
    // A chunk id made from the owner's entry reads the caller's own history after that time: still nothing of the owner's.
    const after = chunkIdAfter(`${new Date(Date.now() + 60_000).toISOString()}#${theirs.body.id.split(':').pop()}`);
    expect((await call('POST', HISTORY, other, { chunk_id: after })).body).toEqual({ history: [], next: null });
    for (const chunk_id of ['urn:authenticateit:transactions_history_chunk:2222222-4785-4bf9-b55d-30d4f1d86c7b', 'nope', `urn:authenticateit:transactions_history_chunk:${Buffer.from('USER#x').toString('base64url')}`]) {
      const bad = await call('POST', HISTORY, other, { chunk_id });
      expect([bad.status, bad.body.error_id]).toEqual([400, 'payments-bad_chunk_id']);
    }
    const badLimit = await call('POST', HISTORY, other, { limit: 0 });
    expect([badLimit.status, badLimit.body.error_id]).toEqual([400, 'payments-bad_limit']);
  });
});

describe('Ethereum transfers within the withdrawal limits', () => {
  it('refuses a transfer beyond the month\'s room, and one while karma locks withdrawals', async () => {
    const user = newUser();
    const me = await ticket(user);
    await earnCoins(user, 50n * COIN);
    const over = await ethTransfer(me, 50n * COIN); // 50 + the 1-coin fee: beyond the 50 earned
    expect([over.status, over.body.error_id]).toEqual([422, 'payments-over_withdrawal_limit']);
    expect(over.body.error_data).toMatchObject({ debit_coins: '51000000000000000000', rest_coins: '50000000000000000000', rest_type: 'rest_based_earnings' });
    expect((await ethTransfer(me, 49n * COIN)).status).toBe(200);
    expect(await getBalance(accountIds.userCoins(user))).toBe(0n);

    const locked = newUser();
    await earnCoins(locked, 50n * COIN);
    expect((await call('POST', '/payments-service/withdrawal/profile', await system(), { user: locked, karma: 10 })).status).toBe(200);
    const refused = await ethTransfer(await ticket(locked), 5n * COIN);
    expect([refused.status, refused.body.error_id]).toEqual([403, 'payments-withdrawals_locked']);
    expect(await getBalance(accountIds.userCoins(locked))).toBe(50n * COIN);
  });

  it('20 concurrent transfers that together exceed the limit (not the balance) never overshoot it', async () => {
    const user = newUser();
    const me = await ticket(user);
    await earnCoins(user, 10n * COIN); // room for exactly 5 transfers of 1 coin + the 1-coin fee
    await postEntry({
      idempotencyKey: uniq('not-earned'),
      kind: 'test',
      postings: [
        { account: accountIds.external('main'), amount: -100n * COIN, allowNegative: true },
        { account: accountIds.userCoins(user), amount: 100n * COIN },
      ],
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => ethTransfer(me, COIN)));
    expect(results.filter((r) => r.status === 200)).toHaveLength(5);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 422 && r.body.error_id === 'payments-over_withdrawal_limit')).toBe(true);
    expect((await withdrawalMonthsRepo.list(user)).map((m) => m.transferCoins)).toEqual([10n * COIN]);
    expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN);
  });
});
