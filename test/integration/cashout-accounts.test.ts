/** Users' bank cash-out accounts and the withdrawal accounts list (HTTP against the stack). */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { ddb, tableName } from '../../lib/db/client.js';
import * as keys from '../../lib/db/keys.js';
import { randomAddress, stack, waitFor } from '../fixtures/stack.js';
import { call, ticket, newUser as user } from '../fixtures/payments.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const primary = { country: '036', city: 'Melbourne', bank: 'Commonwealth', name: 'John Smith', bsb: '123456', account: '22334455', description: 'My primary account' };
const second = { country: '036', city: 'Melbourne', bank: 'Test BN', name: 'John Smith', bsb: '123456', account: '22334455', description: 'My second account' };

async function create(t: string, account: Record<string, unknown>): Promise<string> {
  const res = await call('POST', '/cashout/account', t, { account });
  expect(res.status).toBe(200);
  return res.body.id;
}

describe('bank cash-out accounts', () => {
  it('answers the allowed countries in the contract shape, to a ticket only', async () => {
    expect(await call('GET', '/cashout/countries', await ticket(user()))).toEqual({ status: 200, body: { allowed_countries: [{ country: '036', currency: 'aud' }] } });
    expect((await call('GET', '/cashout/countries', undefined)).status).toBe(401);
  });

  it('creates, lists (newest first), updates and removes accounts, answering exactly as the contract', async () => {
    const me = await ticket(user());
    expect(await call('GET', '/cashout/account', me)).toEqual({ status: 200, body: { accounts: [] } });

    const p = await create(me, primary);
    const created = await call('POST', '/cashout/account', me, { account: second });
    expect(created).toEqual({
      status: 200,
      body: { account: '22334455', bank: 'Test BN', bsb: '123456', city: 'Melbourne', country: '036', description: 'My second account', id: expect.stringMatching(UUID), name: 'John Smith' },
    });
    const s = created.body.id;
    expect(s).not.toBe(p);
    const view = (a: typeof primary, id: string) => ({ account: a.account, bank: a.bank, bsb: a.bsb, city: a.city, country: a.country, description: a.description, id, name: a.name });
    expect((await call('GET', '/cashout/account', me)).body).toEqual({ accounts: [view(second, s), view(primary, p)] });

    const renamed = { ...second, bank: 'SB', description: 'New descritpion test' };
    expect(await call('PUT', '/cashout/account', me, { account: renamed, id: s })).toEqual({ status: 200, body: { accounts: [view(renamed, s), view(primary, p)] } });

    // Optional fields left out are cleared; a postcode is answered once given.
    const { city: _c, description: _d, ...bare } = primary;
    const withPostcode = { ...bare, postcode: '3000', account: '987654321' };
    const updated = await call('PUT', '/cashout/account', me, { account: withPostcode, id: p });
    expect(updated.body.accounts[1]).toEqual({ account: '987654321', bank: 'Commonwealth', bsb: '123456', country: '036', id: p, name: 'John Smith', postcode: '3000' });

    expect(await call('POST', '/cashout/account/remove', me, { accounts: [s] })).toEqual({
      status: 200,
      body: { accounts: [{ account: '987654321', bank: 'Commonwealth', bsb: '123456', country: '036', id: p, name: 'John Smith', postcode: '3000' }] },
    });
    expect(await call('POST', '/cashout/account/remove', me, { accounts: [p] })).toEqual({ status: 200, body: { accounts: [] } });
  });

  it('refuses bad bank details with a 400 naming the field', async () => {
    const me = await ticket(user());
    const refused = async (account: unknown, errorId: string, field: string) => {
      const res = await call('POST', '/cashout/account', me, { account });
      expect(res.status, JSON.stringify(res.body)).toBe(400);
      expect(res.body.error_id).toBe(errorId);
      expect(res.body.error).toContain(field);
    };
    await refused({ ...primary, bsb: '12345' }, 'payments-bad_account', 'account.bsb: must be exactly 6 digits');
    await refused({ ...primary, bsb: '1234567' }, 'payments-bad_account', 'account.bsb');
    await refused({ ...primary, bsb: '12-456' }, 'payments-bad_account', 'account.bsb');
    await refused({ ...primary, account: '1234' }, 'payments-bad_account', 'account.account: must be 5 to 9 digits');
    await refused({ ...primary, account: '1234567890' }, 'payments-bad_account', 'account.account');
    await refused({ ...primary, account: 22334455 }, 'payments-bad_account', 'account.account');
    await refused({ ...primary, postcode: '300' }, 'payments-bad_account', 'account.postcode: must be 4 digits');
    await refused({ ...primary, country: '554' }, 'payments-country_not_allowed', 'account.country');
    await refused({ ...primary, country: 'AU' }, 'payments-bad_account', 'account.country');
    const { bank: _b, ...noBank } = primary;
    await refused(noBank, 'payments-bad_account', 'account.bank: is required');
    const { bsb: _s, ...noBsb } = primary;
    await refused(noBsb, 'payments-bad_account', 'account.bsb: is required');
    await refused({ ...primary, name: 'x'.repeat(101) }, 'payments-bad_account', 'account.name: must be a string of 1 to 100 characters');
    await refused({ ...primary, city: 'x'.repeat(101) }, 'payments-bad_account', 'account.city');
    await refused({ ...primary, description: 'x'.repeat(201) }, 'payments-bad_account', 'account.description');
    await refused(undefined, 'payments-bad_account', 'account');
    const badId = await call('PUT', '/cashout/account', me, { account: primary, id: 'not-a-uuid' });
    expect([badId.status, badId.body.error_id]).toEqual([400, 'payments-bad_id']);
    expect((await call('GET', '/cashout/account', me)).body).toEqual({ accounts: [] });
  });

  it('keeps at most 10 accounts per user, also under concurrent creation; a removal makes room', async () => {
    const me = await ticket(user());
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => call('POST', '/cashout/account', me, { account: { ...primary, description: `n${i}` } })));
    expect(answers.filter((a) => a.status === 200)).toHaveLength(10);
    const refused = answers.filter((a) => a.status !== 200);
    expect(refused.map((a) => [a.status, a.body.error_id])).toEqual([
      [422, 'payments-too_many_cashout_accounts'],
      [422, 'payments-too_many_cashout_accounts'],
    ]);
    const eleventh = await call('POST', '/cashout/account', me, { account: primary });
    expect(eleventh.status).toBe(422);
    expect(eleventh.body).toEqual({ error: 'a user can keep at most 10 cash-out accounts', error_data: { max: 10 }, error_id: 'payments-too_many_cashout_accounts', error_object: null });
    const { accounts } = (await call('GET', '/cashout/account', me)).body;
    expect(accounts).toHaveLength(10);
    await call('POST', '/cashout/account/remove', me, { accounts: [accounts[0].id] });
    expect((await call('POST', '/cashout/account', me, { account: primary })).status).toBe(200);
  });

  it("another user's account id refused everywhere", async () => {
    const alice = await ticket(user());
    const bob = await ticket(user());
    const hers = await create(alice, primary);
    const his = await create(bob, second);
    const notFound = { error: `no cash-out account ${hers}`, error_data: { id: hers }, error_id: 'payments-cashout_account_not_found', error_object: null };

    expect(await call('PUT', '/cashout/account', bob, { account: { ...second, account: '11111111' }, id: hers })).toEqual({ status: 404, body: notFound });
    expect(await call('POST', '/cashout/account/remove', bob, { accounts: [hers] })).toEqual({ status: 404, body: notFound });
    // All or nothing: his own account named with hers stays.
    expect(await call('POST', '/cashout/account/remove', bob, { accounts: [his, hers] })).toEqual({ status: 404, body: notFound });
    expect((await call('GET', '/cashout/account', bob)).body.accounts.map((a: { id: string }) => a.id)).toEqual([his]);
    expect((await call('GET', '/payments-service/withdrawal/account', bob)).body.accounts.map((a: { id: string }) => a.id)).toEqual([his]);
    // Hers is untouched.
    expect((await call('GET', '/cashout/account', alice)).body.accounts).toEqual([{ ...primary, id: hers }]);
  });

  it('stores no plain account number, and logs it masked to its last 3 digits', async () => {
    const sub = user();
    const me = await ticket(sub);
    const number = '987612345';
    const id = await create(me, { ...primary, account: number });
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.cashoutAccount(sub, id), ConsistentRead: true }));
    expect(out.Item).toBeDefined();
    const raw = JSON.stringify(out.Item);
    expect(raw).not.toContain(number);
    expect(raw).not.toContain(number.slice(0, 6));
    expect(out.Item).toMatchObject({ accountLast3: '345', accountNumber: { v: expect.anything(), kek: 'local', ct: expect.any(String), tag: expect.any(String) } });
    expect((await call('GET', '/cashout/account', me)).body.accounts[0].account).toBe(number);

    const logs = () => readdirSync(stack().logDir).map((f) => readFileSync(join(stack().logDir, f), 'utf8')).join('\n');
    await waitFor('the masked number in the logs', async () => logs().includes(`"account":"******345"`) && logs().includes(id));
    expect(logs()).not.toContain(number);
  });

  it('lists bank accounts and Ethereum addresses as withdrawal accounts with their types', async () => {
    const me = await ticket(user());
    expect(await call('GET', '/payments-service/withdrawal/account', me)).toEqual({ status: 200, body: { accounts: [], allowed_transfer_types: ['coinbase', 'cashout', 'poloniex'] } });
    const id = await create(me, { country: '036', bank: 'Fffff', name: 'Hhh', bsb: '222222', account: '999999999', postcode: '4444', city: 'Perth', description: 'mine' });
    const address = randomAddress();
    await call('POST', '/user/ethereum/addresses', me, { address, description: 'tttt11' });
    expect(await call('GET', '/payments-service/withdrawal/account', me)).toEqual({
      status: 200,
      body: {
        accounts: [
          { account: '999999999', bank: 'Fffff', bsb: '222222', country: '036', currency: 'AUD', id, name: 'Hhh', postcode: '4444', type: 'cashout_account' },
          { address, currency: 'AUD', description: 'tttt11', id: address, ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), type: 'ethereum_account' },
        ],
        allowed_transfer_types: ['coinbase', 'cashout', 'poloniex'],
      },
    });
    expect((await call('GET', '/payments-service/withdrawal/account', undefined)).status).toBe(401);
  });
});
