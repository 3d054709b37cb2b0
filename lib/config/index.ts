/**
 * Environment configuration, validated with zod at cold start.
 * Each section is parsed once, on first use; handlers touch the sections they need
 * at module load so a missing variable fails the cold start with a message naming it.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import * as z from 'zod/mini';
import { isTimeZone } from '../local-days.js';

const percent = (fallback: string) =>
  z._default(z.string().check(z.regex(/^\d{1,3}(\.\d{1,4})?$/, 'must be a percentage like 10 or 2.5')), fallback);
const positiveInt = (fallback: string) => z._default(z.string().check(z.regex(/^[1-9]\d*$/, 'must be a positive integer')), fallback);
const fundLimit = (fallback: string) => z._default(z.string().check(z.regex(/^[1-9]\d{0,32}$/, 'must be a positive integer of token units, at most 33 digits')), fallback);

const coreSchema = z.object({
  STAGE: z._default(z.string(), 'local'),
  AWS_REGION: z._default(z.string(), 'us-east-1'),
  TABLE_NAME: z.string().check(z.minLength(1)),
  DYNAMODB_ENDPOINT: z.optional(z.string()),
  PUBLIC_BASE_URL: z._default(z.string(), 'http://localhost:3000'),
  LOG_LEVEL: z._default(z.enum(['debug', 'info', 'warn', 'error']), 'info'),
  /** How long warm functions reuse coin prices (partner cashback, conversions, rate cards). */
  PRICE_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d{1,5}$/)), '60'),
});

/** SQS: the endpoint (local stack only). Each queue's name has its own variable, checked by the functions that use it. */
const queuesSchema = z.object({
  SQS_ENDPOINT: z.optional(z.string()),
});

const cashbackSchema = z.object({
  CASHBACK_BASE_PERCENT: percent('10'),
  CASHBACK_GBYTE_PERCENT: percent('20'),
  MATCH_CAP_PERCENT: percent('10'),
  MAX_PARTNER_PERCENT: percent('50'),
  FUND_SHARDS: positiveInt('8'),
  TEXTCOIN_TTL_DAYS: positiveInt('7'),
  PARTNER_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d+$/)), '60'),
  /**
   * What a partner may take from the shared distribution fund (base + match), in token units (18 decimals),
   * unless its partner record overrides it. Per purchase: 1,000 tokens (the base cashback of a 10,000 USD
   * purchase at 1 USD per token; MAX_CASHBACK_UNITS, 10^30 units, only bounds the digits). Per UTC day:
   * 10,000 tokens (1 % of a 1,000,000-token fund). At most 33 digits: the day's counter stays inside DynamoDB's 38.
   */
  PARTNER_MAX_FUND_PER_PURCHASE: fundLimit('1000000000000000000000'),
  PARTNER_MAX_FUND_PER_DAY: fundLimit('10000000000000000000000'),
  /** A warning is logged once a day when a partner's fund take passes this share of its daily limit. */
  PARTNER_FUND_ALERT_PERCENT: z._default(z.string().check(z.regex(/^([1-9]\d?|100)$/, 'must be a whole percentage from 1 to 100')), '80'),
});

const address = z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address'));
const privateKey = z.string().check(z.regex(/^0x[0-9a-fA-F]{64}$/, 'must be a 0x-prefixed 32-byte hex key'));
const seconds = (fallback: string) => z._default(z.string().check(z.regex(/^\d{1,6}$/, 'must be a whole number of seconds')), fallback);

/**
 * The chain engine. Each network has its own RPC, token, treasury (sender wallet) and disburser; the
 * testnet's variables carry the TEST_ prefix. The engine's timings apply to both.
 */
