/** User coins, first part: tickets, a user's addresses, the participant's Ethereum account (HTTP against the stack). */
import { beforeAll, describe, expect, it } from 'vitest';
import { issueTicket, newIssuerKeys } from '../../lib/identity/tickets.js';
import { NonceManager, Wallet } from 'ethers';
import { accountIds } from '../../lib/db/keys.js';
import { postEntry } from '../../lib/ledger/index.js';
import { TEST_TREASURY_KEY } from '../fixtures/global-stack.js';
import { identityIssuer, onChainBalance, randomAddress, stack, tokenContract, uniq } from '../fixtures/stack.js';
import { setRates } from '../../lib/rates/index.js';
import { call, earnCoins, ticket, newUser as user } from '../fixtures/payments.js';

const A = '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2';

describe('identity tickets and addresses', () => {
  it('refuses missing, foreign-issuer and expired tickets in the payments envelope', async () => {
    const missing = await call('GET', '/user/ethereum/addresses', undefined);
    expect(missing).toEqual({ status: 401, body: { error: 'authenticateit_identity_ticket header is required', error_data: null, error_id: 'payments-no_ticket', error_object: null } });
    const foreign = await issueTicket(newIssuerKeys(), { sub: user() });
    expect((await call('GET', '/user/ethereum/addresses', foreign)).body.error_id).toBe('payments-bad_ticket');
    const expired = await issueTicket(identityIssuer(), { sub: user(), ttlSeconds: 1 }, Date.now() - 120_000);
    expect((await call('GET', '/user/ethereum/addresses', expired)).status).toBe(401);
  });

  it('refuses a ticket of the right issuer and key made for another audience', async () => {
    const elsewhere = await issueTicket(identityIssuer(), { sub: user(), aud: 'retail-connect' });
    expect(await call('GET', '/user/ethereum/addresses', elsewhere)).toEqual({
      status: 401,
      body: { error: 'invalid identity ticket: ticket audience is not payments-service', error_data: null, error_id: 'payments-bad_ticket', error_object: null },
    });
    expect((await call('GET', '/user/ethereum/addresses', await ticket(user()))).status).toBe(200);
  });

  it('adds (checksummed), updates, lists only your own, and removes addresses', async () => {
    const me = await ticket(user());
    const added = await call('POST', '/user/ethereum/addresses', me, { address: A.toLowerCase(), description: 'My new wallet' });
    expect(added.status).toBe(200);
    expect(added.body.list).toEqual([{ address: A, description: 'My new wallet', ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }]);
    const renamed = await call('POST', '/user/ethereum/addresses', me, { address: A, description: 'Renamed' });
    expect(renamed.body.list).toHaveLength(1);
    expect(renamed.body.list[0].description).toBe('Renamed');
    expect((await call('GET', '/user/ethereum/addresses', await ticket(user()))).body).toEqual({ list: [] });
    const bad = await call('POST', '/user/ethereum/addresses', me, { address: '0xE40555b43d60656b9510860A11D6bDCDDb8E78A2' });
    expect(bad.status).toBe(400);
    expect(bad.body.error_id).toBe('payments-bad_address');
    expect((await call('PUT', '/user/ethereum/addresses/remove', me, { list: [A] })).body).toEqual({ list: [] });
  });

  it("reads, sets and clears the participant's account; a user ticket is refused", async () => {
    const p = await ticket(user(), { participant: `urn:authenticateit:participant:${uniq('p')}` });
    expect((await call('GET', '/payments-service/participants/current/ethereum', p)).body).toEqual({ address: null });
    expect((await call('PUT', '/payments-service/participants/current/ethereum', p, { address: A.toLowerCase() })).body).toEqual({ address: A });
    expect((await call('GET', '/payments-service/participants/current/ethereum', p)).body).toEqual({ address: A });
    expect((await call('PUT', '/payments-service/participants/current/ethereum', p, { address: null })).body).toEqual({ address: null });
    expect((await call('GET', '/payments-service/participants/current/ethereum', await ticket(user()))).status).toBe(403);
  });
});

