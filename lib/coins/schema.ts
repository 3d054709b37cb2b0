/**
 * Requests and responses of the payments service's user coins, also the source of their OpenAPI schemas.
 * Coin amounts are decimal strings of the token's smallest unit (wei: 18 decimals); addresses are answered
 * EIP-55 checksummed.
 */
import { getAddress } from 'ethers';
import * as z from 'zod/mini';
import { amountTextOf, isAmountInput, type AmountInput } from '../ledger/money.js';
import { COINS_DIGITS, coinsOfText, coinsOut, MAX_COINS, notCoins } from '../ledger/coins-schema.js';

/**
 * Top-level schemas are built in `schema(() => ...)` so that a bundle keeps only those it uses. esbuild takes
 * zod's factories and `.check()` for side effects (it honours no-side-effects annotations within a module
 * only, evanw/esbuild#4369): a bare top-level schema is in every bundle that imports the module.
 */
/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const ADDRESS = /^0x[0-9a-fA-F]{40}$/;

const notAnAddress = (field: string) => `${field} must be an Ethereum address (0x + 40 hex digits)`;
const wrongChecksum = (field: string) => `${field} has a wrong checksum (mixed-case addresses must be EIP-55 checksummed)`;

const checksumOk = (address: string) => {
  try {
    getAddress(address);
    return true;
  } catch {
    return false;
  }
};

/** Why `value` is not a usable address named `field`, or undefined when it is one. */
function addressProblem(value: unknown, field: string): string | undefined {
  if (typeof value !== 'string' || !ADDRESS.test(value)) return notAnAddress(field);
  return checksumOk(value) ? undefined : wrongChecksum(field);
}

/**
 * An Ethereum address (0x + 40 hex digits), parsed to its EIP-55 checksummed form. All-lowercase (or
 * all-uppercase) addresses are accepted; a mixed-case one must carry a correct checksum.
 */
export const ethAddress = (opts: { field?: string; description?: string; requiredMessage?: string } = {}) => {
  const field = opts.field ?? 'address';
  return z
    .string({ error: (i) => (i.input === undefined && opts.requiredMessage) || notAnAddress(field) })
    .check(
      z.regex(ADDRESS, { error: notAnAddress(field), abort: true }),
      z.refine(checksumOk, { error: wrongChecksum(field), abort: true }),
      z.overwrite((a) => getAddress(a)),
    )
    .register(z.globalRegistry, { description: opts.description ?? 'An Ethereum address (0x + 40 hex digits; mixed case must be EIP-55 checksummed).' });
};


/**
 * A whole number of the token's smallest unit, at most MAX_COINS: a decimal string, or a JSON integer read
 * exactly as written (the body parser keeps the text of one beyond a float's precision).
 */
export const coinsAmount = (field: string, description: string) =>
  z
    .pipe(
      z.custom<AmountInput>(isAmountInput, { error: notCoins(field) }),
      z.transform((value, ctx): bigint => {
        const text = typeof value === 'string' ? value : amountTextOf(value);
        const coins = text === undefined ? { refused: notCoins(field) } : coinsOfText(text, field);
        if (typeof coins === 'bigint') return coins;
        ctx.issues.push({ code: 'custom', message: coins.refused, input: value });
        return z.NEVER;
      }),
    )
    .register(z.globalRegistry, {
      description: `${description} At most ${MAX_COINS} (10^12 whole tokens).`,
      anyOf: [{ type: 'string', pattern: COINS_DIGITS.source }, { type: 'integer', minimum: 0, maximum: Number(MAX_COINS) }],
    }) as unknown as z.ZodMiniType<bigint, AmountInput>;

// --- Requests ----------------------------------------------------------------------------------------

export const addAddressSchema = schema(() => z.object({
  address: ethAddress({ description: 'The address to add, or whose description to update (0x + 40 hex digits; mixed case must be EIP-55 checksummed).' }),
  description: z.optional(
    z
      .string({ error: 'description must be a string of at most 200 characters' })
      .check(z.maxLength(200, 'description must be a string of at most 200 characters'))
      .register(z.globalRegistry, { description: 'Your label for the address (at most 200 characters).' }),
  ),
}));

const LIST = 'list must be a non-empty array of Ethereum addresses';

