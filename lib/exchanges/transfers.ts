/**
 * Transfers of coins to a user's exchange account: Coinbase (a send from the platform's Coinbase wallet to the
 * user's Coinbase account) and Poloniex (a withdrawal from the platform's Poloniex account to the user's deposit
 * address). Both send the token itself, in whole 10^-8 tokens (what the exchanges take): the remainder below
 * that is kept with the fee.
 *
 * A request is accepted in ONE transaction: the transfer record, the ledger entry moving the debit to the
 * transfer's hold (conditioned on the balance) and the month's withdrawal (conditioned on the limit). With the
 * exchange's manual approval active it waits as `pending` (moderation `pending`) for a moderator; otherwise it is
 * `approved` at once (`auto_approved`). The outbox queues every transfer that becomes approved.
 *
 * The worker: approved -> sending (written before the exchange is called) -> completed | failed, through `sent`
 * while Poloniex processes a withdrawal (followed by delayed messages). A transfer found `sending` (a crash or a
 * lost answer) is resolved by asking the exchange: Coinbase by our idem (the transfer's uuid), Poloniex by a
 * withdrawal to the address of the amount made since `sendingAt`; only one never made is made. completed moves the
 * hold to the exchange's settlement account and the fee to the fees account; failed and rejected return the hold to
 * the user and take the withdrawal out of its month, each in the transaction that records the outcome.
 */
import { randomUUID } from 'node:crypto';
import { withdrawalsConfig } from '../config/index.js';
import { InsufficientFundsError } from '../db/errors.js';
import { accountIds } from '../db/keys.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { transactionRequestId } from '../wire.js';
import { recordOf } from '../withdrawals/fees.js';
import { compactPostings, entryItems, getBalance } from '../ledger/index.js';
import { formatUnits } from '../ledger/money.js';
import { log } from '../log/index.js';
import { publish } from '../queue/publisher.js';
import { withdrawalReversalItem } from '../withdrawals/earnings.js';
import { fail as withdrawalFail } from '../withdrawals/failures.js';
import { belowMinimum, quoteForProfile, refuseWhileLocked, withdrawalRoom, withdrawalWithinRoom } from '../withdrawals/index.js';
import { freshCoinbaseUser } from './coinbase-accounts.js';
import { coinbase, COINBASE_CRYPTO_DECIMALS, CoinbaseError, type CoinbaseTransaction } from './coinbase.js';
import { fail } from './failures.js';
import { exchangeOptions } from './options.js';
import { poloniexAccountsRepo, poloniexAccountViews } from './poloniex-accounts.js';
import { floorToDecimals, poloniex, poloniexSettings, PoloniexError, type PoloniexWithdrawal } from './poloniex.js';
import type { Exchange } from './schema.js';
import { exchangeTransfersRepo, ExchangeTransferStateError, exchangeTransferView, transferUuidOf, type ExchangeTransfer, type ExchangeTransferStatus } from './transfer-records.js';
import type { UserProfileClaims } from '../identity/tickets.js';

/** How long the worker waits before asking again about a transfer the exchange is still processing. */
const followSeconds = () => Number(withdrawalsConfig().EXCHANGE_FOLLOW_SECONDS);

export interface ExchangeTransferInput {
  id: string;
  coins: bigint;
  payFeeWithCoins: boolean;
  /** The profile claims of the user's ticket. */
  requester?: UserProfileClaims;
}

/** The account a transfer names, as stored for the transfer, and where the exchange sends. */
async function destinationOf(user: string, exchange: Exchange, id: string): Promise<{ account: Record<string, unknown>; destination: string }> {
  if (exchange === 'coinbase') {
    const profile = await freshCoinbaseUser(user, id); // connected, and its tokens still work: the user still has this account
    return { account: { ...profile }, destination: profile.email ?? profile.id };
  }
  const a = await poloniexAccountsRepo.get(user, id);
  if (!a) throw fail('poloniex_account_not_found', `no Poloniex account ${id}`, { id });
  const { is_new: _, ...account } = (await poloniexAccountViews([a]))[0]!; // the address as it is now, its status included
  return { account, destination: a.address };
}

/**
 * POST /payments-service/{coinbase|poloniex}/transfer: refused for an account the user does not have, while karma
 * locks withdrawals, below the minimum delivery, beyond the month's room or beyond the balance.
 */
