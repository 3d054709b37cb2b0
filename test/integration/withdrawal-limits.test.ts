/**
 * Withdrawal profiles, earnings, limits, the earnings statement and convert_coins against the stack: the
 * profile is the system's to set, rewards and deposits become earnings of their month, Ethereum transfers
 * count as withdrawals (a rejected one stops counting), and karma locks withdrawals with hysteresis.
 */
import { randomBytes } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { moderationCode } from '../../lib/coins/moderation.js';
import { creditDeposit } from '../../lib/coins/deposits.js';
import { payReward } from '../../lib/coins/rewards.js';
import { accountIds } from '../../lib/db/keys.js';
import { getBalance } from '../../lib/ledger/index.js';
import { setRates } from '../../lib/rates/index.js';
import { periodAround } from '../../lib/withdrawals/earnings.js';
import { call, fundedParticipant, newUser, ticket } from '../fixtures/payments.js';
import { randomAddress, stack, uniq } from '../fixtures/stack.js';

const COIN = 10n ** 18n;
const system = () => ticket('urn:authenticateit:user:operator', { roles: ['system'] });

beforeAll(async () => {
  // 0.012 AUD per coin: 1.5 AUD is exactly 125 coins, 20 AUD 1666.66... coins.
  await setRates({ aud: '0.012' });
});


const reward = async (participant: string, user: string, coins: bigint) => expect(await payReward({ participant, user, coins, idempotencyKey: uniq('reward') })).toBe(true);
const transfer = (t: string, coins: bigint) => call('POST', '/payments-service/user/ethereum/transfer', t, { address: randomAddress(), coins: coins.toString(), fee: COIN.toString() });
const thisMonth = () => periodAround(new Date(), 'Australia/Sydney');
const seconds = (d: Date) => d.toISOString().replace('.000Z', 'Z');

describe('withdrawal profile', () => {
  it('is set and read by the system role only; a user ticket is refused', async () => {
    const user = newUser();
    const refused = await call('POST', '/payments-service/withdrawal/profile', await ticket(user), { user, karma: 100 });
    expect(refused.status).toBe(403);
    expect(refused.body.error_id).toBe('payments-not_system');
    expect((await call('GET', `/payments-service/withdrawal/profile?user=${encodeURIComponent(user)}`, await ticket(user))).status).toBe(403);

    const defaults = await call('GET', `/payments-service/withdrawal/profile?user=${encodeURIComponent(user)}`, await system());
    expect(defaults.body).toEqual({ user, country: '036', level: 'basic', karma: 80, booster: 0, karma_value_withdrawal_enabled: true, updated_at: null });
    const set = await call('POST', '/payments-service/withdrawal/profile', await system(), { user, level: 'silver', booster: 1.5 });
    expect(set.status).toBe(200);
    expect(set.body).toEqual({ user, country: '036', level: 'silver', karma: 80, booster: 1.5, karma_value_withdrawal_enabled: true, updated_at: expect.stringMatching(/Z$/) });
    const unknown = await call('POST', '/payments-service/withdrawal/profile', await system(), { user, level: 'diamond' });
    expect([unknown.status, unknown.body.error_id]).toEqual([400, 'payments-unknown_level']);
    const badCountry = await call('POST', '/payments-service/withdrawal/profile', await system(), { user, country: '999' });
    expect([badCountry.status, badCountry.body.error_id]).toEqual([400, 'payments-bad_profile']);
    // Email users (as the identity service names them) too.
    const emailUser = `urn:authenticateit:user:email:${uniq('saver')}+x@rewards.local`;
    expect((await call('POST', '/payments-service/withdrawal/profile', await system(), { user: emailUser, karma: 60 })).body).toMatchObject({ user: emailUser, karma: 60 });
    expect((await call('GET', `/payments-service/withdrawal/profile?user=${encodeURIComponent(emailUser)}`, await system())).body).toMatchObject({ user: emailUser, karma: 60 });
  });
});

