/** Idempotent demo data for the local stack: a partner with deposits, a funded distribution fund, rates. */
import { depositPartnerFunds, fundDistribution, tokens } from '../../lib/admin/index.js';
import { AlreadyExistsError } from '../../lib/db/errors.js';
import { authenticatePartner, createPartner, rotatePartnerKey } from '../../lib/partners/index.js';
import { setRates } from '../../lib/rates/index.js';
import { addAppKey, createApp, createCard } from '../../lib/cards/admin.js';
import { authenticateApp } from '../../lib/cards/auth.js';
import { earn } from '../../lib/cards/index.js';
import { appsRepo } from '../../lib/cards/repository/apps.js';
import { cardsRepo } from '../../lib/cards/repository/cards.js';
import { accountIds } from '../../lib/db/keys.js';
import { DuplicateEntryError } from '../../lib/db/ledger.js';
import { issueTicket, type IssuerKey } from '../../lib/identity/tickets.js';
import { postEntry } from '../../lib/ledger/index.js';
import { cashoutProvidersRepo } from '../../lib/cashout/repository.js';
import { authenticateProvider, registerProvider, rotateProviderKey, signingSecrets, updateProfile } from '../../lib/cashout/providers.js';

export const DEMO_PARTNER = 'demo-shop';
/**
 * Price of one token in each purchase currency (AUD and SGD also price coin conversion and rate cards); ETH prices
 * the gas of withdrawal quotes, so local quotes show gas_coins from anvil's gas price. The test stack sets no ETH
 * price: its quotes keep WITHDRAWAL_GAS_COINS unless a test sets one.
 */
export const DEMO_RATES = { USD: '1', EUR: '0.92', RUR: '90', GBYTE: '0.05', BTC: '0.000015', AUD: '1.5', SGD: '1.35', ETH: '0.000012' };

export const DEMO_APP_ID = 'app_demo';
export const DEMO_MEMBER_EMAIL = 'alice@example.com';

export interface DemoCards {
  appId: string;
  apiKey: string;
  cardId: number;
  memberId: number;
  memberEmail: string;
}

/** A loyalty app with every scope, a card like the API's example (5%, min 10, max 1000, PIN redemption) and a member with a balance. */
export async function seedCards(previousKey?: string): Promise<DemoCards> {
  let apiKey: string;
  if (!(await appsRepo.get(DEMO_APP_ID))) apiKey = (await createApp('Demo loyalty app', undefined, DEMO_APP_ID)).apiKey;
  else {
    const valid = previousKey && (await authenticateApp(DEMO_APP_ID, previousKey, 'card_read').then(() => true, () => false));
    apiKey = valid ? previousKey : (await addAppKey(DEMO_APP_ID, ['cashback_read', 'cashback_write', 'card_read'])).apiKey;
  }
  const existing = (await cardsRepo.listByApp(DEMO_APP_ID)).find((c) => c.uniqueIdentifier === 'CASH-001');
  const card =
    existing ??
    (await createCard(DEMO_APP_ID, {
      name: 'Premium Cashback Card',
      uniqueIdentifier: 'CASH-001',
      description: '5% cashback on all purchases',
      currency: 'USD',
      cashbackPercentage: '5',
      minAmount: '10',
      maxAmount: '1000',
      allowsPinRedemption: true,
    }));
  const caller = { appId: DEMO_APP_ID, keyId: 'seed', scopes: [] };
  const earned = await earn(caller, { card_id: card.id, email: DEMO_MEMBER_EMAIL, member_name: 'Alice', purchase_amount: 200, reference: 'demo-seed-1' });
  return { appId: DEMO_APP_ID, apiKey, cardId: card.id, memberId: earned.member_id, memberEmail: DEMO_MEMBER_EMAIL };
}

export const DEMO_CASHOUT = 'demo_cashout';

export interface DemoCashout {
  name: string;
  apiKey: string;
  webhookSecret: string;
  receiverUrl: string;
}