const chainSchema = z.object({
  RPC_URL: z.string().check(z.minLength(1)),
  TOKEN_ADDRESS: address,
  TREASURY_PRIVATE_KEY: privateKey,
  DISBURSER_ADDRESS: address,
  CHAIN_CONFIRMATIONS: positiveInt('1'),
  TEST_RPC_URL: z.string().check(z.minLength(1)),
  TEST_TOKEN_ADDRESS: address,
  TEST_TREASURY_PRIVATE_KEY: privateKey,
  TEST_DISBURSER_ADDRESS: address,
  TEST_CHAIN_CONFIRMATIONS: positiveInt('1'),
  /** Most payouts paid by one disbursement transaction. */
  CHAIN_BATCH_MAX: z._default(z.string().check(z.regex(/^([1-9]|[1-8]\d|9[0-6])$/, 'must be 1 to 96 (one DynamoDB transaction records the batch)')), '50'),
  /** Delay of the first confirmation check after a send, and between checks while anything is in flight. */
  CHAIN_CONFIRM_DELAY_SECONDS: seconds('5'),
  /** A transaction pending this long is replaced (same nonce, higher fee). */
  CHAIN_REPLACE_AFTER_SECONDS: seconds('180'),
  /** Fee increase of a replacement over the one it replaces (nodes want at least 10 %). */
  CHAIN_FEE_BUMP_PERCENT: z._default(z.string().check(z.regex(/^(1\d|[2-9]\d|[1-9]\d\d)$/, 'must be 10 to 999')), '25'),
  /** Highest fee per gas the engine signs, in gwei: at the cap it stops bumping and waits for the network. */
  CHAIN_MAX_FEE_GWEI: z._default(z.string().check(z.regex(/^[1-9]\d{0,5}$/, 'must be a whole number of gwei')), '500'),
  /** A nonce consumed by none of our transactions must be seen so this long before its payouts are signed anew (lagging RPC nodes). */
  CHAIN_DISPLACED_GRACE_SECONDS: seconds('60'),
});

const mailSchema = z.object({
  MAIL_TRANSPORT: z._default(z.enum(['smtp', 'ses']), 'smtp'),
  MAIL_FROM: z._default(z.string(), 'Rewards <no-reply@rewards.local>'),
  SMTP_HOST: z._default(z.string(), '127.0.0.1'),
  SMTP_PORT: z._default(z.string().check(z.regex(/^\d+$/)), '1025'),
});

const linksSchema = z.object({
  TEXTCOIN_LINK_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
});

const cardsSchema = z.object({
  MEMBER_TOKEN_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  /** Keys the PIN and one-time-code hashes: its own secret, so member tokens can be rotated without losing every PIN. */
  MEMBER_CODE_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  MEMBER_TOKEN_TTL_SECONDS: positiveInt('900'),
  OTP_TTL_SECONDS: positiveInt('600'),
  OTP_MAX_TRIES: positiveInt('5'),
  OTP_MIN_INTERVAL_SECONDS: positiveInt('30'),
  /** Wrong codes a member may enter per UTC day, whatever the number of codes sent. */
  OTP_MAX_FAILURES_PER_DAY: positiveInt('10'),
  /** Codes sent per member and per app, per UTC hour and day. */
  OTP_SENDS_PER_MEMBER_HOUR: positiveInt('5'),
  OTP_SENDS_PER_MEMBER_DAY: positiveInt('10'),
  OTP_SENDS_PER_APP_HOUR: positiveInt('1000'),
  OTP_SENDS_PER_APP_DAY: positiveInt('10000'),
  PIN_MAX_FAILURES: positiveInt('5'),
  PIN_LOCK_SECONDS: positiveInt('900'),
  /** A member token at most this old (an OTP verification just made) may set or replace the PIN without the current one. */
  PIN_CHANGE_FRESH_SECONDS: positiveInt('300'),
  APP_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d+$/)), '60'),
  SMS_TRANSPORT: z._default(z.enum(['log', 'sns']), 'log'),
});

const cashoutSchema = z.object({
  CLAIM_TTL_HOURS: positiveInt('72'),
});

/** Card data and webhook secrets at rest: only the functions that encrypt or decrypt them have this key. */
const cardVaultSchema = z.object({
  /** `local`: AES-256-GCM under CARD_DATA_KEY; `kms`: envelope encryption under CARD_KMS_KEY_ID. */
  CARD_ENCRYPTION: z._default(z.enum(['local', 'kms']), 'local'),
  CARD_DATA_KEY: z.optional(z.string().check(z.regex(/^([A-Za-z0-9+/_-]{43}=?)?$/, 'must be 32 bytes, base64'))),
  CARD_KMS_KEY_ID: z.optional(z.string()),
});