describe('balance', () => {
  it('adds the ledger coins and the on-chain balances of the user\'s addresses', async () => {
    const sub = user();
    const me = await ticket(sub);
    const [a1, a2] = [randomAddress(), randomAddress()];
    // Tokens on chain, sent from the tests' own treasury (not the stack worker's sender).
    const { provider, token } = tokenContract(new NonceManager(new Wallet(TEST_TREASURY_KEY)));
    const sender = new NonceManager(new Wallet(TEST_TREASURY_KEY, provider));
    await (await (token.connect(sender) as typeof token).getFunction('transfer')(a1, 7n * 10n ** 18n)).wait();
    await (await (token.connect(sender) as typeof token).getFunction('transfer')(a2, 5n)).wait();
    provider.destroy();
    expect(await onChainBalance(a1)).toBe(7n * 10n ** 18n);
    await postEntry({
      idempotencyKey: uniq('coins-credit'),
      kind: 'test',
      postings: [
        { account: accountIds.external('main'), amount: -1234n, allowNegative: true },
        { account: accountIds.userCoins(sub), amount: 1234n },
      ],
    });
    for (const a of [a1, a2]) await call('POST', '/user/ethereum/addresses', me, { address: a });
    const res = await call('GET', '/payments-service/user/ethereum/balance', me);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      account_coins: '1234',
      balance_coins: '7000000000000000005',
      coins_fee: { max: '50000000000000000000', min: '1000000000000000000' },
      total_coins: '7000000000000001239',
    });
  });
});

describe('transfer requests', () => {
  const fee = '1000000000000000000';
  // Earned coins: a transfer is a withdrawal, within the month's limits (the earnings, and 20 AUD at 0.012 AUD a coin).
  const credit = earnCoins;
  beforeAll(() => setRates({ aud: '0.012' }));

  it('20 concurrent transfers that together exceed the balance never overspend', async () => {
    const sub = user();
    const me = await ticket(sub);
    // 30 coins earned, 20 of them spent: the balance (not the month's limit) has room for exactly 5 transfers of 1 coin + 1 coin fee.
    await credit(sub, 30n * 10n ** 18n);
    await postEntry({
      idempotencyKey: uniq('coins-spent'),
      kind: 'test',
      postings: [
        { account: accountIds.userCoins(sub), amount: -20n * 10n ** 18n },
        { account: accountIds.external('main'), amount: 20n * 10n ** 18n, allowNegative: true },
      ],
    });
    const results = await Promise.all(Array.from({ length: 20 }, () => call('POST', '/payments-service/user/ethereum/transfer', me, { address: A, coins: '1000000000000000000', fee })));
    const ok = results.filter((r) => r.status === 200);
    expect(ok).toHaveLength(5);
    expect(results.filter((r) => r.status === 422).every((r) => r.body.error_id === 'payments-insufficient_coins')).toBe(true);
    expect(ok[0]!.body).toMatchObject({ address: A, coins: '1000000000000000000', fee, hash: null, status: 'pending', id: expect.stringMatching(/^urn:authenticateit:transaction_request:[0-9a-f-]{36}$/) });
    const balance = await call('GET', '/payments-service/user/ethereum/balance', me);
    expect(balance.body.account_coins).toBe('0');
    const history = await call('GET', '/payments-service/user/ethereum/transfer/history', me);
    expect(history.body.history).toHaveLength(5);
    expect((await call('GET', '/payments-service/user/ethereum/transfer/history', await ticket(user()))).body).toEqual({ history: [] });
  });

  it('validates the address, the amount and the fee bounds', async () => {
    const me = await ticket(user());
    const cases: [Record<string, unknown>, string][] = [
      [{ address: 'nope', coins: '1', fee }, 'payments-bad_address'],
      [{ address: A, coins: '1.5', fee }, 'payments-bad_coins'],
      [{ address: A, coins: '0', fee }, 'payments-bad_coins'],
      [{ address: A, coins: '1', fee: '1' }, 'payments-bad_fee'],
      [{ address: A, coins: '1', fee: '50000000000000000001' }, 'payments-bad_fee'],
    ];
    for (const [body, id] of cases) {
      const res = await call('POST', '/payments-service/user/ethereum/transfer', me, body);
      expect(res.status, id).toBe(400);
      expect(res.body.error_id).toBe(id);
    }
  });

  it('refuses more than 10^30 coins or fee with payments-bad_<field>, never a 500', async () => {
    const sub = user();
    const me = await ticket(sub);
    await credit(sub, 10n ** 18n);
    const tooMany = (field: string) => `${field} must be at most 1000000000000000000000000000000 (10^12 whole tokens)`;
    const cases: [Record<string, unknown>, string][] = [
      [{ address: A, coins: '9'.repeat(39), fee }, 'coins'],
      [{ address: A, coins: '9'.repeat(40), fee }, 'coins'],
      [{ address: A, coins: '1000000000000000000000000000001', fee }, 'coins'],
      [{ address: A, coins: '1', fee: '9'.repeat(40) }, 'fee'],
    ];
    for (const [body, field] of cases) {
      const res = await call('POST', '/payments-service/user/ethereum/transfer', me, body);
      expect(res, String(body[field])).toEqual({ status: 400, body: { error: tooMany(field), error_data: null, error_id: `payments-bad_${field}`, error_object: null } });
    }
  });

  it('takes coins as a JSON integer beyond a float exactly', async () => {
    const sub = user();
    const me = await ticket(sub);
    await credit(sub, 3_000_000_000_000_000_001n);
    // JSON.parse reads 2000000000000000001 as 2000000000000000000: the body is sent as raw text.
    const res = await fetch(`${stack().apiUrl}/payments-service/user/ethereum/transfer`, {
      method: 'POST',
      headers: { authenticateit_identity_ticket: me, 'content-type': 'application/json' },
      body: `{"address":"${A}","coins":2000000000000000001,"fee":"${fee}"}`,
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ coins: '2000000000000000001', fee, status: 'pending' });
    expect((await call('GET', '/payments-service/user/ethereum/balance', me)).body.account_coins).toBe('0');
  });
});