/** A cash-out provider whose endpoint is the stack's webhook receiver; keys are reused while they still work. */
export async function seedCashout(receiverUrl: string, previous?: Partial<DemoCashout>): Promise<DemoCashout> {
  const existing = await cashoutProvidersRepo.get(DEMO_CASHOUT);
  if (!existing) {
    const reg = await registerProvider({ name: DEMO_CASHOUT, pan: '5555555555554444', expDate: '3012', ipin: '0000', consent: true, endpoint: receiverUrl });
    return { name: DEMO_CASHOUT, apiKey: reg.api_key, webhookSecret: reg.webhook_secret, receiverUrl };
  }
  const keyWorks = previous?.apiKey && (await authenticateProvider(previous.apiKey).then(() => true, () => false));
  const apiKey = keyWorks ? previous!.apiKey! : await rotateProviderKey(DEMO_CASHOUT);
  const provider = (await cashoutProvidersRepo.get(DEMO_CASHOUT))!;
  // A secret that does not open (sealed before envelopes were bound to their record) is replaced like a lost one,
  // and the demo card is sealed anew on every start for the same reason.
  const secretWorks = previous?.webhookSecret && (await signingSecrets(provider).then(([current]) => current === previous.webhookSecret, () => false));
  const update = await updateProfile(provider, { endpoint: receiverUrl, pan: '5555555555554444', ipin: '0000', rotate_webhook_secret: !secretWorks });
  return { name: DEMO_CASHOUT, apiKey, webhookSecret: update.webhook_secret ?? previous!.webhookSecret!, receiverUrl };
}

/** Local tickets live a day: the longest lifetime tickets are accepted with (TICKET_MAX_LIFETIME_SECONDS); each start issues new ones. */
const TICKET_SECONDS = 24 * 3600;
const systemTicket = (issuer: IssuerKey) =>
  issueTicket(issuer, { sub: 'urn:authenticateit:user:system', participant: 'urn:authenticateit:participant:system', roles: ['system'], ttlSeconds: TICKET_SECONDS });

export interface DemoCoins {
  userTicket: string;
  participantTicket: string;
  systemTicket: string;
  moderators: string[];
  user: string;
}

/**
 * `coins` earned by `user` as a reward from the demo rewards participant (funded for it): earnings, which
 * withdrawals may take. Idempotent by `key`.
 */
async function rewardDemoUser(user: string, coins: bigint, key: string): Promise<void> {
  const { payReward } = await import('../../lib/coins/rewards.js');
  const participant = 'urn:authenticateit:participant:demo-rewards';
  await fundDemoParticipant(participant, coins, `${key}-fund`);
  await payReward({ participant, user, coins, idempotencyKey: key });
}

/** `coins` minted to a demo participant's deposit, once per `key`. */
async function fundDemoParticipant(participant: string, coins: bigint, key: string): Promise<void> {
  await postEntry({
    idempotencyKey: key,
    kind: 'demo-coins',
    postings: [
      { account: accountIds.external('main'), amount: -coins, allowNegative: true },
      { account: accountIds.userCoins(participant), amount: coins },
    ],
  }).catch((err: unknown) => {
    if (!(err instanceof DuplicateEntryError)) throw err;
  });
}

/** A demo user with 100 coins earned (withdrawable within the limits), a demo participant, and day-long local tickets for both. */
export async function seedCoins(identityIssuer: IssuerKey, moderators: string[]): Promise<DemoCoins> {
  const user = 'urn:authenticateit:user:email:demo@rewards.local';
  await rewardDemoUser(user, 100n * 10n ** 18n, 'demo-seed-coins-2');
  return {
    user,
    userTicket: await issueTicket(identityIssuer, { sub: user, ttlSeconds: TICKET_SECONDS }),
    participantTicket: await issueTicket(identityIssuer, { sub: 'urn:authenticateit:user:email:brand@rewards.local', participant: 'urn:authenticateit:participant:demo-brand', ttlSeconds: TICKET_SECONDS }),
    systemTicket: await systemTicket(identityIssuer),
    moderators,
  };
}

export async function seedDemo(previousKey?: string): Promise<{ partner: { name: string; key: string } }> {
  let partner: { name: string; key: string };
  try {
    partner = await createPartner(DEMO_PARTNER);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    // Keys are stored hashed: reuse the one this checkout saved, or issue a new one.
    partner = previousKey && (await authenticatePartner(DEMO_PARTNER, previousKey)) ? { name: DEMO_PARTNER, key: previousKey } : await rotatePartnerKey(DEMO_PARTNER);
  }
  for (const network of ['main', 'test'] as const) {
    await depositPartnerFunds(network, DEMO_PARTNER, tokens('10000'), 'demo-seed-1');
    await fundDistribution(network, tokens('1000000'), 'demo-seed-1');
  }
  await setRates(DEMO_RATES);
  return { partner };
}