const coinsSchema = z.object({
  RPC_URL: z.string().check(z.minLength(1)),
  TOKEN_ADDRESS: z.string().check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'must be a 0x address')),
  /** Bounds of the `fee` of a user transfer, in the token's smallest unit. */
  COINS_FEE_MIN: z._default(z.string().check(z.regex(/^\d{1,40}$/)), '1000000000000000000'),
  COINS_FEE_MAX: z._default(z.string().check(z.regex(/^\d{1,40}$/)), '50000000000000000000'),
  /** How long on-chain balances are reused by warm functions. */
  BALANCE_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d+$/)), '15'),
});

const depositSchema = z.object({
  /** Extended public key (BIP-32, m/44'/60'/0'/0) the users' deposit addresses are derived from. */
  DEPOSIT_XPUB: z.string().check(z.regex(/^xpub[1-9A-HJ-NP-Za-km-z]{100,112}$/, 'must be an xpub extended public key')),
  /** Blocks a deposit must be buried under before it is credited. */
  DEPOSIT_CONFIRMATIONS: z._default(z.string().check(z.regex(/^\d{1,3}$/)), '12'),
});

/** Billing plans: the currency of their costs and the trial a new participant gets. */
const plansSchema = z.object({
  BILLING_CURRENCY: z._default(z.string().check(z.regex(/^[a-z]{3}$/, 'must be a lower-case ISO 4217 code like usd')), 'usd'),
  TRIAL_DAYS: z._default(z.string().check(z.regex(/^\d{1,3}$/, 'must be a whole number of days')), '30'),
  /** A plan payment in flight longer than this is taken over (its charge repeated with the same idempotency key) by the next request or the renewal job. */
  /** How long warm functions reuse the plans document (a `plans set` is seen within this). */
  PLANS_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d{1,5}$/, 'must be a whole number of seconds')), '60'),
  BILLING_PAYMENT_STALE_SECONDS: z._default(z.string().check(z.regex(/^\d{1,5}$/, 'must be a whole number of seconds')), '60'),
});

const moderationSchema = z.object({
  /** Comma-separated moderator emails: each gets every pending transfer. */
  MODERATORS: z._default(z.string(), ''),
  MODERATION_LINK_TTL_HOURS: positiveInt('72'),
  /** Signs moderator links; only moderation has it (textcoin links and member tokens have their own). */
  MODERATION_LINK_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
});

/** Why a JWKS text is not a set of ES256 (P-256) public keys each named by a distinct kid, or undefined. */
function es256JwksProblem(text: string): string | undefined {
  let set: unknown;
  try {
    set = JSON.parse(text);
  } catch {
    return 'must be JSON: {"keys":[...]}';
  }
  const keys = (set as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) return 'must be {"keys":[...]} with at least one key';
  const kids = new Set<string>();
  for (const key of keys as Record<string, unknown>[]) {
    if (typeof key?.kid !== 'string' || !key.kid) return 'needs a kid on every key';
    if (kids.has(key.kid)) return `lists kid ${key.kid} twice`;
    kids.add(key.kid);
    if (key.kty !== 'EC' || key.crv !== 'P-256' || typeof key.x !== 'string' || typeof key.y !== 'string') return `key ${key.kid} must be an EC P-256 public key (ES256)`;
    if (key.alg !== undefined && key.alg !== 'ES256') return `key ${key.kid} must have alg ES256`;
    if ('d' in key) return `key ${key.kid} is a private key: list only public keys`;
  }
  return undefined;
}

/** The identity service's names for itself and for us (tickets' `iss` and `aud` unless configured). */
export const TICKET_ISSUER = 'authenticateit-identity';
export const TICKET_AUDIENCE = 'payments-service';
/** Device tickets' `aud`: a store terminal's ticket, never accepted as a session's identity ticket (nor the reverse). */
export const DEVICE_TICKET_AUDIENCE = 'retail-connect-terminal';

