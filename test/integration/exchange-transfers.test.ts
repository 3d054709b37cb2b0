/**
 * Exchange transfers against the stack and its Coinbase and Poloniex emulators: sent at once when auto-approved,
 * followed to their outcome by the worker; manual approval (pending -> approve -> sent; pending -> reject -> coins
 * back; two concurrent approvals send once); a Poloniex withdrawal ending in error returns the coins once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { transactWrite } from '../../lib/db/transact.js';
import { coinbaseSettings } from '../../lib/exchanges/coinbase.js';
import { startCoinbaseConnect, finishCoinbaseConnect } from '../../lib/exchanges/coinbase-accounts.js';
import { addPoloniexAccount, poloniexAccountId } from '../../lib/exchanges/poloniex-accounts.js';
import { poloniexClient, poloniexSettings, setPoloniex } from '../../lib/exchanges/poloniex.js';
import { exchangeTransfersRepo } from '../../lib/exchanges/transfer-records.js';
import { processExchangeTransfer, requestExchangeTransfer, sweepExchangeTransfers } from '../../lib/exchanges/transfers.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { withdrawalMonthsRepo } from '../../lib/withdrawals/repository.js';
import { call, earnCoins, newUser, ticket } from '../fixtures/payments.js';
import { drainQueue, isolateFromStackWorkers, randomAddress, uniq, waitFor } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const system = () => ticket('urn:authenticateit:user:operator', { roles: ['system'] });
const uuidOf = (id: string) => id.replace('urn:authenticateit:transaction_request:', '');
const poloniexControl = (path: string, body: unknown) => fetch(`${poloniexSettings().apiUrl}/__emulator/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

beforeAll(async () => {
  await setRates({ aud: '0.012' });
  await poloniexControl('settings', { completeAfterMs: 200 });
});
afterAll(async () => {
  await poloniexControl('settings', { completeAfterMs: 3000 });
  const sys = await system();
  for (const exchange of ['coinbase', 'poloniex']) await call('POST', `/payments-service/${exchange}/options`, sys, { manual_approve: 'inactive' });
});

async function connectCoinbase(user: string, email: string): Promise<string> {
  const authorize = new URL((await startCoinbaseConnect(user)).authorize_url);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('other_email', email);
  form.set('decision', 'approve');
  const back = new URL((await fetch(new URL('/oauth/authorize', authorize), { method: 'POST', body: form, redirect: 'manual' })).headers.get('location')!);
  return (await finishCoinbaseConnect(back.searchParams.get('code')!, back.searchParams.get('state')!)).profile.id;
}

async function poloniexUser(coins: bigint): Promise<{ user: string; me: string; id: string; address: string }> {
  const user = newUser();
  const me = await ticket(user);
  await earnCoins(user, coins);
  const address = randomAddress();
  await call('POST', '/payments-service/poloniex/account', me, { address });
  return { user, me, id: poloniexAccountId(user, address), address };
}

const settled = (uuid: string) => waitFor(`exchange transfer ${uuid} settled`, async () => {
  const t = await exchangeTransfersRepo.get(uuid);
  return t && ['completed', 'failed', 'rejected'].includes(t.status) && t;
});

describe('exchange transfers, auto-approved', () => {
  it('a Poloniex withdrawal is made once and followed to COMPLETE; history shows it', async () => {
    await call('POST', '/payments-service/poloniex/options', await system(), { manual_approve: 'inactive' });
    const { user, me, id, address } = await poloniexUser(100n * COIN);
    const res = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (10n * COIN).toString(), id });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ coins: '10000000000000000000', hash: null, status: 'pending', account: { address, id } });
    const t = await settled(uuidOf(res.body.id));
    expect([t.status, t.moderation]).toEqual(['completed', 'auto_approved']);
    expect(t.hash).toMatch(/^\d+$/);
    expect(await getBalance(accountIds.userCoins(user))).toBe(90n * COIN);
    expect(await getBalance(accountIds.exchangeHold(t.uuid))).toBe(0n);
    const history = (await call('POST', '/payments-service/withdrawal/history/get', me, {})).body.history;
    expect(history[0]).toMatchObject({ id: res.body.id, type: 'poloniex', status: 'success', hash: t.hash, coins: '10000000000000000000' });
    // The address shows its latest transfer's outcome.
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'success', is_new: false })]);
  });

  it('a Coinbase send is made once to the connected account', async () => {
    await call('POST', '/payments-service/coinbase/options', await system(), { manual_approve: 'inactive' });
    const user = newUser();
    const me = await ticket(user);
    await earnCoins(user, 100n * COIN);
    const email = `${uniq('cb')}@example.com`;
    const id = await connectCoinbase(user, email);
    const res = await call('POST', '/payments-service/coinbase/transfer', me, { coins: (5n * COIN).toString(), id, pay_fee_with_coins: true });
    expect(res.status).toBe(200);
    const t = await settled(uuidOf(res.body.id));
    expect(t.status).toBe('completed');
    const { sends } = (await (await fetch(`${coinbaseSettings().apiUrl}/__emulator/sends`)).json()) as { sends: { idem: string }[] };
    expect(sends.filter((s) => s.idem === t.uuid)).toHaveLength(1);
  });

  it('a Poloniex withdrawal ending in COMPLETE ERROR returns the coins once and leaves the month', async () => {
    await call('POST', '/payments-service/poloniex/options', await system(), { manual_approve: 'inactive' });
    const { user, me, id, address } = await poloniexUser(100n * COIN);
    await poloniexControl('error-rules', { address });
    const res = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (10n * COIN).toString(), id });
    const t = await settled(uuidOf(res.body.id));
    expect(t.status).toBe('failed');
    expect(JSON.parse(t.serviceResponse!)).toMatchObject({ status: 'failure' });
    expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN);
    expect((await withdrawalMonthsRepo.list(user)).map((m) => m.transferCoins)).toEqual([0n]);
    expect((await call('POST', '/payments-service/withdrawal/history/get', me, {})).body.history[0]).toMatchObject({ status: 'failure', type: 'poloniex' });
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'failure', is_new: false })]);
  });
});

describe('exchange transfers, manual approval', () => {
  it('pending -> two concurrent approvals -> sent once; pending -> reject -> coins back', async () => {
    const sys = await system();
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'active' });
    const { user, me, id } = await poloniexUser(100n * COIN);
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'pending', is_new: true })]);
    const first = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (10n * COIN).toString(), id });
    const uuid = uuidOf(first.body.id);
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'pending', is_new: false })]);
    expect((await exchangeTransfersRepo.get(uuid))).toMatchObject({ status: 'pending', moderation: 'pending' });
    const code = `${first.body.id}:manual`;
    const user403 = await call('POST', '/payments-service/transfer/approve', me, { id: code });
    expect(user403.status).toBe(403);
    const approvals = await Promise.all([call('POST', '/payments-service/transfer/approve', sys, { id: code }), call('POST', '/payments-service/transfer/approve', sys, { id: code })]);
    expect(approvals.map((a) => a.status)).toEqual([200, 200]);
    const t = await settled(uuid);
    expect([t.status, t.moderation, t.moderatedBy]).toEqual(['completed', 'manual_approved', 'urn:authenticateit:user:operator']);
    const { withdrawals } = (await (await fetch(`${poloniexSettings().apiUrl}/__emulator/withdrawals`)).json()) as { withdrawals: { address: string }[] };
    expect(withdrawals.filter((w) => w.address === t.destination)).toHaveLength(1);
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'success' })]);

    const second = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (20n * COIN).toString(), id });
    // The transfer keeps the address as it was asked to: its status then was the first transfer's.
    expect((await exchangeTransfersRepo.get(uuidOf(second.body.id)))!.account).toEqual({ address: t.destination, description: expect.any(String), id, status: 'success', ts: expect.any(String) });
    const rejected = await call('POST', '/payments-service/transfer/reject', sys, { id: `${second.body.id}:manual` });
    expect(rejected.body).toMatchObject({ id: second.body.id, status: 'failure' });
    const again = await call('POST', '/payments-service/transfer/approve', sys, { id: `${second.body.id}:manual` });
    expect(again.body.status).toBe('failure'); // the first decision stands
    expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'failure' })]);
    expect(await getBalance(accountIds.userCoins(user))).toBe(90n * COIN);
    expect((await withdrawalMonthsRepo.list(user)).map((m) => m.transferCoins)).toEqual([10n * COIN]);
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'inactive' });
  });

  it("an address's status is its latest transfer's record, whatever wrote the outcome", async () => {
    const sys = await system();
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'active' });
    try {
      const { me, id } = await poloniexUser(100n * COIN);
      const asked = await call('POST', '/payments-service/poloniex/transfer', me, { coins: (10n * COIN).toString(), id });
      // Only the transfer's record changes (as a process stopped right after the outcome's transaction leaves it).
      await transactWrite([exchangeTransfersRepo.transitionItem(uuidOf(asked.body.id), 'pending', 'rejected')]);
      expect((await call('GET', '/payments-service/poloniex/account', me)).body.accounts).toEqual([expect.objectContaining({ id, status: 'failure', is_new: false })]);
      expect((await call('GET', '/payments-service/withdrawal/account', me)).body.accounts).toContainEqual(expect.objectContaining({ id, type: 'poloniex_account', status: 'failure' }));
    } finally {
      await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'inactive' });
    }
  });
});

describe('exchange transfers, exactly once (the worker run here, the stack workers kept out)', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers({ queues: ['EXCHANGE_TRANSFERS_QUEUE'] });
    await setRates({ aud: '0.012' });
  });
  afterAll(() => {
    setPoloniex(undefined);
    restore();
  });

  async function pending(exchange: 'coinbase' | 'poloniex'): Promise<{ user: string; uuid: string }> {
    const user = newUser();
    await earnCoins(user, 100n * COIN);
    const id = exchange === 'coinbase' ? await connectCoinbase(user, `${uniq('cb')}@example.com`) : (await addPoloniexAccount(user, randomAddress(), '')).accounts[0]!.id;
    const answer = await requestExchangeTransfer(user, exchange, { id, coins: 10n * COIN, payFeeWithCoins: false });
    return { user, uuid: uuidOf(answer.id) };
  }

  it('Coinbase: a worker killed after the send is resolved by our idem, sending once', async () => {
    const { uuid } = await pending('coinbase');
    await expect(processExchangeTransfer(uuid, { afterExchangeCall: () => Promise.reject(new Error('killed')) })).rejects.toThrow('killed');
    expect((await exchangeTransfersRepo.get(uuid))!.status).toBe('sending');
    expect(await processExchangeTransfer(uuid)).toBe('completed');
    expect(await processExchangeTransfer(uuid)).toBe('completed');
    const { sends } = (await (await fetch(`${coinbaseSettings().apiUrl}/__emulator/sends`)).json()) as { sends: { idem: string }[] };
    expect(sends.filter((s) => s.idem === uuid)).toHaveLength(1);
  });

  it('Poloniex: a withdrawal whose answer was lost is found in the history, not made again', async () => {
    const { uuid } = await pending('poloniex');
    await poloniexControl('next-withdrawal', { outcome: 'lose-answer' });
    await expect(processExchangeTransfer(uuid)).rejects.toThrow();
    expect((await exchangeTransfersRepo.get(uuid))!.status).toBe('sending');
    expect(['sent', 'completed']).toContain(await processExchangeTransfer(uuid));
    const t = (await exchangeTransfersRepo.get(uuid))!;
    const { withdrawals } = (await (await fetch(`${poloniexSettings().apiUrl}/__emulator/withdrawals`)).json()) as { withdrawals: { address: string }[] };
    expect(withdrawals.filter((w) => w.address === t.destination)).toHaveLength(1);
  });

  it('the sweep queues again a transfer left in flight (its message lost), and not one settled or pending a moderator', async () => {
    const queued = async () => ((await drainQueue(process.env.EXCHANGE_TRANSFERS_QUEUE!)) as { uuid: string }[]).map((m) => m.uuid);
    const { uuid } = await pending('coinbase');
    await queued();
    await sweepExchangeTransfers(60_000); // younger than the delay: not yet
    expect(await queued()).not.toContain(uuid);
    await sweepExchangeTransfers(0);
    expect(await queued()).toContain(uuid);
    expect(await processExchangeTransfer(uuid)).toBe('completed');
    await sweepExchangeTransfers(0);
    expect(await queued()).not.toContain(uuid);
  });

  it('Poloniex: a refused signature is a failed transfer with the coins back once', async () => {
    const { user, uuid } = await pending('poloniex');
    setPoloniex(poloniexClient({ ...poloniexSettings(), apiSecret: 'not-the-secret' }));
    try {
      expect(await processExchangeTransfer(uuid)).toBe('failed');
      expect(await processExchangeTransfer(uuid)).toBe('failed');
    } finally {
      setPoloniex(undefined);
    }
    expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN);
    expect(JSON.parse((await exchangeTransfersRepo.get(uuid))!.serviceResponse!)).toMatchObject({ status: 'failure', errors: { httpStatus: expect.any(Number) } });
  });
});
