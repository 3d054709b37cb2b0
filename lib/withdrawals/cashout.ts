/**
 * Bank cash-out: the quote (GET /cashout/convert_coins) and the transfer (POST /cashout/transfer v2), then its
 * payout by the cashout-transfers worker.
 *
 * A transfer is accepted in ONE transaction: the ledger entry moving debitCoins from the user's coins to the
 * transfer's hold (conditioned on the balance), the withdrawal in the month's totals (conditioned on the
 * month's limit, so concurrent transfers can never together pass it), the pending transfer record and, when
 * given, the Idempotency-Key. The outbox queues the new pending transfer to the worker.
 *
 * The worker: pending -> paying (written before the provider is called) -> paid | failed. A transfer found
 * paying (a crash or a timeout after the call) is resolved by asking the provider for our reference, never by
 * paying again. paid moves the hold to the cash-out settlement account and the fee to the fees account; failed
 * returns the hold to the user and takes the withdrawal out of its month, both in the transaction that records
 * the outcome, so they happen once.
 */
import { isoSeconds, transactionRequestId, wireTrue } from '../wire.js';
import { parseFraction } from '../ledger/money.js';
import { randomUUID } from 'node:crypto';
import { fail as accountsFail } from '../cashout-accounts/failures.js';
import { cashoutAccountView } from '../cashout-accounts/index.js';
import { cashoutAccountsRepo } from '../cashout-accounts/repository.js';
import { allowedCountries, type AllowedCountry } from '../cashout-accounts/rules.js';
import type { CashoutAccountView } from '../cashout-accounts/schema.js';
import { InsufficientFundsError } from '../db/errors.js';
import * as keys from '../db/keys.js';
import { accountIds } from '../db/keys.js';
import { keyedRequest } from '../db/request-keys.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import type { Wire } from '../json.js';
import { compactPostings, entryItems, getBalance } from '../ledger/index.js';
import { log } from '../log/index.js';
import { publish } from '../queue/publisher.js';
import { BankPayoutTimeoutError, bankPayouts, type BankPayoutResult } from '../payments/bank-payouts.js';
import type { CoinCurrency } from '../rates/currencies.js';
import { cashoutAccountNumber, open, VaultOpenError } from '../security/card-vault.js';
import { withdrawalReversalItem } from './earnings.js';
import { coinsValueMinor, recordedQuote, recordOf, withdrawalFeeView } from './fees.js';
import { fail } from './failures.js';
import { belowMinimum, quoteWithdrawalNow, refuseWhileLocked, withdrawalRoom, withdrawalWithinRoom } from './index.js';
import { minorNumber } from './limits.js';
import { profileOf } from './profiles.js';
import { CashoutTransferStateError, cashoutTransfersRepo, type CashoutTransfer, type CashoutTransferStatus } from './repository.js';
import type * as z from 'zod/mini';
import type { CashoutConvertQuery, cashoutHistoryEntrySchema, cashoutTransferAnswerSchema, CashoutTransferInput, withdrawalQuoteViewSchema } from './schema.js';

/** The contract's answer to a transfer without `"version": "v2"`, word for word. */
export const BAD_VERSION_MESSAGE = 'Unsupported version. Your Mobile App needs to be updated.';
/** A transfer not settled this long after its request is queued again by the sweep (the queue's own retries take minutes). */
export const CASHOUT_SWEEP_AFTER_MS = 15 * 60_000;


/** A country bank cash-outs are open in, and its currency (country_not_allowed otherwise). */
function bankCountry(country: string): AllowedCountry {
  const allowed = allowedCountries();
  const found = allowed.find((c) => c.country === country);
  if (!found) {
    throw accountsFail('country_not_allowed', `country: ${country} is not a country bank cash-outs are paid in (allowed: ${allowed.map((c) => c.country).join(', ')})`, {
      field: 'country',
      allowed: allowed.map((c) => c.country),
    });
  }
  return found;
}

function bankQuote(country: string, coins: bigint, payFeeWithCoins: boolean, negativeValues: boolean) {
  return quoteWithdrawalNow({ type: 'bank', country, currency: bankCountry(country).currency as CoinCurrency, coins, payFeeWithCoins, negativeValues });
}