export interface DemoBilling {
  participant: string;
  participantTicket: string;
  systemTicket: string;
  stripeUrl: string;
}

/**
 * A participant with a saved test card (Visa 4242) on the `light` plan, its receipt mailed to
 * billing@rewards.local. The Stripe emulator keeps nothing across restarts, so each start makes a new
 * participant: its card and customer exist in the emulator that is running.
 */
export async function seedBilling(identityIssuer: IssuerKey, stripeUrl: string): Promise<DemoBilling> {
  const { setCard } = await import('../../lib/billing/account-card.js');
  const { changePlan } = await import('../../lib/billing/payments.js');
  const participant = `urn:authenticateit:participant:demo-billing-${new Date().toISOString().slice(0, 19).replace(/\D/g, '')}`;
  const caller = { participant, user: 'urn:authenticateit:user:email:billing@rewards.local', system: false };
  await setCard(caller, { token: 'tok_visa' });
  await changePlan(caller, { plan: 'light' });
  return {
    participant,
    participantTicket: await issueTicket(identityIssuer, { sub: caller.user, participant, ttlSeconds: TICKET_SECONDS }),
    systemTicket: await systemTicket(identityIssuer),
    stripeUrl,
  };
}

export interface DemoWithdrawals {
  user: string;
  userTicket: string;
  systemTicket: string;
}

/**
 * A user ready to cash out: 500 coins earned as a reward from a demo participant (an earning of this month), a
 * profile (Australia, basic level, karma 80) and one bank account with the sandbox's always-paid test number.
 * Idempotent: the reward is keyed, the account made once.
 */
export async function seedWithdrawals(identityIssuer: IssuerKey): Promise<DemoWithdrawals> {
  const { setProfile } = await import('../../lib/withdrawals/profiles.js');
  const { cashoutAccountsOf, createCashoutAccount } = await import('../../lib/cashout-accounts/index.js');
  const { SANDBOX_BANK_ACCOUNTS } = await import('../../lib/payments/bank-sandbox.js');
  const user = 'urn:authenticateit:user:email:saver@rewards.local';
  await rewardDemoUser(user, 500n * 10n ** 18n, 'demo-seed-withdrawals-1');
  await setProfile(user, { country: '036', level: 'basic', karma: '80' });
  if ((await cashoutAccountsOf(user)).length === 0) {
    await createCashoutAccount(user, { account: { country: '036', bank: 'Sandbox Bank', name: 'SAVER DEMO', bsb: '062000', account: SANDBOX_BANK_ACCOUNTS.paid, postcode: '2000', description: 'Demo account (always paid)' } });
  }
  return {
    user,
    userTicket: await issueTicket(identityIssuer, { sub: user, ttlSeconds: TICKET_SECONDS }),
    systemTicket: await systemTicket(identityIssuer),
  };
}

export interface DemoExchanges {
  user: string;
  userTicket: string;
  systemTicket: string;
  coinbaseUrl: string;
  poloniexUrl: string;
}

/**
 * A user who withdraws to exchanges: 300 coins earned, a Coinbase account connected through the emulator's consent
 * (the OAuth round trip the callback route makes, done here directly), and a Poloniex deposit address. The Coinbase
 * emulator keeps nothing across restarts, so the account is connected again on each start.
 */
