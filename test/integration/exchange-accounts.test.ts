/**
 * Poloniex deposit addresses (add, list, update, remove: a user's own only, capped under concurrency) and the
 * exchanges' manual-approval options (system role only), against the stack.
 */
import { describe, expect, it } from 'vitest';
import { poloniexAccountId } from '../../lib/exchanges/poloniex-accounts.js';
import { call, newUser, ticket } from '../fixtures/payments.js';
import { randomAddress } from '../fixtures/stack.js';

const ACCOUNT = '/payments-service/poloniex/account';
const system = () => ticket('urn:authenticateit:user:operator', { roles: ['system'] });

describe('Poloniex deposit addresses', () => {
  it('are added (checksummed), listed newest first, described, removed; adding one again updates it', async () => {
    const user = newUser();
    const me = await ticket(user);
    const first = randomAddress();
    const second = randomAddress();
    const added = await call('POST', ACCOUNT, me, { address: first.toLowerCase(), description: 'Main' });
    expect(added.status).toBe(200);
    expect(added.body).toEqual({ accounts: [{ address: first, description: 'Main', id: poloniexAccountId(user, first), is_new: true, status: 'pending', ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/) }] });
    await new Promise((r) => setTimeout(r, 5)); // a later creation time: listed first
    const both = (await call('POST', ACCOUNT, me, { address: second })).body.accounts;
    expect(both.map((a: { address: string; description: string }) => [a.address, a.description])).toEqual([[second, ''], [first, 'Main']]);
    // The same address again (other letter case): no second account, its description updated.
    const again = (await call('POST', ACCOUNT, me, { address: second.toUpperCase().replace('0X', '0x'), description: 'Trading' })).body.accounts;
    expect(again.map((a: { description: string }) => a.description)).toEqual(['Trading', 'Main']);
    const id = poloniexAccountId(user, first);
    const updated = await call('PUT', ACCOUNT, me, { id, description: 'Savings' });
    expect(updated.body.accounts.find((a: { id: string }) => a.id === id).description).toBe('Savings');
    expect((await call('GET', ACCOUNT, me)).body).toEqual(updated.body);
    const left = await call('POST', `${ACCOUNT}/remove`, me, { ids: [id] });
    expect(left.body.accounts.map((a: { address: string }) => a.address)).toEqual([second]);
    // They are withdrawal accounts too.
    const accounts = (await call('GET', '/payments-service/withdrawal/account', me)).body.accounts;
    expect(accounts).toContainEqual({ address: second, currency: 'AUD', description: 'Trading', id: poloniexAccountId(user, second), status: 'pending', ts: expect.any(String), type: 'poloniex_account' });
  });

  it("refuses another user's id everywhere, removes all named or none, and validates addresses and ids", async () => {
    const owner = newUser();
    const address = randomAddress();
    await call('POST', ACCOUNT, await ticket(owner), { address });
    const theirs = poloniexAccountId(owner, address);
    const other = await ticket(newUser());
    const mine = (await call('POST', ACCOUNT, other, { address: randomAddress() })).body.accounts[0].id;
    for (const [method, path, body] of [
      ['PUT', ACCOUNT, { id: theirs, description: 'x' }],
      ['POST', `${ACCOUNT}/remove`, { ids: [theirs] }],
      ['POST', `${ACCOUNT}/remove`, { ids: [mine, theirs] }],
    ] as const) {
      const res = await call(method, path, other, body);
      expect([res.status, res.body.error_id], `${method} ${path}`).toEqual([404, 'payments-poloniex_account_not_found']);
    }
    expect((await call('GET', ACCOUNT, other)).body.accounts.map((a: { id: string }) => a.id)).toEqual([mine]); // nothing removed
    expect((await call('GET', ACCOUNT, await ticket(owner))).body.accounts.map((a: { id: string }) => a.id)).toEqual([theirs]);
    const bad = await call('POST', ACCOUNT, other, { address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78a2' });
    expect([bad.status, bad.body.error_id]).toEqual([400, 'payments-bad_address']);
    const badId = await call('PUT', ACCOUNT, other, { id: 'nope' });
    expect([badId.status, badId.body.error_id]).toEqual([400, 'payments-bad_id']);
    expect((await call('POST', `${ACCOUNT}/remove`, other, { ids: [] })).body.error_id).toBe('payments-bad_ids');
  });

  it('keeps at most 20 addresses per user, also when 25 are added at once', async () => {
    const me = await ticket(newUser());
    const results = await Promise.all(Array.from({ length: 25 }, () => call('POST', ACCOUNT, me, { address: randomAddress() })));
    expect(results.filter((r) => r.status === 200)).toHaveLength(20);
    expect(results.filter((r) => r.status !== 200).every((r) => r.status === 422 && r.body.error_id === 'payments-too_many_poloniex_accounts')).toBe(true);
    expect((await call('GET', ACCOUNT, me)).body.accounts).toHaveLength(20);
  });
});

describe('exchange options', () => {
  it('are read and set by the system role only, per exchange; inactive until set', async () => {
    const user = await ticket(newUser());
    for (const exchange of ['coinbase', 'poloniex']) {
      expect((await call('GET', `/payments-service/${exchange}/options`, user)).status).toBe(403);
      expect((await call('POST', `/payments-service/${exchange}/options`, user, { manual_approve: 'active' })).status).toBe(403);
    }
    const sys = await system();
    await call('POST', '/payments-service/coinbase/options', sys, { manual_approve: 'inactive' });
    expect((await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'active' })).body).toEqual({ manual_approve: 'active' });
    expect((await call('GET', '/payments-service/poloniex/options', sys)).body).toEqual({ manual_approve: 'active' });
    expect((await call('GET', '/payments-service/coinbase/options', sys)).body).toEqual({ manual_approve: 'inactive' });
    await call('POST', '/payments-service/poloniex/options', sys, { manual_approve: 'inactive' });
    expect((await call('GET', '/payments-service/poloniex/options', sys)).body).toEqual({ manual_approve: 'inactive' });
    const bad = await call('POST', '/payments-service/coinbase/options', sys, { manual_approve: 'on' });
    expect([bad.status, bad.body.error_id]).toEqual([400, 'payments-bad_manual_approve']);
    const unknown = await call('GET', '/payments-service/kraken/options', sys);
    expect([unknown.status, unknown.body.error_id]).toEqual([400, 'payments-bad_exchange']);
  });
});
