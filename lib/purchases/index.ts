/**
 * Partner cashback (/new_purchase): validate, authenticate, price, and pay in ONE DynamoDB transaction
 * (order record + ledger entry + payout record + the partner's daily fund budget, ./fund-limits.ts); the payout
 * record is also the outbox entry that the table stream turns into a queue message.
 * The order item is unique per (network, partner, order_id): a repeat with the same parameters gets
 * the first answer back, a repeat with other parameters is refused, concurrent duplicates included.
 */
import { getAddress } from 'ethers';
import { cashbackConfig } from '../config/index.js';
import { InsufficientFundsError } from '../db/errors.js';
import { accountIds, type Network } from '../db/keys.js';
import { OrderExistsError, ordersRepo, type Order } from './repository.js';
import { payoutsRepo, type Payout } from '../payouts/repository.js';
import { DuplicateEntryError } from '../db/ledger.js';
import { transactWrite } from '../db/transact.js';
import { fail } from './failures.js';
import { compactPostings, entryItems, richestShard, shardFor } from '../ledger/index.js';
import { AmountFormatError, amountText, parseFraction, parseUnits } from '../ledger/money.js';
import { authenticatePartner } from '../partners/index.js';
import type { Partner } from '../partners/repository.js';
import { tokenPrice } from '../rates/index.js';
import { sha256Base64, sha256Hex } from '../security/secrets.js';
import { isFailure } from '../errors.js';
import type { GuardedItem } from '../db/transact.js';
import { computeCashback, MAX_CASHBACK_UNITS } from './cashback.js';
import { fundTakeOf, overPerPurchaseLimit, withinDailyFundLimit } from './fund-limits.js';
import { CURRENCY_DECIMALS, MAX_CURRENCY_AMOUNT, type Currency, type NewPurchaseInput } from './schema.js';


export interface PurchaseResult {
  cashback_amount: bigint;
  unit: string;
}

export interface PurchaseOutcome extends PurchaseResult {
  /** False when this call replayed an earlier identical request. */
  created: boolean;
  consumedWriteUnits: number;
}

const TEXTCOIN_DAY_MS = 24 * 60 * 60 * 1000;

/** An amount in units of 10^-decimals, from its exact decimal text (never through a float). */
function amountIn(field: string, value: unknown, decimals: number, currency?: string): bigint {
  try {
    return parseUnits(amountText(value), decimals);
  } catch (err) {
    if (err instanceof AmountFormatError) throw fail(field === 'currency_amount' ? 'invalid_amount' : 'invalid_percentage', `${field} ${err.message}${currency ? ` for ${currency}` : ''}`);
    throw err;
  }
}

/** The normalised purchase: everything the payment and its idempotency fingerprint depend on. */
export function normalisePurchase(network: Network, input: NewPurchaseInput) {
  const cfg = cashbackConfig();
  const currency = input.currency as Currency;
  if (input.purchase_unit && currency !== 'GBYTE') throw fail('purchase_unit_not_allowed', 'purchase_unit is only allowed when currency is GBYTE');
  const amountMinor = amountIn('currency_amount', input.currency_amount, CURRENCY_DECIMALS[currency], currency);
  if (amountMinor <= 0n) throw fail('invalid_amount', 'currency_amount must be positive');
  if (amountMinor > parseUnits(MAX_CURRENCY_AMOUNT, CURRENCY_DECIMALS[currency])) throw fail('invalid_amount', `currency_amount must be at most ${MAX_CURRENCY_AMOUNT}`);
  // Percentages carry at most 4 decimals (basis points of a basis point).
  const partnerPercentUnits = amountIn('partner_cashback_percentage', input.partner_cashback_percentage ?? '0', 4);
  if (partnerPercentUnits > parseUnits(cfg.MAX_PARTNER_PERCENT, 4)) {
    throw fail('invalid_percentage', `partner_cashback_percentage must be from 0 to ${cfg.MAX_PARTNER_PERCENT}`);
  }
  let destination: { kind: 'chain' | 'textcoin'; value: string };
  if (input.address.startsWith('0x')) {
    try {
      destination = { kind: 'chain', value: getAddress(input.address) };
    } catch {
      throw fail('invalid_address', 'address is not a valid Ethereum address (checksum mismatch)');
    }
  } else {
    destination = { kind: 'textcoin', value: input.address.toLowerCase() };
  }
  const canonical = {
    network,
    partner: input.partner,
    customer: input.customer,
    order_id: input.order_id,
    description: input.description ?? '',
    merchant: input.merchant ?? '',
    address: destination.value,
    currency,
    currency_amount: amountMinor.toString(),
    partner_cashback_percentage: partnerPercentUnits.toString(),
    purchase_unit: input.purchase_unit ?? '',
  };
  return {
    currency,
    amountMinor,
    partnerPercent: { num: partnerPercentUnits, den: 10_000n },
    destination,
    fingerprint: sha256Hex(JSON.stringify(canonical)),
    unit: sha256Base64(`${network}|${input.partner}|${input.order_id}`),
  };
}

/** The partner named by the credentials; `unknown_partner` otherwise. */
export async function requirePartner(credentials: { partner: string; partner_key: string }): Promise<Partner> {
  const partner = await authenticatePartner(credentials.partner, credentials.partner_key);
  if (!partner) throw fail('unknown_partner', 'authentication failed');
  return partner;
}