export async function requestExchangeTransfer(user: string, exchange: Exchange, input: ExchangeTransferInput, now = new Date()) {
  // The balance only for the record (what a moderator sees it was asked with): the transaction's condition decides.
  const [{ account, destination }, room, balance, options] = await Promise.all([
    destinationOf(user, exchange, input.id),
    withdrawalRoom(user, now),
    getBalance(accountIds.userCoins(user)),
    exchangeOptions(exchange),
  ]);
  refuseWhileLocked(room);
  const { quote, price, prices } = await quoteForProfile(room.profile, exchange, input.coins, input.payFeeWithCoins);
  // Each exchange's precision: what is below it stays with the fee.
  const sendCoins = floorToDecimals(quote.transferCoins, exchange === 'poloniex' ? poloniexSettings().amountDecimals : COINBASE_CRYPTO_DECIMALS);
  if (quote.belowMinimum || sendCoins <= 0n) throw belowMinimum(quote);
  const counted = withdrawalWithinRoom(user, room, quote.debitCoins, now);
  const manual = options.manual_approve === 'active';
  const t: ExchangeTransfer = {
    uuid: randomUUID(),
    user,
    exchange,
    accountId: input.id,
    account,
    destination,
    ...recordOf(quote, price, prices),
    debitCoins: quote.debitCoins,
    transferCoins: quote.transferCoins,
    feeCoins: quote.feeCoins,
    sendCoins,
    profileCoins: balance,
    ...(input.requester && Object.keys(input.requester).length > 0 ? { requester: input.requester } : {}),
    status: manual ? 'pending' : 'approved',
    moderation: manual ? 'pending' : 'auto_approved',
    ts: now.toISOString(),
  };
  try {
    await transactWrite([
      exchangeTransfersRepo.newItem(t),
      ...entryItems({
        idempotencyKey: `exchange-transfer:${t.uuid}`,
        kind: 'exchange-transfer-hold',
        postings: [
          { account: accountIds.userCoins(user), amount: -t.debitCoins },
          { account: accountIds.exchangeHold(t.uuid), amount: t.debitCoins },
        ],
      }),
      counted,
      ...(exchange === 'poloniex' ? [poloniexAccountsRepo.transferAskedItem(user, input.id, t.uuid, t.ts)] : []),
    ]);
  } catch (err) {
    if (err instanceof InsufficientFundsError) {
      throw withdrawalFail('insufficient_coins', 'your coins cannot cover the transfer and its fee', { account_coins: (await getBalance(accountIds.userCoins(user))).toString(), debit_coins: t.debitCoins.toString() });
    }
    throw err;
  }
  log.info('exchange transfer requested', { uuid: t.uuid, exchange, moderation: t.moderation, debitCoins: t.debitCoins });
  return exchangeTransferView(t);
}

/**
 * A moderator's decision on a pending transfer named by its manual code (or id), once: the first decision wins
 * (a later one, or one on a transfer no longer pending, answers the transfer as it is).
 */
export async function decideExchangeTransfer(code: string, decision: 'approve' | 'reject', moderator: string, now = new Date()): Promise<ExchangeTransfer> {
  const uuid = transferUuidOf(code);
  const t = await exchangeTransfersRepo.get(uuid);
  if (!t) throw fail('exchange_transfer_not_found', `no exchange transfer ${uuid}`, { id: transactionRequestId(uuid) });
  if (t.status !== 'pending') return t;
  const moderatedAt = now.toISOString();
  const outcome =
    decision === 'approve'
      ? { status: 'approved' as const, moderation: 'manual_approved' as const, moderatedBy: moderator, moderatedAt }
      : { status: 'rejected' as const, moderation: 'manual_rejected' as const, moderatedBy: moderator, moderatedAt, settledAt: moderatedAt };
  const { status, ...recorded } = outcome;
  try {
    await transactWrite([exchangeTransfersRepo.transitionItem(uuid, 'pending', status, recorded), ...(status === 'rejected' ? returnItems(t, 'rejected') : [])]);
  } catch (err) {
    if (!(err instanceof ExchangeTransferStateError)) throw err;
    return (await exchangeTransfersRepo.get(uuid))!; // a concurrent decision came first
  }
  log.info('exchange transfer decided', { uuid, decision, moderator });
  return { ...t, ...outcome };
}