describe('earnings statement', () => {
  it('shows rewards and deposits as earnings of their month, and transfers as withdrawals; a rejected transfer stops counting', async () => {
    const user = newUser();
    const me = await ticket(user);
    const participant = await fundedParticipant(1000n * COIN);
    await reward(participant, user, 300n * COIN);
    await reward(participant, user, 200n * COIN);
    expect(await creditDeposit({ txHash: `0x${randomBytes(32).toString('hex')}`, logIndex: 0, blockNumber: 1, from: randomAddress(), to: randomAddress(), value: 50n * COIN }, user)).toBe(true);
    const kept = await transfer(me, 100n * COIN);
    const rejected = await transfer(me, 40n * COIN);
    expect([kept.status, rejected.status]).toEqual([200, 200]);
    const { period } = thisMonth();
    const [year, month] = period.split('-').map(Number);

    const before = await call('GET', '/payments-service/withdrawal/earnings/statement', me);
    expect(before.status).toBe(200);
    expect(before.body).toEqual({
      // Each transfer counts its coins and its fee (1 coin): 101 + 41.
      result: [{ balance: '408000000000000000000', balance_ts: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), balance_type: 'transfers', earn_coins: '550000000000000000000', month, period, transfer_coins: '142000000000000000000', year }],
    });

    const uuid = String(rejected.body.id).split(':').pop()!;
    const decided = await fetch(`${stack().apiUrl}/user/ethereum/transfer/${moderationCode(uuid, 'moderator1@rewards.local')}/reject`, { method: 'POST' });
    expect(decided.status).toBe(200);
    const after = await call('GET', '/payments-service/withdrawal/earnings/statement', me);
    expect(after.body.result[0]).toMatchObject({ balance: '449000000000000000000', earn_coins: '550000000000000000000', transfer_coins: '101000000000000000000' });
    expect((await call('GET', '/payments-service/withdrawal/earnings/statement', await ticket(newUser()))).body).toEqual({ result: [] });
  });
});

describe('rewards credited by the system role', () => {
  it('credit once per ref as earnings; a ref reused for another reward is a 409; a user ticket is refused', async () => {
    const user = newUser();
    const participant = await fundedParticipant(100n * COIN);
    const body = { participant, user, coins: (30n * COIN).toString(), ref: uniq('order') };
    expect((await call('POST', '/payments-service/rewards/credit', await ticket(user), body)).status).toBe(403);
    const first = await call('POST', '/payments-service/rewards/credit', await system(), body);
    expect(first).toEqual({ status: 200, body: { ...body, credited: true } });
    expect((await call('POST', '/payments-service/rewards/credit', await system(), body)).body.credited).toBe(false);
    const reused = await call('POST', '/payments-service/rewards/credit', await system(), { ...body, coins: (31n * COIN).toString() });
    expect([reused.status, reused.body.error_id]).toEqual([409, 'payments-reward_ref_reused']);
    const tooMuch = await call('POST', '/payments-service/rewards/credit', await system(), { ...body, coins: (71n * COIN).toString(), ref: uniq('order') });
    expect([tooMuch.status, tooMuch.body.error_id]).toEqual([422, 'payments-insufficient_coins']);
    const statement = await call('GET', '/payments-service/withdrawal/earnings/statement', await ticket(user));
    expect(statement.body.result.map((m: { earn_coins: string }) => m.earn_coins)).toEqual([(30n * COIN).toString()]);
    expect(await getBalance(accountIds.userCoins(user))).toBe(30n * COIN);
  });
});

describe('withdrawal limits', () => {
  it('answer the contract shape with the earnings bound, the level bound and what is left', async () => {
    const user = newUser();
    const me = await ticket(user);
    await reward(await fundedParticipant(2000n * COIN), user, 1661n * COIN);
    expect((await transfer(me, 1620n * COIN)).status).toBe(200); // coins 1620 + fee 1 count: 40 coins remain
    const { from, to } = thisMonth();
    const limits = await call('GET', '/payments-service/withdrawal/limits', me);
    expect(limits.status).toBe(200);
    expect(limits.body).toEqual({
      currency: 'AUD',
      currency_low: 'aud',
      currency_symbol: '$',
      current_limit: {
        coins_limit_based_on_earnings: '1661000000000000000000',
        coins_transfered: '1621000000000000000000',
        coins_transfered_wo_boosters: '1621000000000000000000',
        current_booster: 0,
        current_coins_price: 1.2e-20,
        current_level: 'basic',
        current_level_max_value: 20,
        current_level_max_value_earnings: 19.93,
        current_rest: 0.48,
        current_rest_coins: '40000000000000000000',
        current_rest_type: 'rest_based_earnings',
        current_value: 19.45,
        ts_from: seconds(from),
        ts_to: seconds(to),
      },
      levels_limits: [
        { level: 'basic', level_max_booster: 50, level_max_value: 20, level_max_value_with_booster: 70 },
        { level: 'bronze', level_max_booster: 70, level_max_value: 30, level_max_value_with_booster: 100 },
        { level: 'silver', level_max_booster: 100, level_max_value: 40, level_max_value_with_booster: 140 },
        { level: 'gold', level_max_booster: 150, level_max_value: 45, level_max_value_with_booster: 195 },
        { level: 'platinum', level_max_booster: 300, level_max_value: 50, level_max_value_with_booster: 350 },
        { level: 'ambassador', level_max_booster: 425, level_max_value: 75, level_max_value_with_booster: 500 },
      ],
      start_ts: seconds(from),
    });
  });

  it('are bound by the level when earnings are larger, and the booster raises the level bound', async () => {
    const user = newUser();
    const me = await ticket(user);
    await reward(await fundedParticipant(10_000n * COIN), user, 5000n * COIN);
    expect((await transfer(me, 1000n * COIN)).status).toBe(200);
    const basic = (await call('GET', '/payments-service/withdrawal/limits', me)).body.current_limit;
    // 20 AUD is 1666.666... coins: 665.666... are left after 1000 coins and the 1-coin fee.
    expect([basic.current_rest_type, basic.current_rest_coins, basic.current_rest, basic.current_level_max_value]).toEqual(['rest_based_limits', '665666666666666666666', 7.98, 20]);
    await call('POST', '/payments-service/withdrawal/profile', await system(), { user, booster: 0.5 });
    const boosted = (await call('GET', '/payments-service/withdrawal/limits', me)).body.current_limit;
    // 20 + 0.5 x 20 = 30 AUD, 2500 coins.
    expect([boosted.current_rest_type, boosted.current_rest_coins, boosted.current_level_max_value, boosted.current_booster]).toEqual(['rest_based_limits', '1499000000000000000000', 30, 0.5]);
  });
});