export async function seedExchanges(identityIssuer: IssuerKey, urls: { coinbaseUrl: string; poloniexUrl: string }): Promise<DemoExchanges> {
  const { startCoinbaseConnect, finishCoinbaseConnect } = await import('../../lib/exchanges/coinbase-accounts.js');
  const { addPoloniexAccount } = await import('../../lib/exchanges/poloniex-accounts.js');
  const user = 'urn:authenticateit:user:email:trader@rewards.local';
  await rewardDemoUser(user, 300n * 10n ** 18n, 'demo-seed-exchanges-1');
  const { authorize_url } = await startCoinbaseConnect(user);
  const authorize = new URL(authorize_url);
  const form = new URLSearchParams(authorize.searchParams);
  form.set('other_email', 'trader@example.com');
  form.set('decision', 'approve');
  const consent = await fetch(new URL('/oauth/authorize', authorize), { method: 'POST', body: form, redirect: 'manual' });
  const back = new URL(consent.headers.get('location') ?? '');
  await finishCoinbaseConnect(back.searchParams.get('code') ?? '', back.searchParams.get('state') ?? '');
  await addPoloniexAccount(user, '0x4ca5F489CC1fD1cEc24747b64E8dE0F4A6A850e3', 'Demo Poloniex deposit address');
  return {
    user,
    // With the profile claims an identity service puts in tickets: moderators see the user's name.
    userTicket: await issueTicket(identityIssuer, { sub: user, ttlSeconds: TICKET_SECONDS, profile: { email: 'trader@rewards.local', given_name: 'Tess', family_name: 'Trader' } }),
    systemTicket: await systemTicket(identityIssuer),
    ...urls,
  };
}

export interface DemoRetail {
  userTicket: string;
  operatorTicket: string;
  deviceTicket: string;
  cardId: string;
  participantId: string;
}

/** The contract's NovaStore program: 15% back for everyone, 25% after 5 purchases and $20 spent in 30 days, 33% after 10 and $250. */
export const DEMO_RETAIL_PROGRAM = {
  name: 'NovaStore',
  description: 'Pay with coins at NovaStore and get up to 33% back.',
  bgcolor: '#ED1010',
  country: '036',
  coin_payments_rule: { type: 'currency_value', currency_value: 200 },
  level_up: [
    { level_id: 'casual', rules: [] },
    { level_id: 'regular', rules: [{ type: 'purchases_count', purchases_count: 5, period_days: 30 }, { type: 'spends', spends: 2000, period_days: 30 }] },
    { level_id: 'vip', rules: [{ type: 'purchases_count', purchases_count: 10, period_days: 30 }, { type: 'spends', spends: 25000, period_days: 30 }] },
  ],
  rebate: [
    { level_id: 'casual', rebate_percents: 15 },
    { level_id: 'regular', rebate_percents: 25 },
    { level_id: 'vip', rebate_percents: 33 },
  ],
};

/**
 * Retail connect: the NovaStore participant (a coin deposit for rebates, its loyalty program), one of its
 * terminals (a device ticket) and a cashier (an identity ticket for the participant), and a shopper with 500 earned
 * coins and a NovaStore card.
 */
export async function seedRetail(identityIssuer: IssuerKey): Promise<DemoRetail> {
  const { setProgram } = await import('../../lib/retail/programs.js');
  const { addStoreCard, storeCardOf } = await import('../../lib/retail/cards.js');
  const { issueDeviceTicket } = await import('../../lib/identity/device-tickets.js');
  const participant = 'urn:authenticateit:participant:novastore';
  await fundDemoParticipant(participant, 100_000n * 10n ** 18n, 'demo-seed-retail-deposit-1');
  await setProgram(participant, DEMO_RETAIL_PROGRAM, 'urn:authenticateit:user:system');
  const user = 'urn:authenticateit:user:email:shopper@rewards.local';
  await rewardDemoUser(user, 500n * 10n ** 18n, 'demo-seed-retail-1');
  const cardId = 'novastore-demo-card';
  if (!(await storeCardOf(cardId))) await addStoreCard(user, participant, cardId);
  const { ticket: deviceTicket } = await issueDeviceTicket(identityIssuer, { participant, deviceUuid: 'a5ed8e8f-98bc-4c6a-a00a-2222db146808', ttlSeconds: TICKET_SECONDS });
  return {
    userTicket: await issueTicket(identityIssuer, { sub: user, ttlSeconds: TICKET_SECONDS, profile: { email: 'shopper@rewards.local', given_name: 'Sam', family_name: 'Shopper' } }),
    operatorTicket: await issueTicket(identityIssuer, { sub: 'urn:authenticateit:user:email:cashier@novastore.example', participant, ttlSeconds: TICKET_SECONDS }),
    deviceTicket,
    cardId,
    participantId: participant,
  };
}