/** The hold back to the user and the withdrawal out of its month: a failed or rejected transfer, once (its own entry key). */
function returnItems(t: ExchangeTransfer, why: 'failed' | 'rejected'): GuardedItem[] {
  return [
    ...entryItems({
      idempotencyKey: `exchange-transfer-returned:${t.uuid}`,
      kind: `exchange-transfer-${why}`,
      postings: [
        { account: accountIds.exchangeHold(t.uuid), amount: -t.debitCoins },
        { account: accountIds.userCoins(t.user), amount: t.debitCoins },
      ],
    }),
    withdrawalReversalItem(t.user, t.debitCoins, new Date(t.ts)),
  ];
}

/** How long after its request a transfer still in flight is queued again by the sweep, and how far back it looks. */
export const EXCHANGE_SWEEP_AFTER_MS = 15 * 60_000;
const SWEEP_LOOKBACK_MS = 30 * 86_400_000;

/**
 * The sweep (scheduled): re-queues transfers still approved, sending or sent `olderThanMs` after their request
 * (a lost or dead-lettered message, an exchange outage outlasting the retries); the worker sends each once
 * whatever the number of messages. Transfers older than 30 days are an operator's to look at.
 */
export async function sweepExchangeTransfers(olderThanMs = EXCHANGE_SWEEP_AFTER_MS, now = new Date()): Promise<number> {
  const until = new Date(now.getTime() - olderThanMs).toISOString();
  const from = new Date(now.getTime() - SWEEP_LOOKBACK_MS).toISOString();
  const open = await exchangeTransfersRepo.listRequestedBetween(from, `${until}#~`, { statuses: ['approved', 'sending', 'sent'] });
  for (const t of open) {
    log.warn('exchange transfer not settled yet: queued again', { uuid: t.uuid, exchange: t.exchange, status: t.status, requestedAt: t.ts });
    await publish('exchangeTransfers', { type: 'exchange-transfer', uuid: t.uuid });
  }
  return open.length;
}

export interface ExchangeWorkerHooks {
  /** Tests: runs after the exchange answered, before the outcome is written (a crash here must not send twice). */
  afterExchangeCall?: () => Promise<void> | void;
}

/** Where an exchange's answer leaves a transfer. */
type Step = { to: 'sent'; hash: string; serviceResponse: unknown } | { to: 'completed' | 'failed'; hash?: string; serviceResponse: unknown };

const amountText = (coins: bigint) => formatUnits(coins, 18);

/** The worker: sends an approved transfer once, follows it, and records its outcome once. */
export async function processExchangeTransfer(uuid: string, hooks: ExchangeWorkerHooks = {}): Promise<ExchangeTransferStatus> {
  let t = await exchangeTransfersRepo.get(uuid);
  if (!t) throw new Error(`exchange transfer ${uuid} not found`);
  if (t.status === 'approved') {
    const sendingAt = new Date().toISOString();
    try {
      await transactWrite([exchangeTransfersRepo.transitionItem(uuid, 'approved', 'sending', { sendingAt })]);
    } catch (err) {
      if (err instanceof ExchangeTransferStateError) return processExchangeTransfer(uuid, hooks); // a concurrent delivery moved it
      throw err;
    }
    t = { ...t, status: 'sending', sendingAt };
    const step = await send(t, false);
    await hooks.afterExchangeCall?.();
    return record(t, 'sending', step);
  }
  if (t.status === 'sending') {
    // An earlier delivery may have reached the exchange: its answer decides, and only a transfer never made is made.
    const step = await send(t, true);
    await hooks.afterExchangeCall?.();
    return record(t, 'sending', step);
  }
  if (t.status === 'sent') {
    const step = await follow(t);
    if (!step) {
      await publish('exchangeTransfers', { type: 'exchange-transfer', uuid }, { delaySeconds: followSeconds() });
      return 'sent';
    }
    return record(t, 'sent', step);
  }
  return t.status; // pending (a moderator's), or final
}

