/** Coin prices, coin conversion and rate cards (HTTP against the stack). */
import { beforeAll, describe, expect, it } from 'vitest';
import { rateCardsRepo } from '../../lib/ratecards/repository.js';
import { setRates } from '../../lib/rates/index.js';
import { call, ticket, newUser as user, newParticipant as participant } from '../fixtures/payments.js';

const PRICED_AT = '2026-01-05T10:00:00.000Z';
const USD_PRICED_AT = '2026-01-06T08:30:00.000Z';
const coins = (whole: number) => `${whole}000000000000000000`;
const errorId = (r: { status: number; body: any }) => [r.status, r.body.error_id];

beforeAll(async () => {
  // Set before any call of these functions: their warm caches then hold exactly these prices.
  await setRates({ aud: '0.00024', usd: '0.5' }, PRICED_AT);
  await setRates({ usd: '0.00016' }, USD_PRICED_AT); // each price keeps its own time
});

describe('GET /rewards/convert/coins', () => {
  it('converts at the current aud price, stating the price and when it was set', async () => {
    const t = await ticket(user());
    const r = await call('GET', '/rewards/convert/coins?coins=100000000000000000', t);
    expect(r).toEqual({ status: 200, body: { currency: 'aud', value: 0.000024, price: 0.00024, price_at: PRICED_AT } });
  });

  it("uses the currency given, else the country's", async () => {
    const t = await ticket(user());
    expect((await call('GET', `/rewards/convert/coins?coins=${coins(1000)}&country=840`, t)).body).toEqual({ currency: 'usd', value: 0.16, price: 0.00016, price_at: USD_PRICED_AT });
    expect((await call('GET', `/rewards/convert/coins?coins=${coins(1000)}&country=840&currency=aud`, t)).body.currency).toBe('aud');
    // floored to 8 places: 1 wei + 1 coin at 0.00024 is 0.00024000000000000000024
    expect((await call('GET', `/rewards/convert/coins?coins=1000000000000000001`, t)).body.value).toBe(0.00024);
  });

  it('refuses bad coins, unknown currencies and countries, missing prices and tickets', async () => {
    const t = await ticket(user());
    expect(errorId(await call('GET', '/rewards/convert/coins', t))).toEqual([400, 'payments-bad_coins']);
    expect(errorId(await call('GET', '/rewards/convert/coins?coins=1.5', t))).toEqual([400, 'payments-bad_coins']);
    expect(errorId(await call('GET', '/rewards/convert/coins?coins=-1', t))).toEqual([400, 'payments-bad_coins']);
    expect(errorId(await call('GET', '/rewards/convert/coins?coins=1&currency=eur', t))).toEqual([400, 'payments-unknown_currency']);
    expect(errorId(await call('GET', '/rewards/convert/coins?coins=1&country=250', t))).toEqual([400, 'payments-unknown_country']);
    const noPrice = await call('GET', '/rewards/convert/coins?coins=1&currency=sgd', t);
    expect(noPrice).toEqual({ status: 422, body: { error: 'no coin price is set for sgd', error_data: null, error_id: 'payments-no_price', error_object: null } });
    expect(errorId(await call('GET', '/rewards/convert/coins?coins=1', undefined))).toEqual([401, 'payments-no_ticket']);
  });
});

const CLICKS = { events: ['follow_fb', 'visit_link', 'visit_social_networks_link'], id: 'clicks', name: 'Clicks' };
const VIDEO = { events: ['watch_video'], id: 'completed_video', name: 'Completed Video' };
const REVIEWS = { events: ['send_review'], id: 'approved_reviews', name: 'Approved Reviews' };
const IMPRESSIONS = {
  events: ['scan', 'send_scan_location', 'view_certificates', 'view_image', 'view_nutrition_info', 'view_popup', 'view_status', 'view_text'],
  id: 'impressions_revenue',
  name: 'Impressions Revenue',
};
const TRANSACTIONAL = { events: [], id: 'transactional_data', name: 'Transactional Data' };

const SET_REQUEST = {
  billable: true,
  budget: { day: 20, week: 30, month: 40 },
  gst: 10,
  items: [
    { id: 'clicks', value: 0.1 },
    { id: 'completed_video', value: 0.1 },
    { id: 'approved_reviews', value: 0.1 },
    { id: 'impressions_revenue', value: 0.2 },
    { id: 'transactional_data', value: 0.3 },
  ],
  user_rewards: { percents: 0.25 },
};

const price = { currency: 'aud', price: 0.00024, price_at: PRICED_AT };