describe('deposits', () => {
  it('a user gets one deposit address; an ERC-20 transfer to it is credited once, and shows in history', async () => {
    const { scanDeposits, creditDeposit } = await import('../../lib/coins/deposits.js');
    const sub = user();
    const me = await ticket(sub);
    const first = await call('GET', '/user/ethereum/deposit', me);
    expect(first.status).toBe(200);
    expect(first.body.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    expect((await call('GET', '/user/ethereum/deposit', me)).body.address).toBe(first.body.address);
    expect((await call('GET', '/user/ethereum/deposit', await ticket(user()))).body.address).not.toBe(first.body.address);

    const { provider, token } = tokenContract(new NonceManager(new Wallet(TEST_TREASURY_KEY)));
    const sender = new NonceManager(new Wallet(TEST_TREASURY_KEY, provider));
    const tx = await (token.connect(sender) as typeof token).getFunction('transfer')(first.body.address, 42n * 10n ** 18n);
    const receipt = await tx.wait();
    provider.destroy();

    await scanDeposits();
    const balance = await call('GET', '/payments-service/user/ethereum/balance', me);
    expect(balance.body.account_coins).toBe('42000000000000000000');
    // The same event again (a rescan, a second scanner) credits nothing.
    const event = { txHash: receipt.hash, logIndex: receipt.logs[0].index, blockNumber: receipt.blockNumber, from: '', to: first.body.address, value: 42n * 10n ** 18n };
    expect(await creditDeposit(event, sub)).toBe(false);
    await scanDeposits();
    expect((await call('GET', '/payments-service/user/ethereum/balance', me)).body.account_coins).toBe('42000000000000000000');
    const history = (await call('GET', '/payments-service/user/ethereum/transfer/history', me)).body.history;
    expect(history).toEqual([{ coins: '42000000000000000000', hash: receipt.hash, id: `deposit:${receipt.hash}:${receipt.logs[0].index}`, status: 'success', ts: expect.any(String), type: 'deposit' }]);
  });
});

describe('participant deposit settings and account changes', () => {
  it('answers the deposit address and coins; the account cannot change while a transfer is in flight', async () => {
    const participant = `urn:authenticateit:participant:${uniq('brand')}`;
    const sub = user();
    const p = await ticket(sub, { participant });
    const settings = await call('GET', '/payments-service/participants/deposit/ethereum', p);
    expect(settings.body).toEqual({ address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), unlimited_coins: false, coins: '0', fee: null });
    expect((await call('GET', '/payments-service/participants/deposit/ethereum', await ticket(user()))).status).toBe(403);

    await setRates({ aud: '0.012' });
    await earnCoins(sub, 5n * 10n ** 18n);
    expect((await call('POST', '/payments-service/user/ethereum/transfer', p, { address: A, coins: '1000000000000000000', fee: '1000000000000000000' })).status).toBe(200);
    const refused = await call('PUT', '/payments-service/participants/current/ethereum', p, { address: A });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ error_id: 'payments-transfers_in_flight', error_data: { in_flight: 1 } });
  });
});