/** GET /cashout/convert_coins: the bank cash-out quote of `coins` in the country's currency (absent: the profile's country). */
export async function cashoutConvert(user: string, q: CashoutConvertQuery): Promise<Wire<z.output<typeof withdrawalQuoteViewSchema>>> {
  const country = q.country ?? (await profileOf(user)).country;
  const { quote } = await bankQuote(country, q.coins, false, wireTrue(q.negative_values));
  return withdrawalFeeView(quote, 'quote') as Wire<z.output<typeof withdrawalQuoteViewSchema>>;
}

/** The transfer's account as its owner sees it (the number opened). */
async function accountView(user: string, t: CashoutTransfer): Promise<CashoutAccountView> {
  const { accountNumber, accountLast3: _last3, ...details } = t.account;
  return cashoutAccountView({ ...details, account: await open(accountNumber, cashoutAccountNumber(user, details.id)), createdAt: t.ts, updatedAt: t.ts });
}

/** pending and paying answer `pending`; then `success` or `failure` (as coin transfers do). */
const STATUS_VIEW: Record<CashoutTransferStatus, 'pending' | 'success' | 'failure'> = { pending: 'pending', paying: 'pending', paid: 'success', failed: 'failure' };

export async function cashoutTransferView(t: CashoutTransfer): Promise<Wire<z.output<typeof cashoutTransferAnswerSchema>>> {
  return {
    account: await accountView(t.user, t),
    coins: t.debitCoins.toString(),
    converted_usd_value: t.usdValueMinor === undefined ? null : minorNumber(t.usdValueMinor),
    converted_value: minorNumber(t.payoutValueMinor),
    currency: t.currency,
    fee: withdrawalFeeView(recordedQuote(t), 'transfer') as Wire<z.output<typeof cashoutTransferAnswerSchema>>['fee'],
    hash: null,
    id: transactionRequestId(t.uuid),
    status: STATUS_VIEW[t.status],
    stored_account: t.account.id,
    ts: isoSeconds(t.ts),
  };
}

/**
 * A transfer as a withdrawal history entry: what it paid and its fee summary as the transfer answered them, with
 * `converted_<currency>_value`, the coins that left the balance at the quote's price (floored to the cent).
 */
export async function cashoutHistoryEntry(t: CashoutTransfer): Promise<Wire<z.output<typeof cashoutHistoryEntrySchema>>> {
  const v = await cashoutTransferView(t);
  return {
    account: v.account,
    coins: v.coins,
    [`converted_${t.currency}_value`]: minorNumber(coinsValueMinor(t.debitCoins, { num: t.priceNum, den: t.priceDen })),
    converted_value: v.converted_value,
    currency: v.currency,
    fee_summary: v.fee,
    hash: v.hash,
    id: v.id,
    status: v.status,
    ts: v.ts,
    type: 'cashout' as const,
  };
}

/**
 * POST /cashout/transfer (v2): a transfer of `coins` to one of the user's stored bank accounts (its stored
 * details are paid, not the body's). Refused without version v2, for another user's (or no) account, while
 * karma locks withdrawals, below the minimum delivery, beyond the month's withdrawal room or beyond the balance.
 * With an Idempotency-Key a retry answers the transfer the key created (as it is now) and holds nothing again.
 */
export async function requestCashoutTransfer(user: string, input: CashoutTransferInput, idempotencyKey?: string): Promise<Wire<z.output<typeof cashoutTransferAnswerSchema>>> {
  if (input.version !== 'v2') throw fail('bad_version', BAD_VERSION_MESSAGE);
  const payFeeWithCoins = wireTrue(input.pay_fee_with_coins);
  const keyed = {
    key: idempotencyKey === undefined ? undefined : keys.cashoutTransferRequestKey(user, idempotencyKey),
    type: 'CashoutTransferRequestKey',
    owner: { user },
    request: [input.account.id, input.coins.toString(), payFeeWithCoins],
    answer: async (uuid: string) => {
      const t = await cashoutTransfersRepo.get(uuid);
      return t && cashoutTransferView(t);
    },
    reused: () => fail('idempotency_key_reused', 'this Idempotency-Key was already used for a cash-out transfer with another account, coins or pay_fee_with_coins'),
  };
  return keyedRequest(keyed, (keyItems) => holdCashoutTransfer(user, input, payFeeWithCoins, keyItems));
}

