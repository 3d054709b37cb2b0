/**
 * Bank cash-out quotes and transfers against the stack: the contract's shapes, the refusals (version, another
 * user's account, the month's limit, also under 20 concurrent requests), and the payout worker exactly once:
 * paid, failed (the coins back once) and killed after the provider call.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCashoutAccount } from '../../lib/cashout-accounts/index.js';
import { accountIds } from '../../lib/db/keys.js';
import { getBalance, postEntry } from '../../lib/ledger/index.js';
import { setBankPayouts, type BankPayouts } from '../../lib/payments/bank-payouts.js';
import { sandboxBankPayouts, SANDBOX_BANK_ACCOUNTS } from '../../lib/payments/bank-sandbox.js';
import { clearRatesCache, setRates } from '../../lib/rates/index.js';
import { processCashoutTransfer, requestCashoutTransfer, sweepCashoutTransfers } from '../../lib/withdrawals/cashout.js';
import { cashoutTransfersRepo } from '../../lib/withdrawals/repository.js';
import { call, earnCoins, newUser, ticket } from '../fixtures/payments.js';
import { drainQueue, isolateFromStackWorkers, stack, uniq, waitFor } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const RATES = { aud: '0.012', usd: '0.008' };
const bank = (account: string) => ({ country: '036', city: 'Melbourne', bank: 'SomeBank', name: "User's account", bsb: '355896', account, description: 'My account', postcode: '6646' });
const uuidOf = (id: string) => id.replace('urn:authenticateit:transaction_request:', '');

beforeAll(async () => {
  // 0.012 AUD per coin: the AUD 1.50 fee is exactly 125 coins; the gas fee is 59% of 10 coins.
  await setRates(RATES);
});

/** A user who earned `earned` coins (rewards: earnings of the month) and holds `extra` more that are not earnings. */
async function userWith(earned: bigint, extra = 0n): Promise<string> {
  const user = newUser();
  await earnCoins(user, earned);
  if (extra > 0n) {
    await postEntry({
      idempotencyKey: uniq('cashout-test-extra'),
      kind: 'test',
      postings: [
        { account: accountIds.external('main'), amount: -extra, allowNegative: true },
        { account: accountIds.userCoins(user), amount: extra },
      ],
    });
  }
  return user;
}

async function accountOf(t: string, number = '123456789'): Promise<string> {
  const res = await call('POST', '/cashout/account', t, { account: bank(number) });
  expect(res.status).toBe(200);
  return res.body.id;
}

const transfer = (t: string, body: Record<string, unknown>) => call('POST', '/cashout/transfer', t, body);
const transferred = async (t: string) => BigInt((await call('GET', '/payments-service/withdrawal/limits', t)).body.current_limit.coins_transfered);

describe('GET /cashout/convert_coins', () => {
  it('answers the bank quote in the country currency, as the contract writes it', async () => {
    const me = await ticket(newUser());
    const res = await call('GET', `/cashout/convert_coins?coins=${1000n * COIN}&country=036&negative_values=true`, me);
    expect(res).toEqual({
      status: 200,
      body: {
        coins: '1000000000000000000000',
        coins_with_fee: '1130900000000000000000',
        coins_without_fee: '869100000000000000000',
        currency: 'AUD',
        fee_coins: '130900000000000000000',
        fee_value: 1.57,
        gas_coins: '10000000000000000000',
        gas_fee_coins: '5900000000000000000',
        gas_fee_precent: 59,
        gas_fee_value: 0.07,
        transaction_fee: 1.5,
        transaction_fee_coins: '125000000000000000000',
        transaction_fee_value: 1.5,
        value: 10.43,
        value_with_fee: 12,
        value_without_fee: 10.43,
      },
    });
    const negative = await call('GET', `/cashout/convert_coins?coins=${100n * COIN}&negative_values=true`, me);
    expect([negative.body.coins_without_fee, negative.body.value_without_fee]).toEqual([-30900000000000000000, -0.37]);
    const clamped = await call('GET', `/cashout/convert_coins?coins=${100n * COIN}`, me);
    expect([clamped.body.coins_without_fee, clamped.body.value_without_fee]).toEqual([0, 0]);
    const closed = await call('GET', `/cashout/convert_coins?coins=1&country=840`, me);
    expect([closed.status, closed.body.error_id]).toEqual([400, 'payments-country_not_allowed']);
  });
});