const identitySchema = z.object({
  /** The identity service's ticket-verifying public keys; during a rotation both the old and the new one. */
  IDENTITY_JWKS: z.string().check(
    z.superRefine((text, ctx) => {
      const problem = es256JwksProblem(text);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    }),
  ),
  IDENTITY_ISSUER: z._default(z.string().check(z.minLength(1)), TICKET_ISSUER),
  IDENTITY_AUDIENCE: z._default(z.string().check(z.minLength(1)), TICKET_AUDIENCE),
  TICKET_MAX_LIFETIME_SECONDS: positiveInt('86400'),
  TICKET_CLOCK_SKEW_SECONDS: seconds('60'),
  /** Device tickets are issued once per terminal, so they live longer than a session's (default a year). */
  DEVICE_TICKET_MAX_LIFETIME_SECONDS: positiveInt('31536000'),
});

/** Card payments (Stripe). STRIPE_API_URL points the SDK at the local emulator; unset, it talks to Stripe itself. */
const billingSchema = z.object({
  STRIPE_SECRET_KEY: z.string().check(z.regex(/^(sk|rk)_(test|live)_[A-Za-z0-9]+$/, 'must be a Stripe secret or restricted key (sk_test_..., sk_live_...)')),
  STRIPE_API_URL: z.optional(z.string().check(z.regex(/^https?:\/\/[^/\s]+\/?$/, 'must be a base URL like http://127.0.0.1:12111'))),
});

/** Coin top-ups: the participants' currency unless the operator set one, and the smallest top-up in whole coins. */
const topupsSchema = z.object({
  /** Any three letters: a currency without a coin price (see lib/rates/currencies.ts) is refused when a top-up is asked for. */
  TOPUP_CURRENCY: z._default(z.string().check(z.regex(/^[A-Za-z]{3}$/, 'must be a three-letter currency code like aud')), 'aud'),
  TOPUP_MIN_COINS: positiveInt('100'),
});

/** Users' bank cash-out accounts: the countries an account may be in, each with the currency it is paid in. */
const cashoutAccountsSchema = z.object({
  /** Comma-separated `<ISO 3166-1 numeric country>:<currency>` pairs; each country needs its bank details rules (lib/cashout-accounts/rules.ts). */
  CASHOUT_COUNTRIES: z._default(z.string().check(z.regex(/^\d{3}:[a-z]{3}(,\d{3}:[a-z]{3})*$/, 'must be comma-separated country:currency pairs like 036:aud')), '036:aud'),
});

/**
 * Withdrawal limits, karma and earnings: the timezone of the monthly periods, a user's profile until the
 * system sets one, the karma thresholds, the levels table (a JSON document, validated by lib/withdrawals/limits.ts;
 * unset: the built-in one), the network cost of one transfer (gas_coins) and how long fee inputs are reused.
 */