async function holdCashoutTransfer(user: string, input: CashoutTransferInput, payFeeWithCoins: boolean, keyItems: (uuid: string, now: string) => GuardedItem[]): Promise<Wire<z.output<typeof cashoutTransferAnswerSchema>>> {
  const now = new Date();
  const stored = await cashoutAccountsRepo.get(user, input.account.id);
  if (!stored) throw accountsFail('cashout_account_not_found', `no cash-out account ${input.account.id}`, { id: input.account.id });
  // The balance only for the record (what a moderator sees it was asked with): the transaction's condition decides.
  const [room, balance] = await Promise.all([withdrawalRoom(user, now), getBalance(accountIds.userCoins(user))]);
  refuseWhileLocked(room);
  const { quote, price, prices } = await bankQuote(stored.country, input.coins, payFeeWithCoins, false);
  if (quote.belowMinimum) throw belowMinimum(quote);
  const counted = withdrawalWithinRoom(user, room, quote.debitCoins, now);
  const usdPrice = prices.usd !== undefined ? parseFraction(prices.usd) : undefined;
  const { createdAt: _created, updatedAt: _updated, ...account } = stored;
  const t: CashoutTransfer = {
    uuid: randomUUID(),
    user,
    status: 'pending',
    account,
    ...recordOf(quote, price, prices),
    profileCoins: balance,
    debitCoins: quote.debitCoins,
    transferCoins: quote.transferCoins,
    feeCoins: quote.feeCoins,
    payoutValueMinor: quote.payoutValueMinor,
    ...(usdPrice ? { usdValueMinor: coinsValueMinor(quote.transferCoins, usdPrice) } : {}),
    ts: now.toISOString(),
  };
  try {
    await transactWrite([
      ...keyItems(t.uuid, t.ts),
      cashoutTransfersRepo.newItem(t),
      ...entryItems({
        idempotencyKey: `cashout-transfer:${t.uuid}`,
        kind: 'cashout-transfer-hold',
        postings: [
          { account: accountIds.userCoins(user), amount: -t.debitCoins },
          { account: accountIds.cashoutHold(t.uuid), amount: t.debitCoins },
        ],
      }),
      counted,
    ]);
  } catch (err) {
    if (err instanceof InsufficientFundsError) {
      throw fail('insufficient_coins', 'your coins cannot cover the transfer and its fee', { account_coins: (await getBalance(accountIds.userCoins(user))).toString(), debit_coins: t.debitCoins.toString() });
    }
    throw err;
  }
  log.info('cash-out transfer requested', { uuid: t.uuid, account: `***${account.accountLast3}`, debitCoins: t.debitCoins });
  return cashoutTransferView(t);
}

/**
 * The sweep (scheduled): re-queues transfers still pending or paying `olderThanMs` after their request, whose
 * queue message was lost or dead-lettered (a provider outage outlasting the retries). The worker pays each once
 * whatever the number of messages: a paying one is resolved by the provider's status for its reference.
 */
export async function sweepCashoutTransfers(olderThanMs = CASHOUT_SWEEP_AFTER_MS, now = new Date()): Promise<number> {
  const open = await cashoutTransfersRepo.listOpenSince(new Date(now.getTime() - olderThanMs).toISOString());
  for (const t of open) {
    log.warn('cash-out transfer not settled yet: queued again', { uuid: t.uuid, status: t.status, requestedAt: t.ts });
    await publish('cashoutTransfers', { type: 'cashout-transfer', uuid: t.uuid });
  }
  return open.length;
}

export interface CashoutPayoutHooks {
  /** Tests: runs after the provider answered, before the outcome is written (a crash here must not pay twice). */
  afterProviderCall?: () => Promise<void> | void;
}

/** Our reference of a transfer's payout: the provider's idempotency key. */
export const payoutReference = (uuid: string) => `cashout-transfer-${uuid}`;