describe('POST /cashout/transfer', () => {
  it('without version v2 answers the contract error word for word', async () => {
    const me = await ticket(newUser());
    const body = { account: { ...bank('67774555'), id: 'ab97eff9-1ef5-4612-95ea-b557d9b106fe' }, coins: '2000000000000000000000' };
    const expected = { status: 400, body: { error: 'Unsupported version. Your Mobile App needs to be updated.', error_data: null, error_id: 'payments-bad_version', error_object: null } };
    expect(await transfer(me, body)).toEqual(expected);
    expect(await transfer(me, { ...body, version: 'v1' })).toEqual(expected);
    expect(await transfer(me, { ...body, version: 2 })).toEqual(expected);
  });

  it("refuses another user's account id: not found, nothing held", async () => {
    const other = await ticket(newUser());
    const theirs = await accountOf(other);
    const user = await userWith(500n * COIN);
    const res = await transfer(await ticket(user), { account: { id: theirs }, coins: (300n * COIN).toString(), version: 'v2' });
    expect([res.status, res.body.error_id]).toEqual([404, 'payments-cashout_account_not_found']);
    expect(await getBalance(accountIds.userCoins(user))).toBe(500n * COIN);
  });

  it('refuses a transfer beyond the withdrawal room, and one delivering nothing after its fee', async () => {
    const user = await userWith(500n * COIN, 1000n * COIN);
    const me = await ticket(user);
    const id = await accountOf(me);
    // Earned 500: 501 coins (fee taken out of them) are beyond the room though the balance covers them.
    const over = await transfer(me, { account: { id }, coins: (501n * COIN).toString(), version: 'v2' });
    expect([over.status, over.body.error_id]).toEqual([422, 'payments-over_withdrawal_limit']);
    // 400 coins plus the fee on top (530.9) are beyond it too.
    const overWithFee = await transfer(me, { account: { id }, coins: (400n * COIN).toString(), version: 'v2', pay_fee_with_coins: true });
    expect([overWithFee.status, overWithFee.body.error_id]).toEqual([422, 'payments-over_withdrawal_limit']);
    const nothing = await transfer(me, { account: { id }, coins: (130n * COIN).toString(), version: 'v2' });
    expect([nothing.status, nothing.body.error_id]).toEqual([422, 'payments-below_minimum']);
    expect(await getBalance(accountIds.userCoins(user))).toBe(1500n * COIN);
    expect(await transferred(me)).toBe(0n);
  });

  it('refuses while karma locks withdrawals, and beyond the balance', async () => {
    const locked = await userWith(500n * COIN);
    const lockedTicket = await ticket(locked);
    const lockedAccount = await accountOf(lockedTicket);
    const system = await ticket('urn:authenticateit:user:operator', { roles: ['system'] });
    expect((await call('POST', '/payments-service/withdrawal/profile', system, { user: locked, karma: 10 })).body.karma_value_withdrawal_enabled).toBe(false);
    const refused = await transfer(lockedTicket, { account: { id: lockedAccount }, coins: (300n * COIN).toString(), version: 'v2' });
    expect([refused.status, refused.body.error_id]).toEqual([403, 'payments-withdrawals_locked']);

    // Earned 500 but 300 of them left the balance (not as a withdrawal): 400 are within the room, not the balance.
    const spent = await userWith(500n * COIN);
    await postEntry({ idempotencyKey: uniq('cashout-test-spend'), kind: 'test', postings: [{ account: accountIds.userCoins(spent), amount: -300n * COIN }, { account: accountIds.external('main'), amount: 300n * COIN, allowNegative: true }] });
    const me = await ticket(spent);
    const poor = await transfer(me, { account: { id: await accountOf(me) }, coins: (400n * COIN).toString(), version: 'v2' });
    expect([poor.status, poor.body.error_id]).toEqual([422, 'payments-insufficient_coins']);
    expect(await transferred(me)).toBe(0n);
  });

  it('with an Idempotency-Key a retry answers the same transfer and holds nothing again; the key with another body is refused', async () => {
    const user = await userWith(1000n * COIN);
    const me = await ticket(user);
    const id = await accountOf(me);
    const send = async (coins: bigint) => {
      const res = await fetch(`${stack().apiUrl}/cashout/transfer`, {
        method: 'POST',
        headers: { authenticateit_identity_ticket: me, 'content-type': 'application/json', 'Idempotency-Key': 'cash-out-1' },
        body: JSON.stringify({ account: { id }, coins: coins.toString(), version: 'v2' }),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const first = await send(300n * COIN);
    const again = await send(300n * COIN);
    expect(first.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body.id).toBe(first.body.id);
    expect(await getBalance(accountIds.userCoins(user))).toBe(700n * COIN);
    expect(await transferred(me)).toBe(300n * COIN);
    const other = await send(200n * COIN);
    expect([other.status, other.body.error_id]).toEqual([409, 'payments-idempotency_key_reused']);
  });

  it('20 concurrent transfers that together exceed the month\'s room never overshoot it', async () => {
    // Room 1000 (earned), balance 5000: only the limit can stop them.
    const user = await userWith(1000n * COIN, 4000n * COIN);
    const me = await ticket(user);
    const id = await accountOf(me);
    const answers = await Promise.all(Array.from({ length: 20 }, () => transfer(me, { account: { id }, coins: (300n * COIN).toString(), version: 'v2' })));
    const accepted = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    expect(accepted.length).toBeGreaterThanOrEqual(1);
    expect(accepted.length).toBeLessThanOrEqual(3);
    for (const r of refused) expect([[422, 'payments-over_withdrawal_limit'], [503, 'payments-busy']]).toContainEqual([r.status, r.body.error_id]);
    expect(await transferred(me)).toBe(BigInt(accepted.length) * 300n * COIN);
    expect(await transferred(me)).toBeLessThanOrEqual(1000n * COIN);
    expect(await getBalance(accountIds.userCoins(user))).toBe(5000n * COIN - BigInt(accepted.length) * 300n * COIN);
  });

  it('answers pending in the contract shape; the worker pays it: coins gone, fee to the fees account, limits show it', async () => {
    const user = await userWith(1500n * COIN);
    const me = await ticket(user);
    const id = await accountOf(me);
    const fees = await getBalance(accountIds.coinsFees());
    const res = await transfer(me, { account: { ...bank('67774555'), id }, coins: (1000n * COIN).toString(), pay_fee_with_coins: true, version: 'v2' });
    expect(res).toEqual({
      status: 200,
      body: {
        account: { ...bank('123456789'), id },
        coins: '1130900000000000000000',
        converted_usd_value: 8,
        converted_value: 12,
        currency: 'aud',
        fee: {
          coins: '1000000000000000000000',
          coins_with_fee: '1130900000000000000000',
          coins_without_fee: '869100000000000000000',
          fee_coins: '130900000000000000000',
          fee_value: 1.57,
          gas_coins: '10000000000000000000',
          gas_fee_coins: '5900000000000000000',
          gas_fee_precent: 59,
          gas_fee_value: 0.07,
          pay_fee_with_coins: true,
          transaction_fee: 1.5,
          transaction_fee_coins: '125000000000000000000',
          transaction_fee_value: 1.5,
          value: 10.43,
          value_with_fee: 12,
          value_without_fee: 10.43,
        },
        hash: null,
        id: expect.stringMatching(/^urn:authenticateit:transaction_request:[0-9a-f-]{36}$/),
        status: 'pending',
        stored_account: id,
        ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
      },
    });
    const uuid = uuidOf(res.body.id);
    const paid = await waitFor('the transfer paid by the worker', async () => {
      const t = await cashoutTransfersRepo.get(uuid);
      return t?.status === 'paid' && t;
    });
    expect(await sandboxBankPayouts.status(`cashout-transfer-${uuid}`)).toEqual({ status: 'paid', providerReference: paid.providerReference });
    expect(await getBalance(accountIds.userCoins(user))).toBe(1500n * COIN - 1130900000000000000000n);
    expect(await getBalance(accountIds.cashoutHold(uuid))).toBe(0n);
    expect((await getBalance(accountIds.coinsFees())) - fees).toBe(130900000000000000000n);
    expect(await transferred(me)).toBe(1130900000000000000000n);
  });

  it('a failed bank payout returns the coins once and takes the withdrawal out of the month', async () => {
    const user = await userWith(500n * COIN);
    const me = await ticket(user);
    const id = await accountOf(me, SANDBOX_BANK_ACCOUNTS.invalidAccount);
    const res = await transfer(me, { account: { id }, coins: (400n * COIN).toString(), version: 'v2' });
    expect([res.status, res.body.status]).toEqual([200, 'pending']);
    const uuid = uuidOf(res.body.id);
    const failed = await waitFor('the transfer failed by the worker', async () => {
      const t = await cashoutTransfersRepo.get(uuid);
      return t?.status === 'failed' && t;
    });
    expect([failed.failureCode, failed.failureReason]).toEqual(['invalid_account', 'No such account at this branch']);
    expect(await getBalance(accountIds.userCoins(user))).toBe(500n * COIN);
    expect(await transferred(me)).toBe(0n);
    // A redelivery changes nothing: the coins came back once.
    expect(await processCashoutTransfer(uuid)).toBe('failed');
    expect(await getBalance(accountIds.userCoins(user))).toBe(500n * COIN);
    expect(await getBalance(accountIds.cashoutHold(uuid))).toBe(0n);
    expect(await transferred(me)).toBe(0n);
  });
});

describe('the payout worker exactly once (in-process, on a table the stack workers do not watch)', () => {
  let restore: () => void;
  beforeAll(async () => {
    restore = await isolateFromStackWorkers({ queues: ['CASHOUT_TRANSFERS_QUEUE'] });
    clearRatesCache();
    await setRates(RATES);
  });
  afterAll(() => {
    setBankPayouts(undefined);
    restore();
  });

  const counting = () => {
    const calls = { pay: 0 };
    const provider: BankPayouts = { pay: (r) => (calls.pay++, sandboxBankPayouts.pay(r)), status: (ref) => sandboxBankPayouts.status(ref) };
    setBankPayouts(provider);
    return calls;
  };

  async function pendingTransfer(number: string): Promise<{ user: string; uuid: string }> {
    const user = await userWith(500n * COIN);
    const { id } = await createCashoutAccount(user, { account: bank(number) });
    const answer = await requestCashoutTransfer(user, { account: { id }, coins: 400n * COIN, version: 'v2' });
    return { user, uuid: uuidOf(answer.id) };
  }

  it('a worker killed between the provider call and the outcome write pays once after redelivery', async () => {
    const calls = counting();
    const { user, uuid } = await pendingTransfer('123456789');
    await expect(processCashoutTransfer(uuid, { afterProviderCall: () => Promise.reject(new Error('killed')) })).rejects.toThrow('killed');
    expect((await cashoutTransfersRepo.get(uuid))?.status).toBe('paying');
    expect(await processCashoutTransfer(uuid)).toBe('paid');
    expect(await processCashoutTransfer(uuid)).toBe('paid');
    expect(calls.pay).toBe(1);
    expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN);
    expect(await getBalance(accountIds.cashoutHold(uuid))).toBe(0n);
  });

  it('a payout whose answer timed out is resolved by its status, not paid again', async () => {
    const calls = counting();
    const { user, uuid } = await pendingTransfer(SANDBOX_BANK_ACCOUNTS.timeout);
    expect(await processCashoutTransfer(uuid)).toBe('paid');
    expect(await processCashoutTransfer(uuid)).toBe('paid');
    expect(calls.pay).toBe(1);
    expect(await getBalance(accountIds.userCoins(user))).toBe(100n * COIN);
  });

  it('the sweep queues again a transfer left pending or paying (its message lost), and not one settled', async () => {
    const calls = counting();
    const queued = async () => ((await drainQueue(process.env.CASHOUT_TRANSFERS_QUEUE!)) as { uuid: string }[]).map((m) => m.uuid);
    const { uuid } = await pendingTransfer('123456789');
    await sweepCashoutTransfers(60_000); // younger than the delay: not yet
    expect(await queued()).not.toContain(uuid);
    await sweepCashoutTransfers(0);
    expect(await queued()).toEqual(expect.arrayContaining([uuid]));
    // Crashed between paying and the provider call: still open, queued again, then paid once.
    await expect(processCashoutTransfer(uuid, { afterProviderCall: () => Promise.reject(new Error('killed')) })).rejects.toThrow('killed');
    await sweepCashoutTransfers(0);
    expect(await queued()).toContain(uuid);
    expect(await processCashoutTransfer(uuid)).toBe('paid');
    await sweepCashoutTransfers(0);
    expect(await queued()).not.toContain(uuid);
    expect(calls.pay).toBe(1);
  });
});