/** Up to 100 addresses; a bad one is named by its index (`list[2] must be ...`). */
export const removeAddressesSchema = schema(() => z.object({
  list: z.pipe(
    z
      .array(z.unknown().register(z.globalRegistry, { type: 'string', pattern: ADDRESS.source, description: 'An Ethereum address.' }), { error: LIST })
      .check(z.minLength(1, LIST), z.maxLength(100, LIST))
      .register(z.globalRegistry, { description: 'The addresses to remove (1 to 100).' }),
    z.transform((items, ctx): string[] => {
      for (const [i, item] of items.entries()) {
        const problem = addressProblem(item, `list[${i}]`);
        if (problem) {
          ctx.issues.push({ code: 'custom', message: problem, input: item });
          return z.NEVER;
        }
      }
      return items.map((a) => getAddress(a as string));
    }),
  ),
}));

export const participantEthereumSchema = schema(() => z.object({
  address: z.nullable(
    ethAddress({
      requiredMessage: 'address is required (an Ethereum address, or null to clear it)',
      description: "The participant's Ethereum account (0x + 40 hex digits; mixed case must be EIP-55 checksummed), or null to clear it.",
    }),
  ),
}));

export const transferSchema = schema(() => z
  .object({
    address: ethAddress({ description: 'Where the coins go (0x + 40 hex digits; mixed case must be EIP-55 checksummed).' }),
    coins: coinsAmount('coins', "Coins to transfer, more than 0: a decimal string of the token's smallest unit."),
    fee: coinsAmount('fee', "The fee the user pays, within the bounds the balance answers (coins_fee): a decimal string of the token's smallest unit."),
  })
  .check(z.refine((t) => t.coins > 0n, { message: 'coins must be more than 0', path: ['coins'] })));

/** A user urn, as tickets carry them. */
export const userUrn = (description = 'The user (urn:authenticateit:user:...).', field = 'user') =>
  z.string().check(z.regex(/^urn:authenticateit:user:[A-Za-z0-9._:@+-]{1,200}$/, `${field} must be a user urn (urn:authenticateit:user:...)`)).register(z.globalRegistry, { description });

export const rewardCreditSchema = schema(() => z
  .strictObject({
    participant: z
      .string()
      .check(z.regex(/^urn:authenticateit:participant:[A-Za-z0-9._:@+-]{1,200}$/, 'participant must be a participant urn (urn:authenticateit:participant:...)'))
      .register(z.globalRegistry, { description: 'The participant paying the reward from its deposit coins.' }),
    user: userUrn('The user credited.'),
    coins: coinsAmount('coins', "Coins to credit, more than 0: a decimal string of the token's smallest unit."),
    ref: z
      .string({ error: 'ref must be 1 to 200 printable ASCII characters' })
      .check(z.regex(/^[\x20-\x7E]{1,200}$/, 'ref must be 1 to 200 printable ASCII characters'))
      .register(z.globalRegistry, { description: 'Your reference of the reward: the same ref credits once (a retry answers credited: false); another reward with it is a 409.' }),
  })
  .check(z.refine((r) => r.coins > 0n, { message: 'coins must be more than 0', path: ['coins'] })));

export const rewardCreditedSchema = schema(() => z.object({
  credited: z.boolean().register(z.globalRegistry, { description: 'false: this ref was credited before (nothing moved now).' }),
  participant: z.string(),
  user: z.string(),
  coins: coinsOut(),
  ref: z.string(),
}));

export type RewardCreditInput = z.output<typeof rewardCreditSchema>;
export type AddAddressInput = z.output<typeof addAddressSchema>;
export type RemoveAddressesInput = z.output<typeof removeAddressesSchema>;
export type ParticipantEthereumInput = z.output<typeof participantEthereumSchema>;
export type TransferInput = z.output<typeof transferSchema>;

/** A transfer request's optional `Idempotency-Key` header: 1 to 255 printable ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x20-\x7E]{1,255}$/;

/** The header's schema: documented, and checked by the route wrapper before the handler runs. */
export const idempotencyKeySchema = schema(() => z.string().check(z.regex(IDEMPOTENCY_KEY, 'Idempotency-Key must be 1 to 255 printable ASCII characters')));