/** The worker: pays a pending transfer once and records its outcome; a transfer already settled is left as it is. */
export async function processCashoutTransfer(uuid: string, hooks: CashoutPayoutHooks = {}): Promise<CashoutTransferStatus> {
  const provider = await bankPayouts();
  const t = await cashoutTransfersRepo.get(uuid);
  if (!t) throw new Error(`cash-out transfer ${uuid} not found`);
  if (t.status === 'paid' || t.status === 'failed') return t.status;
  const reference = payoutReference(uuid);

  if (t.status === 'paying') {
    // An earlier delivery reached the provider or crashed before it: its answer decides.
    const known = await provider.status(reference);
    if (known) return finish(t, known, hooks);
  } else {
    try {
      await cashoutTransfersRepo.transition(uuid, 'pending', 'paying');
    } catch (err) {
      if (err instanceof CashoutTransferStateError) return processCashoutTransfer(uuid, hooks); // a concurrent delivery moved it
      throw err;
    }
  }

  let accountNumber: string;
  try {
    accountNumber = await open(t.account.accountNumber, cashoutAccountNumber(t.user, t.account.id));
  } catch (err) {
    if (!(err instanceof VaultOpenError)) throw err;
    log.error('cash-out transfer not paid: its account number does not open', { uuid, reason: err.message });
    return settle(t, { status: 'failed', code: 'refused', reason: 'Not paid: the stored account number does not open', providerReference: '' });
  }
  let result: BankPayoutResult;
  try {
    result = await provider.pay({ reference, country: t.account.country, currency: t.currency, amountMinor: t.payoutValueMinor, branch: t.account.bsb, account: accountNumber, name: t.account.name });
  } catch (err) {
    if (err instanceof BankPayoutTimeoutError) {
      const known = await provider.status(reference);
      if (known) return finish(t, known, hooks);
    }
    throw err; // redelivered later: the transfer is paying, so the provider's status decides then
  }
  return finish(t, result, hooks);
}

async function finish(t: CashoutTransfer, result: BankPayoutResult, hooks: CashoutPayoutHooks): Promise<CashoutTransferStatus> {
  await hooks.afterProviderCall?.();
  return settle(t, result);
}

/** paying -> paid | failed once, with the ledger entry (and, on failure, the month's reversal) of that outcome. */
async function settle(t: CashoutTransfer, result: BankPayoutResult): Promise<CashoutTransferStatus> {
  const now = new Date();
  const settledAt = now.toISOString();
  const hold = accountIds.cashoutHold(t.uuid);
  const items =
    result.status === 'paid'
      ? [
          cashoutTransfersRepo.transitionItem(t.uuid, 'paying', 'paid', { providerReference: result.providerReference, settledAt }),
          ...entryItems({
            idempotencyKey: `cashout-transfer-paid:${t.uuid}`,
            kind: 'cashout-transfer-paid',
            postings: compactPostings([
              { account: hold, amount: -t.debitCoins },
              { account: accountIds.cashoutSettlement(), amount: t.transferCoins },
              { account: accountIds.coinsFees(), amount: t.feeCoins },
            ]),
          }),
        ]
      : [
          cashoutTransfersRepo.transitionItem(t.uuid, 'paying', 'failed', { providerReference: result.providerReference || undefined, failureCode: result.code, failureReason: result.reason, settledAt }),
          ...entryItems({
            idempotencyKey: `cashout-transfer-returned:${t.uuid}`,
            kind: 'cashout-transfer-returned',
            postings: [
              { account: hold, amount: -t.debitCoins },
              { account: accountIds.userCoins(t.user), amount: t.debitCoins },
            ],
          }),
          withdrawalReversalItem(t.user, t.debitCoins, new Date(t.ts), now),
        ];
  try {
    await transactWrite(items);
  } catch (err) {
    if (!(err instanceof CashoutTransferStateError)) throw err;
    const now = await cashoutTransfersRepo.get(t.uuid); // a concurrent delivery recorded it
    return now!.status;
  }
  log.info('cash-out transfer settled', { uuid: t.uuid, status: result.status, ...(result.status === 'failed' ? { code: result.code } : {}) });
  return result.status;
}