const karma = (fallback: string) => z._default(z.string().check(z.regex(/^\d{1,6}(\.\d{1,2})?$/, 'must be a non-negative number with at most 2 decimals')), fallback);
const withdrawalsSchema = z.object({
  /** An IANA timezone: months (earnings statement, limit periods) start at midnight there. */
  WITHDRAWAL_TIMEZONE: z._default(
    z.string().check(
      z.refine(isTimeZone, 'must be an IANA timezone like Australia/Sydney'),
    ),
    'Australia/Sydney',
  ),
  WITHDRAWAL_DEFAULT_COUNTRY: z._default(z.string().check(z.regex(/^\d{3}$/, 'must be a numeric country code like 036')), '036'),
  WITHDRAWAL_DEFAULT_LEVEL: z._default(z.string().check(z.regex(/^[a-z_]{1,32}$/, 'must be a level name like basic')), 'basic'),
  WITHDRAWAL_DEFAULT_KARMA: karma('80'),
  WITHDRAWAL_DEFAULT_BOOSTER: karma('0'),
  /** Withdrawals lock when karma falls below this, and unlock only once it reaches KARMA_VALUE_UNLOCK. */
  KARMA_VALUE_LOCK_BEFORE: karma('50'),
  KARMA_VALUE_UNLOCK: karma('70'),
  WITHDRAWAL_LEVELS: z.optional(z.string()),
  /** How long the exchange transfer worker waits before asking again about a transfer the exchange is still processing. */
  EXCHANGE_FOLLOW_SECONDS: z._default(z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be 1 to 900 seconds')), '30'),
  /** The network cost of one transfer in coins (smallest unit), quoted as gas_coins while no eth coin price is set. */
  WITHDRAWAL_GAS_COINS: z._default(z.string().check(z.regex(/^\d{1,30}$/, 'must be a whole number of the smallest unit')), '10000000000000000000'),
  /**
   * Gas of one withdrawal's payout on chain: a single token `transfer` from the treasury to an address that held
   * none (the dearer case; to a holder it costs less). Measured on the local anvil: RewardToken deployed with
   * scripts/stack/contracts.ts `ensureContracts`, the payout signed by `EvmSender.sign({ kind: 'transfer' })` to a
   * fresh address and broadcast; its receipt's gasUsed is 51731.
   */
  WITHDRAWAL_GAS_PER_TRANSFER: z._default(z.string().check(z.regex(/^[1-9]\d{0,8}$/, 'must be a positive whole number of gas')), '51731'),
  /** How long warm functions reuse the chain's gas price for gas_coins. */
  WITHDRAWAL_GAS_PRICE_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d{1,5}$/, 'must be a whole number of seconds')), '15'),
  /** How long warm functions reuse the withdrawal fee options document (a `withdrawal fees set` is seen within this). */
  WITHDRAWAL_FEES_CACHE_SECONDS: z._default(z.string().check(z.regex(/^\d{1,5}$/, 'must be a whole number of seconds')), '60'),
});

/**
 * Withdrawals from the platform's Poloniex account (lib/exchanges/poloniex.ts). POLONIEX_API_URL points at the
 * local emulator; the default is Poloniex itself. The currency is the token's name at Poloniex, the network its
 * chain there (ETH: Ethereum), the decimals how many decimal places Poloniex takes in the token's amounts.
 */
const poloniexSchema = z.object({
  POLONIEX_API_URL: z._default(z.string().check(z.regex(/^https?:\/\/[^/\s]+\/?$/, 'must be a base URL like https://api.poloniex.com')), 'https://api.poloniex.com'),
  POLONIEX_API_KEY: z.string().check(z.regex(/^[A-Za-z0-9-]{8,128}$/, 'must be a Poloniex API key (letters, digits and dashes)')),
  POLONIEX_API_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  POLONIEX_CURRENCY: z.string().check(z.regex(/^[A-Z0-9]{2,20}$/, 'must be a Poloniex currency name in capitals like RWD')),
  POLONIEX_NETWORK: z._default(z.string().check(z.regex(/^[A-Z0-9]{2,20}$/, 'must be a Poloniex network name in capitals like ETH')), 'ETH'),
  POLONIEX_AMOUNT_DECIMALS: z._default(z.string().check(z.regex(/^([0-9]|1[0-8])$/, 'must be 0 to 18')), '8'),
  POLONIEX_TIMEOUT_SECONDS: z._default(z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be a whole number of seconds')), '15'),
});

/**
 * Withdrawals to users' Coinbase accounts (lib/exchanges/coinbase.ts): users connect with OAuth 2 (client id and
 * secret), the platform sends from its own wallet of COINBASE_ACCOUNT_CURRENCY with its API key. The URLs point
 * at the local emulator; the defaults are Coinbase itself. The token endpoint defaults to the API's /oauth/token
 * (its revoke endpoint is the same URL ending in /revoke).
 */
const absoluteUrl = (example: string) => z.string().check(z.regex(/^https?:\/\/[^\s]+$/, `must be a URL like ${example}`));
const coinbaseSchema = z.object({
  COINBASE_API_URL: z._default(z.string().check(z.regex(/^https?:\/\/[^/\s]+\/?$/, 'must be a base URL like https://api.coinbase.com')), 'https://api.coinbase.com'),
  COINBASE_AUTHORIZE_URL: z._default(absoluteUrl('https://www.coinbase.com/oauth/authorize'), 'https://www.coinbase.com/oauth/authorize'),
  COINBASE_TOKEN_URL: z.optional(absoluteUrl('https://api.coinbase.com/oauth/token')),
  COINBASE_CLIENT_ID: z.string().check(z.minLength(1)),
  COINBASE_CLIENT_SECRET: z.string().check(z.minLength(16, 'must be at least 16 characters')),
  COINBASE_API_KEY: z.string().check(z.minLength(1)),
  COINBASE_API_SECRET: z.string().check(z.minLength(16, 'must be at least 16 characters')),
  COINBASE_ACCOUNT_CURRENCY: z._default(z.string().check(z.regex(/^[A-Z0-9]{2,10}$/, 'must be a Coinbase currency code in capitals like USDC')), 'USDC'),
  COINBASE_TIMEOUT_SECONDS: z._default(z.string().check(z.regex(/^[1-9]\d{0,2}$/, 'must be a whole number of seconds')), '15'),
});

export class ConfigError extends Error {}

function parseSection<T extends z.ZodMiniType>(name: string, schema: T, env: NodeJS.ProcessEnv): z.infer<T> {
  const result = schema.safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((i) => {
      const variable = String(i.path[0] ?? '?');
      return env[variable] === undefined ? `${variable} is not set` : `${variable} ${i.message}`;
    });
    throw new ConfigError(`Invalid ${name} configuration: ${problems.join('; ')}`);
  }
  return result.data;
}