/**
 * The optional `Idempotency-Key` header of a money-moving POST, documented once: keys are the caller's own
 * (`owner`), kept 24 hours; a retry with the same key and the same `request` answers the `created` the key made.
 */
export const idempotencyKeyHeader = (owner: 'user' | 'participant', request: string, created: string, spent: string) => ({
  name: 'Idempotency-Key',
  required: false,
  schema: idempotencyKeySchema,
  description: `Makes the request safe to retry: 1 to 255 printable ASCII characters, your own per ${owner}, kept 24 hours. A retry with the same key and ${request} answers the ${created} the key created (same id, its status now) and ${spent} again; the same key with another ${request} is a 409 (payments-idempotency_key_reused).`,
});

/** The moderator link's path: the signed code and the decision the link was mailed for. */
export const decisionPathSchema = schema(() => z.object({
  code: z
    .string({ error: 'code must be a moderation link code' })
    .check(z.minLength(1, 'code must be a moderation link code'), z.maxLength(1024, 'code must be a moderation link code'))
    .register(z.globalRegistry, { description: 'The signed, expiring code of the moderator link.' }),
  decision: z.enum(['approve', 'reject'], { error: 'decision must be approve or reject' }),
}));

// --- Responses (documentation only: handlers build them) ---------------------------------------------

const checksummedAddress = schema(() => z.string().check(z.regex(ADDRESS)).register(z.globalRegistry, { description: 'An Ethereum address, EIP-55 checksummed.' }));
const wei = schema(() => coinsOut());
const seconds = schema(() => z.string().register(z.globalRegistry, { description: 'ISO 8601 UTC time, whole seconds.' }));

export const addressListSchema = schema(() => z.object({
  list: z.array(z.object({ address: checksummedAddress, description: z.string(), ts: seconds })),
}));

export const balanceSchema = schema(() => z.object({
  account_coins: wei,
  balance_coins: wei,
  coins_fee: z.object({ max: wei, min: wei }),
  total_coins: wei,
}));

const transferFields = schema(() => ({
  address: checksummedAddress,
  coins: wei,
  fee: wei,
  id: z.string().register(z.globalRegistry, { description: 'urn:authenticateit:transaction_request:<uuid>' }),
  ts: seconds,
}));

/** A transfer request: `pending` until decided, and an approved one until its chain payout settles. */
export const transferViewSchema = schema(() => z.object({
  ...transferFields,
  hash: z.nullable(z.string()),
  status: z.enum(['pending', 'rejected', 'success', 'failure']),
}));

/**
 * What a request answers: a new transfer (`pending`, no hash), or, to a retry with the same Idempotency-Key,
 * the transfer that key created, as it is now.
 */
export const transferRequestedSchema = transferViewSchema;

export const depositViewSchema = schema(() => z.object({
  coins: wei,
  hash: z.string(),
  id: z.string().register(z.globalRegistry, { description: 'deposit:<transaction hash>:<log index>' }),
  status: z.literal('success'),
  ts: seconds,
  type: z.literal('deposit'),
}));

export const transferHistorySchema = schema(() => z.object({ history: z.array(z.union([transferViewSchema, depositViewSchema])) }));

export const participantAccountSchema = schema(() => z.object({ address: z.nullable(checksummedAddress) }));

export const depositAddressSchema = schema(() => z.object({ address: checksummedAddress }));

export const participantDepositSchema = schema(() => z.object({
  address: checksummedAddress,
  unlimited_coins: z.literal(false),
  coins: wei,
  fee: z.null(),
}));

export type AddressList = z.output<typeof addressListSchema>;
export type CoinsBalance = z.output<typeof balanceSchema>;
export type TransferView = z.output<typeof transferViewSchema>;
export type TransferRequested = z.output<typeof transferRequestedSchema>;
export type DepositView = z.output<typeof depositViewSchema>;
export type TransferHistory = z.output<typeof transferHistorySchema>;
export type ParticipantAccount = z.output<typeof participantAccountSchema>;
export type ParticipantDeposit = z.output<typeof participantDepositSchema>;

/** The error statuses every ticket route can answer, with the route's own. */
export const ticketErrors = (extra: Record<number, string> = {}) => ({ 401: 'Missing, invalid or expired ticket', ...extra });
export const INVALID_BODY = 'Invalid address or body';