describe('rate cards', () => {
  const system = () => ticket(user(), { roles: ['system'] });

  it('a participant without a card reads the default (built in), adjusted at the current price', async () => {
    const p = participant();
    const r = await call('GET', '/payments-service/participants/rate_card', await ticket(user(), { participant: p }));
    expect(r).toEqual({
      status: 200,
      body: {
        // 0.3 / 0.00024 = 1250; 0.35 -> 1458.3; 0.4 -> 1666.7; 0.003 -> 12.5; 0.6 -> 2500 (whole coins, floored)
        adjustment: { approved_reviews: coins(1666), clicks: coins(1250), completed_video: coins(1458), impressions_revenue: coins(12), transactional_data: coins(2500) },
        id: 'urn:authenticateit:rate_card',
        rate_card: {
          billable: true,
          budget: { day: 20, month: 40, week: 30 },
          gst: 10,
          items: [
            { ...CLICKS, value: 0.3 },
            { ...VIDEO, value: 0.35 },
            { ...REVIEWS, value: 0.4 },
            { ...IMPRESSIONS, value: 0.003 },
            { ...TRANSACTIONAL, value: 0.6 },
          ],
          user_rewards: { percents: 0.25 },
        },
        type: 'rate_card',
        ...price,
      },
    });
  });

  it("the system sets a participant's card; the participant reads it, not another's; the change is audited", async () => {
    const p = participant();
    const operator = user();
    const set = await call('POST', `/payments-service/participants/rate_card/${p}`, await ticket(operator, { roles: ['system'] }), SET_REQUEST);
    const expected = {
      adjustment: { approved_reviews: coins(416), clicks: coins(416), completed_video: coins(416), impressions_revenue: coins(833), transactional_data: coins(1250) },
      id: `${p}@rate_card`,
      rate_card: {
        billable: true,
        budget: { day: 20, month: 40, week: 30 },
        gst: 10,
        items: [
          { ...CLICKS, value: 0.1 },
          { ...VIDEO, value: 0.1 },
          { ...REVIEWS, value: 0.1 },
          { ...IMPRESSIONS, value: 0.2 },
          { ...TRANSACTIONAL, value: 0.3 },
        ],
        user_rewards: { percents: 0.25 },
      },
      type: 'rate_card',
      ...price,
    };
    expect(set).toEqual({ status: 200, body: expected });
    const own = await ticket(user(), { participant: p });
    expect(await call('GET', '/payments-service/participants/rate_card', own)).toEqual({ status: 200, body: expected });
    expect(await call('GET', `/payments-service/participants/rate_card?id=${encodeURIComponent(p)}`, own)).toEqual({ status: 200, body: expected });
    expect((await call('GET', `/payments-service/participants/rate_card?id=${encodeURIComponent(p)}`, await system())).body).toEqual(expected);

    const other = await ticket(user(), { participant: participant() });
    expect(errorId(await call('GET', `/payments-service/participants/rate_card?id=${encodeURIComponent(p)}`, other))).toEqual([403, 'payments-foreign_rate_card']);
    expect(errorId(await call('GET', '/payments-service/participants/rate_card?id=default', other))).toEqual([403, 'payments-foreign_rate_card']);

    const first = await rateCardsRepo.get(p);
    expect(first).toMatchObject({ owner: p, updatedBy: operator });
    expect(first!.createdAt).toBe(first!.updatedAt);
    const again = user();
    await call('POST', `/payments-service/participants/rate_card/${p}`, await ticket(again, { roles: ['system'] }), { ...SET_REQUEST, billable: false });
    const second = await rateCardsRepo.get(p);
    expect(second).toMatchObject({ owner: p, updatedBy: again, createdAt: first!.createdAt, settings: { billable: false } });
    expect(second!.updatedAt > first!.updatedAt).toBe(true);
  });

  it('only the system role sets or deletes; a system ticket must name the card it reads', async () => {
    const p = participant();
    const own = await ticket(user(), { participant: p });
    expect(errorId(await call('POST', `/payments-service/participants/rate_card/${p}`, own, SET_REQUEST))).toEqual([403, 'payments-not_system']);
    expect(errorId(await call('POST', '/payments-service/participants/rate_card/default', own, SET_REQUEST))).toEqual([403, 'payments-not_system']);
    expect(errorId(await call('DELETE', `/payments-service/participants/rate_card/${p}`, own))).toEqual([403, 'payments-not_system']);
    expect(errorId(await call('POST', `/payments-service/participants/rate_card/${p}`, undefined, SET_REQUEST))).toEqual([401, 'payments-no_ticket']);
    expect(await rateCardsRepo.get(p)).toBeUndefined();
    expect(errorId(await call('GET', '/payments-service/participants/rate_card', await system()))).toEqual([400, 'payments-id_required']);
    expect(errorId(await call('GET', '/payments-service/participants/rate_card?id=nobody', await system()))).toEqual([400, 'payments-bad_id']);
    expect(errorId(await call('GET', '/payments-service/participants/rate_card', await ticket(user())))).toEqual([403, 'payments-no_participant']);
  });

  it('refuses each invalid field of a card', async () => {
    const s = await system();
    const p = participant();
    const post = (body: unknown, id = p) => call('POST', `/payments-service/participants/rate_card/${id}`, s, body);
    const { billable: _b, ...noBillable } = SET_REQUEST;
    const { user_rewards: _u, ...noRewards } = SET_REQUEST;
    const { items: _i, ...noItems } = SET_REQUEST;
    expect(errorId(await post(SET_REQUEST, 'someone'))).toEqual([400, 'payments-bad_id']);
    expect(errorId(await post(noBillable))).toEqual([400, 'payments-bad_billable']);
    expect(errorId(await post({ ...SET_REQUEST, billable: 'yes' }))).toEqual([400, 'payments-bad_billable']);
    expect(errorId(await post(noRewards))).toEqual([400, 'payments-bad_user_rewards']);
    expect(errorId(await post({ ...SET_REQUEST, user_rewards: {} }))).toEqual([400, 'payments-bad_user_rewards']);
    expect(errorId(await post({ ...SET_REQUEST, user_rewards: { percents: -0.25 } }))).toEqual([400, 'payments-bad_user_rewards']);
    expect(errorId(await post({ ...SET_REQUEST, user_rewards: { value: -1 } }))).toEqual([400, 'payments-bad_user_rewards']);
    expect(errorId(await post({ ...SET_REQUEST, user_rewards: { coins: '12.5' } }))).toEqual([400, 'payments-bad_user_rewards']);
    expect(errorId(await post({ ...SET_REQUEST, gst: 2.5 }))).toEqual([400, 'payments-bad_gst']);
    expect(errorId(await post({ ...SET_REQUEST, gst: -1 }))).toEqual([400, 'payments-bad_gst']);
    expect(errorId(await post(noItems))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, items: [{ id: 'likes', value: 1 }] }))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, items: [{ value: 1 }] }))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, items: [{ id: 'clicks' }] }))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, items: [{ id: 'clicks', value: -0.1 }] }))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, items: [{ id: 'clicks', value: 1 }, { id: 'clicks', value: 1 }] }))).toEqual([400, 'payments-bad_items']);
    expect(errorId(await post({ ...SET_REQUEST, budget: { day: -1 } }))).toEqual([400, 'payments-bad_budget']);
    expect(await rateCardsRepo.get(p)).toBeUndefined();
    const coinsReward = await post({ ...SET_REQUEST, user_rewards: { coins: coins(5), value: 1.5 } });
    expect(coinsReward.body.rate_card.user_rewards).toEqual({ coins: coins(5), value: 1.5 });
  });

  it('the system sets the default card (for participants without their own) and deletes participant cards', async () => {
    const s = await system();
    const withoutCard = await ticket(user(), { participant: participant() });
    const defaultCard = { billable: false, items: [{ id: 'transactional_data', value: 0.48 }], user_rewards: { value: 0.5 } };
    const set = await call('POST', '/payments-service/participants/rate_card/default', s, defaultCard);
    const expectedDefault = {
      adjustment: { transactional_data: coins(2000) },
      id: 'urn:authenticateit:rate_card',
      rate_card: { billable: false, items: [{ ...TRANSACTIONAL, value: 0.48 }], user_rewards: { value: 0.5 } },
      type: 'rate_card',
      ...price,
    };
    expect(set).toEqual({ status: 200, body: expectedDefault });
    expect((await call('GET', '/payments-service/participants/rate_card', withoutCard)).body).toEqual(expectedDefault);
    expect((await call('GET', '/payments-service/participants/rate_card?id=default', s)).body).toEqual(expectedDefault);

    const p = participant();
    await call('POST', `/payments-service/participants/rate_card/${p}`, s, SET_REQUEST);
    expect(await call('DELETE', `/payments-service/participants/rate_card/${p}`, s)).toEqual({ status: 200, body: expectedDefault });
    expect((await call('GET', '/payments-service/participants/rate_card', await ticket(user(), { participant: p }))).body).toEqual(expectedDefault);
    expect(errorId(await call('DELETE', `/payments-service/participants/rate_card/${p}`, s))).toEqual([404, 'payments-rate_card_not_found']);
    expect(errorId(await call('DELETE', '/payments-service/participants/rate_card/default', s))).toEqual([400, 'payments-bad_id']);
  });
});