/**
 * What the running function declared it uses (its route contract's or worker's `uses`). Reading a section
 * it did not declare fails, so a function cannot quietly depend on configuration its deployment does not
 * give it (locally every function shares one process environment).
 */
const declared = new AsyncLocalStorage<ReadonlySet<string>>();
export const runDeclaring = <T>(uses: ReadonlySet<string>, fn: () => T): T => declared.run(uses, fn);
export function assertDeclared(use: string): void {
  const uses = declared.getStore();
  if (uses && !uses.has(use)) throw new ConfigError(`this function reads ${use} but does not list it in its uses (${[...uses].join(', ') || 'none'})`);
}
const ALWAYS = new Set(['core', 'queues']);

function section<T extends z.ZodMiniType>(name: string, schema: T) {
  let cached: z.infer<T> | undefined;
  const get = (): z.infer<T> => {
    if (!ALWAYS.has(name)) assertDeclared(name);
    return (cached ??= parseSection(name, schema, process.env));
  };
  get.reset = () => {
    cached = undefined;
  };
  return get;
}

/**
 * Retail connect: store terminals take coin payments. A user's code (for a terminal to start a session) is sealed
 * with RETAIL_CODE_SECRET and lives RETAIL_CODE_SECONDS; a session lives RETAIL_SESSION_TIMEOUT_SECONDS and a coin
 * price quote RETAIL_PRICE_TIMEOUT_SECONDS (the contract's 1800 and 120).
 */
const retailSchema = z.object({
  RETAIL_CODE_SECRET: z.string().check(z.minLength(32, 'must be at least 32 characters')),
  RETAIL_CODE_SECONDS: seconds('300'),
  RETAIL_SESSION_TIMEOUT_SECONDS: seconds('1800'),
  RETAIL_PRICE_TIMEOUT_SECONDS: seconds('120'),
});

export const coreConfig = section('core', coreSchema);
export const cashbackConfig = section('cashback', cashbackSchema);
export const chainConfig = section('chain', chainSchema);
export const mailConfig = section('mail', mailSchema);
export const linksConfig = section('links', linksSchema);
export const cardsConfig = section('cards', cardsSchema);
export const cashoutConfig = section('cashout', cashoutSchema);
export const cardVaultConfig = section('cardVault', cardVaultSchema);
export const queuesConfig = section('queues', queuesSchema);
export const identityConfig = section('identity', identitySchema);
export const coinsConfig = section('coins', coinsSchema);
export const moderationConfig = section('moderation', moderationSchema);
export const depositConfig = section('deposit', depositSchema);
export const plansConfig = section('plans', plansSchema);
export const billingConfig = section('billing', billingSchema);
export const topupsConfig = section('topups', topupsSchema);
export const withdrawalsConfig = section('withdrawals', withdrawalsSchema);
export const cashoutAccountsConfig = section('cashoutAccounts', cashoutAccountsSchema);
export const coinbaseConfig = section('coinbase', coinbaseSchema);
export const poloniexConfig = section('poloniex', poloniexSchema);
export const retailConfig = section('retail', retailSchema);

