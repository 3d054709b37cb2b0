/**
 * Every key of the single table is built here and nowhere else (import it as a namespace,
 * `import * as keys from '.../db/keys.js'`, so each bundle keeps only the builders it calls).
 * Prefixes are upper case with '#'; ids that sort by time are ULIDs.
 */
export const NETWORKS = ['main', 'test'] as const;
export type Network = (typeof NETWORKS)[number];

/** Integer ids in sort keys: zero-padded so they sort as numbers. */
const sortable = (id: number) => String(id).padStart(12, '0');

export const partner = (name: string) => ({ PK: `PARTNER#${name}`, SK: 'PROFILE' });
/** What a partner's purchases took from one network's distribution fund in one UTC day (`budgetWindow`): its daily limit. */
export const partnerFundBudget = (network: Network, partner: string, day: string) => ({ PK: `PARTNERFUND#${network}#${partner}`, SK: `DAY#${day}` });
export const order = (network: Network, partner: string, orderId: string) => ({
  PK: `ORDER#${network}#${partner}#${orderId}`,
  SK: 'ORDER',
});
export const account = (accountId: string) => ({ PK: `ACCOUNT#${accountId}`, SK: 'BALANCE' });
export const posting = (accountId: string, entryUlid: string) => ({ PK: `ACCOUNT#${accountId}`, SK: `POSTING#${entryUlid}` });
export const postingPrefix = 'POSTING#';
export const entry = (idempotencyKey: string) => ({ PK: `ENTRY#${idempotencyKey}`, SK: 'ENTRY' });
export const entriesByDay = (day: string) => `ENTRIES#${day}`;
export const rates = () => ({ PK: 'CONFIG#RATES', SK: 'CONFIG' });
export const payout = (unit: string) => ({ PK: `PAYOUT#${unit}`, SK: 'PAYOUT' });
export const payoutsByStatus = (status: string) => `PAYOUTS#${status}`;
/** A sender wallet's nonce allocator (next nonce, lowest unsettled nonce) on one network. */
export const chainWallet = (network: Network, address: string) => ({ PK: `CHAINWALLET#${network}`, SK: `WALLET#${address}` });
/** One nonce of a sender wallet: the transaction(s) signed for it. Sorted by nonce within the wallet. */
export const chainTx = (network: Network, address: string, nonce: number) => ({ PK: `CHAINTX#${network}#${address}`, SK: `NONCE#${sortable(nonce)}` });
export const textcoin = (id: string) => ({ PK: `TEXTCOIN#${id}`, SK: 'TEXTCOIN' });
export const counter = (name: string) => ({ PK: `COUNTER#${name}`, SK: 'COUNTER' });
export const app = (appId: string) => ({ PK: `APP#${appId}`, SK: 'APP' });
export const card = (cardId: number) => ({ PK: `CARD#${cardId}`, SK: 'CARD' });
/** GSI1: an app's cards, by id. */
export const cardsOfApp = (appId: string) => `APP#${appId}#CARDS`;
export const cardInApp = (appId: string, cardId: number) => ({ GSI1PK: cardsOfApp(appId), GSI1SK: sortable(cardId) });
export const member = (memberId: number) => ({ PK: `MEMBER#${memberId}`, SK: 'MEMBER' });
/** Uniqueness of a member's email or phone within one app. */
export const memberContact = (appId: string, kind: 'email' | 'phone', value: string) => ({ PK: `MEMBERCONTACT#${appId}#${kind}#${value}`, SK: 'CONTACT' });
/** A member's standing on one card: counters that must move with every transaction. */
export const cardMember = (cardId: number, memberId: number) => ({ PK: `CARDMEMBER#${cardId}#${memberId}`, SK: 'SUMMARY' });
/** A card transaction, in its member's history (sorted by zero-padded id, newest last). */
export const cardTx = (cardId: number, memberId: number, txId: number) => ({ PK: `CARDMEMBER#${cardId}#${memberId}`, SK: `TX#${sortable(txId)}` });
export const cardTxPrefix = 'TX#';
/** `reference` idempotency of earn/redeem/refund on one card. */
export const cardReference = (cardId: number, kind: string, reference: string) => ({ PK: `CARDREF#${cardId}#${kind}#${reference}`, SK: 'REF' });
export const otp = (appId: string, memberId: number) => ({ PK: `OTP#${appId}#${memberId}`, SK: 'OTP' });
/** Codes sent to one member of an app in one UTC hour or day (`budgetWindow`): the member's send caps. */
export const otpMemberSendBudget = (appId: string, memberId: number, size: 'hour' | 'day', window: string) => ({ PK: `OTPSENDS#${appId}#${memberId}`, SK: `${size.toUpperCase()}#${window}` });
/** Codes an app sent in one UTC hour or day: the app's send caps. */
export const otpAppSendBudget = (appId: string, size: 'hour' | 'day', window: string) => ({ PK: `OTPAPPSENDS#${appId}`, SK: `${size.toUpperCase()}#${window}` });
/** Wrong codes one member of an app entered in one UTC day, across all codes sent. */
export const otpFailureBudget = (appId: string, memberId: number, day: string) => ({ PK: `OTPFAILS#${appId}#${memberId}`, SK: `DAY#${day}` });
export const cashoutProvider = (name: string) => ({ PK: `CASHOUT#${name}`, SK: 'PROVIDER' });
/** API key id -> provider (Bearer keys are `co_<keyId>_<secret>`). */
export const cashoutKey = (keyId: string) => ({ PK: `CASHOUTKEY#${keyId}`, SK: 'KEY' });
export const claim = (uuid: string) => ({ PK: `CLAIM#${uuid}`, SK: 'CLAIM' });
/** A provider's own claim id -> the claim (generate is idempotent on it). */
export const claimByProviderId = (provider: string, id: string) => ({ PK: `CLAIMID#${provider}#${id}`, SK: 'CLAIMID' });
/** GSI1: a provider's claims, newest first by creation time. */
export const claimsOfProvider = (provider: string) => `CASHOUT#${provider}#CLAIMS`;
/** A user's registered Ethereum address (checksummed). */
export const userAddress = (user: string, address: string) => ({ PK: `USER#${user}`, SK: `ETHADDR#${address}` });
export const userAddressPrefix = 'ETHADDR#';
/** A user's bank cash-out account: under the user's key, so another user's account id is never found. */
export const cashoutAccount = (user: string, uuid: string) => ({ PK: `USER#${user}`, SK: `CASHOUTACCT#${uuid}` });
export const cashoutAccountPrefix = 'CASHOUTACCT#';
/** How many cash-out accounts a user has: taken with each account's creation, so the cap holds under concurrency. */
export const cashoutAccountCount = (user: string) => ({ PK: `USER#${user}`, SK: 'CASHOUTACCTS' });
export const coinTransfer = (uuid: string) => ({ PK: `COINTRANSFER#${uuid}`, SK: 'TRANSFER' });
/** A user's `Idempotency-Key` of a transfer request -> the transfer it created (24 h, TTL). */
export const coinTransferRequestKey = (user: string, key: string) => ({ PK: `USER#${user}`, SK: `TRANSFERKEY#${key}` });
/** GSI1: a user's transfers and deposits, newest first by time. */
export const coinHistory = (user: string) => `USER#${user}#COINS`;
export const userDeposit = (user: string) => ({ PK: `USER#${user}`, SK: 'DEPOSIT' });
/** Deposit address -> its user (the scanner's lookup). */
export const depositAddress = (address: string) => ({ PK: `DEPOSITADDR#${address}`, SK: 'DEPOSIT' });
/** One credited deposit (a Transfer event), unique per transaction hash and log index. */
export const deposit = (txHash: string, logIndex: number) => ({ PK: `DEPOSIT#${txHash}#${logIndex}`, SK: 'DEPOSIT' });
export const depositScanCursor = () => ({ PK: 'CONFIG#DEPOSITSCAN', SK: 'CONFIG' });
export const participant = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'ETHEREUM' });
/** A rate card: `owner` is 'default' (the default card) or a participant urn. */
export const rateCard = (owner: string) => ({ PK: `RATECARD#${owner}`, SK: 'RATECARD' });
export const webhookDelivery = (id: string) => ({ PK: `WEBHOOK#${id}`, SK: 'DELIVERY' });
/** GSI1: a provider's webhook deliveries, newest first by creation time. */
export const webhooksOfProvider = (provider: string) => `CASHOUT#${provider}#WEBHOOKS`;
/** A provider's webhook replays in one UTC minute (`YYYY-MM-DDTHH:MM`): the per-provider replay rate limit. */
export const webhookReplayBudget = (provider: string, minute: string) => ({ PK: `CASHOUTREPLAYS#${provider}`, SK: `MINUTE#${minute}` });
/** The local sandbox card gateway's own record of a payment (it answers status queries from it). */
export const sandboxPayment = (reference: string) => ({ PK: `SANDBOXPAY#${reference}`, SK: 'PAYMENT' });
/** The local sandbox bank payout provider's own record of a payout (it answers status queries from it). */
export const sandboxBankPayout = (reference: string) => ({ PK: `SANDBOXBANK#${reference}`, SK: 'PAYOUT' });
/** The billing plans document the operator stored (absent: the built-in one). */
export const billingPlans = () => ({ PK: 'CONFIG#BILLINGPLANS', SK: 'CONFIG' });
/** The withdrawal fee options document the operator stored (absent: the built-in one). */
export const withdrawalFeeOptions = () => ({ PK: 'CONFIG#WITHDRAWALFEES', SK: 'CONFIG' });
/** A promo code, by its lower-cased text (codes match whatever their letter case). */
export const promoCode = (code: string) => ({ PK: `PROMO#${code}`, SK: 'PROMO' });
/** GSI1: every promo code, by code. */
export const promoCodes = () => 'PROMOS';
export const promoCodeInList = (code: string) => ({ GSI1PK: promoCodes(), GSI1SK: code });
/** One participant's use of a promo code: a participant redeems a code once. */
export const promoRedemption = (code: string, participant: string) => ({ PK: `PROMO#${code}`, SK: `REDEEMED#${participant}` });
/** A participant's billing account: plan, trial, paid period, contract, card, notification emails (one item per participant). */
export const billingAccount = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'BILLING' });
/** The currency the operator set for a participant's coin top-ups (absent: TOPUP_CURRENCY). */
export const participantCurrency = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'CURRENCY' });
/** A participant's automatic top-up settings; on GSI1 (`topUpSettingsActive()` / participant) only while active. */
export const topUpSettings = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'TOPUP' });
export const topUpSettingsActive = () => 'TOPUPS#ACTIVE';
/** When the participant's last automatic top-up started: the frequency window's conditional marker. */
export const topUpAutoMarker = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'TOPUPAUTO' });
/** One top-up chain; GSI1: the participant's top-ups by creation time. */
export const topUp = (uuid: string) => ({ PK: `TOPUP#${uuid}`, SK: 'TOPUP' });
export const topUpsOfParticipant = (participant: string) => `PARTICIPANT#${participant}#TOPUPS`;
/** A top-up chain not yet final (the job resumes these); removed in the transaction that closes the chain. */
export const openTopUp = (uuid: string) => ({ PK: 'TOPUPS#OPEN', SK: `TOPUP#${uuid}` });
export const openTopUpsPartition = 'TOPUPS#OPEN';
/** A participant's `Idempotency-Key` of a manual top-up -> the chain it started (24 h, TTL). */
export const topUpRequestKey = (participant: string, key: string) => ({ PK: `PARTICIPANT#${participant}`, SK: `TOPUPKEY#${key}` });
/** GSI1: billing accounts with work for the renewal job: a payment in flight (any time) or a paid plan (by the day its paid period ends). */
export const billingAccountsPending = () => 'BILLING#PENDING';
export const billingAccountsRenewing = () => 'BILLING#RENEWING';
/** One payment of a participant's plan (a plan change or a renewal), by its key (`change:<id>` or `renewal:<first day of the period>`). */
export const billingPayment = (participant: string, key: string) => ({ PK: `PARTICIPANT#${participant}`, SK: `PAYMENT#${key}` });
export const billingPaymentsPrefix = () => 'PAYMENT#';
/** The rewards coins a participant used on one UTC day (`YYYY-MM-DD`), billed with the period holding that day. */
export const rewardsUsage = (participant: string, day: string) => ({ PK: `PARTICIPANT#${participant}`, SK: `USAGE#${day}` });
/** A user's withdrawal profile: country, level, karma (and whether withdrawals are locked by it), booster. */
export const withdrawalProfile = (user: string) => ({ PK: `USER#${user}`, SK: 'WITHDRAWALPROFILE' });
/** A user's earnings and withdrawals in one month (`YYYY-MM` in WITHDRAWAL_TIMEZONE); the months sort by period. */
export const withdrawalMonth = (user: string, period: string) => ({ PK: `USER#${user}`, SK: `EARNINGS#${period}` });
export const withdrawalMonthPrefix = 'EARNINGS#';
/** A user's bank cash-out transfer (its quote, account and state: pending -> paying -> paid | failed). */
export const cashoutTransfer = (uuid: string) => ({ PK: `CASHOUTTRANSFER#${uuid}`, SK: 'TRANSFER' });
/** GSI1: cash-out transfers not settled yet (pending or paying), by request time: the sweep re-queues those left behind. */
export const openCashoutTransfers = () => 'CASHOUTTRANSFERS#OPEN';
/** A user's Idempotency-Key of a bank cash-out transfer request. */
export const cashoutTransferRequestKey = (user: string, key: string) => ({ PK: `USER#${user}`, SK: `CASHOUTTRANSFERKEY#${key}` });
/** A user's Poloniex deposit address (where withdrawals to their Poloniex account go); id: sha1 of user and address. */
export const poloniexAccount = (user: string, id: string) => ({ PK: `USER#${user}`, SK: `POLONIEXACCT#${id}` });
export const poloniexAccountPrefix = 'POLONIEXACCT#';
/** How many Poloniex addresses a user has (taken in each add's transaction: the cap holds under concurrency). */
export const poloniexAccountCount = (user: string) => ({ PK: `USER#${user}`, SK: 'POLONIEXACCTS' });
/** A user's connected Coinbase account (its profile and sealed OAuth tokens), by Coinbase user id. */
export const coinbaseConnection = (user: string, coinbaseId: string) => ({ PK: `USER#${user}`, SK: `COINBASE#${coinbaseId}` });
export const coinbaseConnectionPrefix = 'COINBASE#';
/** An OAuth `state` handed to Coinbase's consent page: whose connection it starts (single use, TTL). */
export const oauthState = (state: string) => ({ PK: `OAUTHSTATE#${state}`, SK: 'STATE' });
/** A transfer of coins to a user's exchange account (Coinbase, Poloniex): its quote, account, moderation and state. */
export const exchangeTransfer = (uuid: string) => ({ PK: `EXCHANGETRANSFER#${uuid}`, SK: 'TRANSFER' });
/** GSI1: every exchange transfer by request time, for moderators (filters on top). */
export const exchangeTransfers = () => 'EXCHANGETRANSFERS';
/** An exchange's transfer options (manual approval), set by the system role. */
export const exchangeOptions = (exchange: string) => ({ PK: `CONFIG#EXCHANGE#${exchange}`, SK: 'CONFIG' });
/** A retail connect session; GSI1: the user's sessions by creation time (`userRetailSessions`). */
export const retailSession = (uuid: string) => ({ PK: `RETAILSESSION#${uuid}`, SK: 'SESSION' });
export const userRetailSessions = (user: string) => `USER#${user}#RETAILSESSIONS`;
export const retailSessionOfUser = (user: string, createdAt: string, uuid: string) => ({ GSI1PK: userRetailSessions(user), GSI1SK: `${createdAt}#${uuid}` });
/** A session holding a user's paid coins until it is confirmed or terminated; GSI1 `retailPaidSessions()` / expiry, for the sweep. */
export const retailPaidSession = (uuid: string) => ({ PK: `RETAILSESSION#${uuid}`, SK: 'PAID' });
export const retailPaidSessions = () => 'RETAILSESSIONS#PAID';
export const retailPaidByExpiry = (expiresTs: string, uuid: string) => ({ GSI1PK: retailPaidSessions(), GSI1SK: `${expiresTs}#${uuid}` });
/** A retail code that started a session (by its hash): a code starts at most one. */
export const retailCodeUse = (codeHash: string) => ({ PK: `RETAILCODE#${codeHash}`, SK: 'USED' });
/**
 * GSI2: a user's withdrawals of every type (bank cash-outs, Ethereum transfers, ...), newest first. The sort key
 * is the request time and the withdrawal's uuid, unique per user, so a page ends exactly after its last entry.
 */