describe('convert_coins', () => {
  it("answers the contract's fields with the fee engine's numbers (bank cash-out in AUD)", async () => {
    const me = await ticket(newUser());
    const quote = await call('POST', '/payments-service/withdrawal/convert_coins', me, { id: 'any', coins: '10000000000000000000', type: 'cashout_account' });
    expect(quote.status).toBe(200);
    // gas 10 coins x 59% = 5.9 coins; AUD 1.50 = 125 coins; 10 coins are worth 0.12.
    expect(quote.body).toEqual({
      coins: '10000000000000000000',
      coins_with_fee: '140900000000000000000',
      coins_without_fee: 0,
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
      value: 0.0,
      value_with_fee: 0.12,
      value_without_fee: 0.0,
    });
    const negative = await call('POST', '/payments-service/withdrawal/convert_coins', me, { coins: '10000000000000000000', type: 'cashout_account', negative_values: 'true' });
    expect([negative.body.value_without_fee, negative.body.coins_without_fee]).toEqual([-1.45, -120900000000000000000]);
    const byValue = await call('POST', '/payments-service/withdrawal/convert_coins', me, { value: 1.0, type: 'coinbase_account' });
    expect(byValue.body).toMatchObject({ coins: '83333333333333333334', value: 1.0, fee_coins: 0, min_transfer_coins_value: '1000000000000000000' });
    // The Coinbase quote route answers the same quote.
    const coinbase = await call('GET', '/payments-service/coinbase/convert_coins?coins=83333333333333333334', me);
    expect(coinbase).toEqual({ status: 200, body: byValue.body });
    expect((await call('GET', '/payments-service/coinbase/convert_coins?coins=1.5', me)).body.error_id).toBe('payments-bad_coins');
    const neither = await call('POST', '/payments-service/withdrawal/convert_coins', me, { type: 'coinbase_account' });
    expect([neither.status, neither.body.error_id]).toEqual([400, 'payments-bad_convert_request']);
    const badType = await call('POST', '/payments-service/withdrawal/convert_coins', me, { coins: '1', type: 'paypal' });
    expect([badType.status, badType.body.error_id]).toEqual([400, 'payments-bad_type']);
  });

  it('shows withdrawals disabled below the lock value, and still disabled until the unlock value', async () => {
    const user = newUser();
    const me = await ticket(user);
    const karma = async (value?: number) => {
      if (value !== undefined) expect((await call('POST', '/payments-service/withdrawal/profile', await system(), { user, karma: value })).status).toBe(200);
      const q = await call('POST', '/payments-service/withdrawal/convert_coins', me, { coins: '10000000000000000000', rule_karma_value_include: true });
      return [q.body.karma_value, q.body.karma_value_lock_before, q.body.karma_value_unlock, q.body.karma_value_withdrawal_enabled];
    };
    expect(await karma()).toEqual([80, 50, 70, true]);
    expect(await karma(60)).toEqual([60, 50, 70, true]);
    expect(await karma(45)).toEqual([45, 50, 70, false]);
    expect(await karma(60)).toEqual([60, 50, 70, false]);
    expect(await karma(69.5)).toEqual([69.5, 50, 70, false]);
    expect(await karma(70)).toEqual([70, 50, 70, true]);
    expect(await karma(55)).toEqual([55, 50, 70, true]);
    const without = await call('POST', '/payments-service/withdrawal/convert_coins', me, { coins: '10000000000000000000' });
    expect(Object.keys(without.body).filter((k) => k.startsWith('karma'))).toEqual([]);
  });
});