/** Every section by name: the deployment gives a function the variables of the sections it uses. */
export const configSections = {
  core: coreConfig,
  queues: queuesConfig,
  cashback: cashbackConfig,
  chain: chainConfig,
  mail: mailConfig,
  links: linksConfig,
  cards: cardsConfig,
  cashout: cashoutConfig,
  cardVault: cardVaultConfig,
  identity: identityConfig,
  coins: coinsConfig,
  moderation: moderationConfig,
  deposit: depositConfig,
  plans: plansConfig,
  billing: billingConfig,
  topups: topupsConfig,
  withdrawals: withdrawalsConfig,
  cashoutAccounts: cashoutAccountsConfig,
  coinbase: coinbaseConfig,
  poloniex: poloniexConfig,
  retail: retailConfig,
};
export type ConfigSection = keyof typeof configSections;

/** The variables a section reads (its schema's keys). */
export const sectionVariables = (name: ConfigSection): string[] => Object.keys(sectionSchemas[name].shape);
const sectionSchemas = {
  core: coreSchema,
  queues: queuesSchema,
  cashback: cashbackSchema,
  chain: chainSchema,
  mail: mailSchema,
  links: linksSchema,
  cards: cardsSchema,
  cashout: cashoutSchema,
  cardVault: cardVaultSchema,
  identity: identitySchema,
  coins: coinsSchema,
  moderation: moderationSchema,
  deposit: depositSchema,
  plans: plansSchema,
  billing: billingSchema,
  topups: topupsSchema,
  withdrawals: withdrawalsSchema,
  cashoutAccounts: cashoutAccountsSchema,
  coinbase: coinbaseSchema,
  poloniex: poloniexSchema,
  retail: retailSchema,
};

export type CoreConfig = z.infer<typeof coreSchema>;
export type CashbackConfig = z.infer<typeof cashbackSchema>;
export type ChainConfig = z.infer<typeof chainSchema>;

export interface NetworkChain {
  network: 'main' | 'test';
  rpcUrl: string;
  tokenAddress: string;
  treasuryKey: string;
  disburserAddress: string;
  confirmations: number;
}

/** One network's chain settings. The testnet can never share the main network's token or treasury on one chain. */
export function networkChain(network: 'main' | 'test'): NetworkChain {
  const c = chainConfig();
  const main = { network: 'main' as const, rpcUrl: c.RPC_URL, tokenAddress: c.TOKEN_ADDRESS, treasuryKey: c.TREASURY_PRIVATE_KEY, disburserAddress: c.DISBURSER_ADDRESS, confirmations: Number(c.CHAIN_CONFIRMATIONS) };
  const test = { network: 'test' as const, rpcUrl: c.TEST_RPC_URL, tokenAddress: c.TEST_TOKEN_ADDRESS, treasuryKey: c.TEST_TREASURY_PRIVATE_KEY, disburserAddress: c.TEST_DISBURSER_ADDRESS, confirmations: Number(c.TEST_CHAIN_CONFIRMATIONS) };
  if (main.rpcUrl === test.rpcUrl && (main.tokenAddress.toLowerCase() === test.tokenAddress.toLowerCase() || main.treasuryKey.toLowerCase() === test.treasuryKey.toLowerCase())) {
    throw new ConfigError('Invalid chain configuration: on one RPC the testnet needs its own TEST_TOKEN_ADDRESS and TEST_TREASURY_PRIVATE_KEY');
  }
  return network === 'main' ? main : test;
}

/** Forget parsed sections (tests change process.env between cases). */
export function resetConfig(): void {
  for (const s of Object.values(configSections)) s.reset();
}