export const withdrawalHistory = (user: string) => `USER#${user}#WITHDRAWALS`;
export const withdrawalInHistory = (user: string, ts: string, uuid: string) => ({ GSI2PK: withdrawalHistory(user), GSI2SK: `${ts}#${uuid}` });

/** A participant's retail connect loyalty program (one per participant), set by the system role. */
export const retailProgram = (participant: string) => ({ PK: `PARTICIPANT#${participant}`, SK: 'RETAILPROGRAM' });
/** A store card: binds its id to one user at one participant (the id is unique across participants). */
export const storeCard = (cardId: string) => ({ PK: `STORECARD#${cardId}`, SK: 'CARD' });
/** A user's confirmed retail purchases at one participant, by time: what loyalty levels count. */
export const retailPurchases = (user: string, participant: string) => `USER#${user}#RETAIL#${participant}`;
export const retailPurchasePrefix = 'PURCHASE#';
export const retailPurchase = (user: string, participant: string, ts: string, sessionUuid: string) => ({ PK: retailPurchases(user, participant), SK: `${retailPurchasePrefix}${ts}#${sessionUuid}` });

/** Ledger account ids: `<network>:<kind>:<id>`. */
export const accountIds = {
  fundShard: (network: Network, shard: number) => `${network}:fund:${shard}`,
  partnerDeposit: (network: Network, partner: string) => `${network}:partner:${partner}`,
  customer: (network: Network, address: string) => `${network}:customer:${address}`,
  textcoin: (network: Network, id: string) => `${network}:textcoin:${id}`,
  /** Tokens that left the ledger on chain. */
  chainOut: (network: Network) => `${network}:chain-out`,
  /** A user's coins in the ledger (`account_coins`), in the token's smallest unit; a participant's deposit is its own. */
  userCoins: (user: string) => `coins:user:${user}`,
  /** Coins + fee of a transfer awaiting moderation and settlement. */
  coinsHold: (transferUuid: string) => `coins:hold:${transferUuid}`,
  /** Transfer fees collected by the platform. */
  coinsFees: () => 'coins:fees',
  /** Coins (delivery + fee) of a bank cash-out transfer until its payout is paid or failed. */
  cashoutHold: (transferUuid: string) => `coins:cashout-hold:${transferUuid}`,
  /** Coins delivered by paid bank cash-outs (their value left the platform in fiat); the counterpart of the bank payouts. */
  cashoutSettlement: () => 'coins:cashout-settlement',
  /** Coins of one exchange transfer (Coinbase, Poloniex) from its request until it is sent, or returned. */
  exchangeHold: (transferUuid: string) => `coins:exchange-hold:${transferUuid}`,
  /** The coins a user paid in a retail session until the terminal confirms the purchase (to the participant) or it ends (back). */
  retailHold: (sessionUuid: string) => `coins:retail-hold:${sessionUuid}`,
  /** Coins sent from the platform's account at an exchange (to reconcile with that account). */
  exchangeSettlement: (exchange: string) => `coins:exchange-settlement:${exchange}`,
  /** Coins the platform sold by coin top-ups (the counterpart of what they sent on chain); goes negative by design. */
  topupSales: () => 'coins:topup-sales',
  /** The coins of one top-up while its chain payout settles. */
  topupHold: (topUpUuid: string) => `coins:topup-hold:${topUpUuid}`,
  /** Counterpart of admin deposits: value entering the platform from outside; may go negative. */
  external: (network: Network) => `${network}:external`,
  /** A member's cashback on one card, in the card currency's minor units. */
  cardMember: (cardId: number, memberId: number) => `cards:member:${cardId}:${memberId}`,
  /** Counterpart of earnings: what the card's program has paid out; goes negative by design. */
  cardIssued: (cardId: number) => `cards:issued:${cardId}`,
  /** What members of the card have redeemed. */
  cardRedeemed: (cardId: number) => `cards:redeemed:${cardId}`,
};

/** The participant whose deposit a ledger account is (`accountIds.userCoins(<participant urn>)`), if it is one. */
export function participantOfDeposit(accountId: string): string | undefined {
  const prefix = accountIds.userCoins('urn:authenticateit:participant:');
  return accountId.startsWith(prefix) && accountId.length > prefix.length ? accountId.slice(accountIds.userCoins('').length) : undefined;
}