/** Sends (or, `resume`, first looks for the send an earlier delivery made). Exchange refusals are a failed step; unknown outcomes throw (redelivery asks again). */
async function send(t: ExchangeTransfer, resume: boolean): Promise<Step> {
  const since = new Date(t.sendingAt ?? t.ts);
  if (t.exchange === 'coinbase') {
    try {
      const found = resume ? await coinbase().transactionByIdem(t.uuid, { since }) : undefined;
      return coinbaseStep(found ?? (await coinbase().send({ to: t.destination, amount: amountText(t.sendCoins), idem: t.uuid })));
    } catch (err) {
      if (err instanceof CoinbaseError && err.failure.code === 'send_refused' && !err.failure.retryable) {
        return { to: 'failed', serviceResponse: { errors: { errors: err.failure.errors, httpStatus: err.failure.httpStatus }, status: 'failure' } };
      }
      throw err;
    }
  }
  try {
    const found = resume ? await poloniex().findWithdrawal({ address: t.destination, amount: t.sendCoins, since }) : null;
    if (found) return poloniexStep(found);
    const { id } = await poloniex().withdraw({ amount: t.sendCoins, address: t.destination });
    return { to: 'sent', hash: id, serviceResponse: { withdrawalRequestsId: id } };
  } catch (err) {
    if (err instanceof PoloniexError && ['signature_refused', 'timestamp_refused', 'insufficient_balance', 'refused'].includes(err.failure.code)) {
      const f = err.failure as { answer?: unknown; httpStatus?: number };
      return { to: 'failed', serviceResponse: { errors: { errors: f.answer ?? null, httpStatus: f.httpStatus ?? null }, status: 'failure' } };
    }
    throw err;
  }
}

function coinbaseStep(tx: CoinbaseTransaction): Step {
  if (tx.outcome === 'pending') return { to: 'sent', hash: tx.id, serviceResponse: { status: tx.status } };
  return { to: tx.outcome === 'completed' ? 'completed' : 'failed', hash: tx.id, serviceResponse: { status: tx.outcome === 'completed' ? 'completed' : 'failure' } };
}

function poloniexStep(w: PoloniexWithdrawal): Step {
  if (w.outcome === 'pending') return { to: 'sent', hash: w.id, serviceResponse: { withdrawalRequestsId: w.id, status: w.status } };
  if (w.outcome === 'complete') return { to: 'completed', hash: w.id, serviceResponse: { status: 'completed' } };
  return { to: 'failed', hash: w.id, serviceResponse: { errors: { errors: w.answer, httpStatus: w.httpStatus }, status: 'failure' } };
}

/** A sent transfer's state at the exchange: a final step, or undefined while it is still moving. */
async function follow(t: ExchangeTransfer): Promise<Step | undefined> {
  if (t.exchange === 'coinbase') {
    const tx = await coinbase().transaction(t.hash!);
    if (!tx) return { to: 'failed', hash: t.hash, serviceResponse: { status: 'failure', reason: 'the transaction is gone from Coinbase' } };
    const step = coinbaseStep(tx);
    return step.to === 'sent' ? undefined : step;
  }
  const w = await poloniex().withdrawalStatus(t.hash!, { since: new Date(t.sendingAt ?? t.ts) });
  if (!w) return undefined; // not yet in the history
  const step = poloniexStep(w);
  return step.to === 'sent' ? undefined : step;
}

/** Records a step once (a concurrent delivery that recorded it first wins); a sent transfer is followed later. */
async function record(t: ExchangeTransfer, from: 'sending' | 'sent', step: Step): Promise<ExchangeTransferStatus> {
  const now = new Date().toISOString();
  const outcome = { ...(step.hash ? { hash: step.hash } : {}), serviceResponse: JSON.stringify(step.serviceResponse) };
  const items =
    step.to === 'sent'
      ? [exchangeTransfersRepo.transitionItem(t.uuid, from, 'sent', outcome)]
      : step.to === 'completed'
        ? [
            exchangeTransfersRepo.transitionItem(t.uuid, from, 'completed', { ...outcome, settledAt: now }),
            ...entryItems({
              idempotencyKey: `exchange-transfer-sent:${t.uuid}`,
              kind: 'exchange-transfer-sent',
              postings: compactPostings([
                { account: accountIds.exchangeHold(t.uuid), amount: -t.debitCoins },
                { account: accountIds.exchangeSettlement(t.exchange), amount: t.sendCoins },
                // The fee, and what is below the exchange's precision.
                { account: accountIds.coinsFees(), amount: t.debitCoins - t.sendCoins },
              ]),
            }),
          ]
        : [exchangeTransfersRepo.transitionItem(t.uuid, from, 'failed', { ...outcome, settledAt: now }), ...returnItems(t, 'failed')];
  try {
    await transactWrite(items);
  } catch (err) {
    if (!(err instanceof ExchangeTransferStateError)) throw err;
    return (await exchangeTransfersRepo.get(t.uuid))!.status;
  }
  if (step.to === 'sent') await publish('exchangeTransfers', { type: 'exchange-transfer', uuid: t.uuid }, { delaySeconds: followSeconds() });
  log.info('exchange transfer step recorded', { uuid: t.uuid, exchange: t.exchange, status: step.to });
  return step.to;
}