export async function newPurchase(network: Network, partner: Partner, input: NewPurchaseInput): Promise<PurchaseOutcome> {
  const cfg = cashbackConfig();
  const purchase = normalisePurchase(network, input);

  const price = await tokenPrice(purchase.currency);
  if (!price) throw fail('rate_unavailable', `no rate is configured for ${purchase.currency}, try again later`);
  const parts = computeCashback({
    amountMinor: purchase.amountMinor,
    currencyDecimals: CURRENCY_DECIMALS[purchase.currency],
    tokenPrice: price,
    basePercent: parseFraction(purchase.currency === 'GBYTE' ? cfg.CASHBACK_GBYTE_PERCENT : cfg.CASHBACK_BASE_PERCENT),
    partnerPercent: purchase.partnerPercent,
    matchCapPercent: parseFraction(cfg.MATCH_CAP_PERCENT),
  });
  if (parts.total <= 0n) throw fail('cashback_too_small', 'currency_amount is too small to earn any cashback');
  if (parts.total > MAX_CASHBACK_UNITS) throw fail('invalid_amount', `currency_amount is too large: the cashback would be more than ${MAX_CASHBACK_UNITS} token units (10^12 tokens)`);

  const now = new Date();
  const fundTake = fundTakeOf(network, partner, parts.base + parts.match, now);
  const overLimit = overPerPurchaseLimit(fundTake);
  if (overLimit) return replayOr(network, partner.name, input.order_id, purchase.fingerprint, overLimit);
  const createdAt = now.toISOString();
  const isChain = purchase.destination.kind === 'chain';
  const holdingAccount = isChain
    ? accountIds.customer(network, purchase.destination.value)
    : accountIds.textcoin(network, purchase.unit);
  const order: Order = {
    network,
    partner: partner.name,
    orderId: input.order_id,
    fingerprint: purchase.fingerprint,
    unit: purchase.unit,
    cashbackAmount: parts.total,
    breakdown: { base: parts.base, partner: parts.partner, match: parts.match },
    payoutKind: purchase.destination.kind,
    destination: purchase.destination.value,
    customer: input.customer,
    merchant: input.merchant,
    currency: purchase.currency,
    currencyAmount: purchase.amountMinor,
    createdAt,
  };
  const payout: Payout = {
    unit: purchase.unit,
    network,
    kind: purchase.destination.kind,
    status: 'PENDING',
    destination: purchase.destination.value,
    amount: parts.total,
    account: holdingAccount,
    source: `purchase:${partner.name}:${input.order_id}`,
    createdAt,
    updatedAt: createdAt,
    ...(isChain ? {} : { claimExpiresAt: new Date(now.getTime() + Number(cfg.TEXTCOIN_TTL_DAYS) * TEXTCOIN_DAY_MS).toISOString() }),
  };

  const shards = Number(cfg.FUND_SHARDS);
  // The order first: a replay's cancelled transaction reports the existing order before anything else.
  const write = (fundAccount: string, budget?: GuardedItem) =>
    transactWrite([
      ordersRepo.putNewItem(order),
      payoutsRepo.putNewItem(payout),
      ...entryItems({
        idempotencyKey: `purchase:${network}:${partner.name}:${input.order_id}`,
        kind: 'cashback',
        memo: `order ${input.order_id}`,
        postings: compactPostings([
          { account: fundAccount, amount: -(parts.base + parts.match) },
          { account: accountIds.partnerDeposit(network, partner.name), amount: -parts.partner },
          { account: holdingAccount, amount: parts.total },
        ]),
      }),
      ...(budget ? [budget] : []),
    ]);
  const pay = (fundAccount: string) => withinDailyFundLimit(fundTake, (budget) => write(fundAccount, budget));

  try {
    let result;
    const hashedShard = accountIds.fundShard(network, shardFor(input.order_id, shards));
    try {
      result = await pay(hashedShard);
    } catch (err) {
      if (!(err instanceof InsufficientFundsError) || err.account !== hashedShard) throw err;
      // The hashed shard ran low: take the richest shard that can cover it (one extra read, rare).
      const all = Array.from({ length: shards }, (_, i) => accountIds.fundShard(network, i));
      const fallback = await richestShard(all, parts.base + parts.match);
      if (!fallback) throw fail('fund_exhausted', 'the distribution fund is exhausted');
      result = await pay(fallback);
    }
    // No queue call here: the committed PENDING payout reaches its queue through the table stream (lib/payouts/outbox.ts).
    return { cashback_amount: parts.total, unit: purchase.unit, created: true, consumedWriteUnits: result.consumedWriteUnits };
  } catch (err) {
    if (err instanceof OrderExistsError || err instanceof DuplicateEntryError) return replay(network, partner.name, input.order_id, purchase.fingerprint);
    if (isFailure(err, 'daily_fund_limit_exceeded')) return replayOr(network, partner.name, input.order_id, purchase.fingerprint, err);
    if (err instanceof InsufficientFundsError) {
      if (err.account === accountIds.partnerDeposit(network, partner.name)) {
        throw fail('insufficient_partner_deposit', 'insufficient partner deposit for partner_cashback_percentage');
      }
      throw fail('fund_exhausted', 'the distribution fund is exhausted');
    }
    throw err;
  }
}

async function replay(network: Network, partner: string, orderId: string, fingerprint: string): Promise<PurchaseOutcome> {
  return replayOr(network, partner, orderId, fingerprint, fail('order_in_progress', 'the order is being processed, retry shortly'));
}

/**
 * The first answer when the order was already paid, otherwise `refusal` thrown: a limit refuses a new order,
 * never the retry of one paid before (the limit may have been lowered, or today's budget used up, since).
 */
async function replayOr(network: Network, partner: string, orderId: string, fingerprint: string, refusal: unknown): Promise<PurchaseOutcome> {
  const existing = await ordersRepo.get(network, partner, orderId);
  if (!existing) throw refusal;
  if (existing.fingerprint !== fingerprint) throw fail('order_id_conflict', `order_id ${orderId} was already used with different parameters`);
  return { cashback_amount: existing.cashbackAmount, unit: existing.unit, created: false, consumedWriteUnits: 0 };
}
