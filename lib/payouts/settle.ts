/**
 * The chain settlement engine: chain payouts leave the platform exactly once, never wait on each other,
 * and many go in one transaction.
 *
 * Send (`sendPayouts`, never waits for a block): take the sender wallet's next nonce from its allocator
 * item, sign one transaction for up to CHAIN_BATCH_MAX ready payouts (a plain ERC-20 transfer for one, a
 * Disburser batch for more), and in ONE DynamoDB transaction advance the allocator, record the signed bytes
 * (ChainTx) and move the payouts PENDING -> SENDING. Then broadcast and return. Two senders can never sign
 * the same nonce (the allocator's condition), a payout can never ride in two transactions (its own), and
 * several transactions are in flight at once (pipelined nonces).
 *
 * Resolve (`resolveNetwork`, from delayed confirmation messages and the per-minute sweep), over the wallet's
 * unsettled nonces, lowest first:
 *   - a receipt of any candidate at a final block (CHAIN_CONFIRMATIONS deep) settles it: paid legs
 *     CONFIRMED with their ledger entries, legs the token refused FAILED, a batch that reverted as a whole
 *     goes back to PENDING to be sent leg by leg, a mined fill sends its payouts again;
 *   - the nonce used at a final block by none of our candidates (seen twice, CHAIN_DISPLACED_GRACE_SECONDS
 *     apart, so a lagging node cannot fool us): its payouts go back to PENDING and are signed anew;
 *   - the nonce still free and the node does not know our transaction: the recorded bytes are broadcast again;
 *   - pending longer than CHAIN_REPLACE_AFTER_SECONDS: replaced with the same nonce at a higher fee;
 *   - a transaction no node will ever accept: its nonce is filled with a zero-value self transfer so later
 *     nonces are not stuck (its payouts stay SENDING until the fill is final, then go back to PENDING).
 * Every candidate is recorded before it is broadcast, so a crash at any line leaves nothing we cannot find.
 */
import { chainConfig } from '../config/index.js';
import { accountIds, NETWORKS, type Network } from '../db/keys.js';
import { chainRepo, chainTxId, ChainTxChangedError, NonceTakenError, type Candidate, type ChainLeg, type ChainTx, type ChainWallet } from '../chain/repository.js';
import { PayoutStateError, payoutsRepo, type Payout } from './repository.js';
import { ContentionError } from '../db/errors.js';
import { transactWrite, type GuardedItem } from '../db/transact.js';
import { chainSender, type ChainSender, type Fees, type MinedTx, type Payload } from '../chain/sender.js';
import { compactPostings, entryItems, getEntry } from '../ledger/index.js';
import { log } from '../log/index.js';
import { withdrawalReversalItem } from '../withdrawals/earnings.js';
import { publish } from '../queue/publisher.js';

/** Test seams: a crash injected at each step of sending and resolving. */
export interface EngineHooks {
  afterSign?: () => void | Promise<void>;
  afterRecord?: () => void | Promise<void>;
  afterBroadcast?: () => void | Promise<void>;
  afterReceipt?: () => void | Promise<void>;
  afterLegsSettled?: () => void | Promise<void>;
}

export interface EngineOptions {
  hooks?: EngineHooks;
  sender?: (network: Network) => ChainSender;
}

/** Ledger legs settled in one DynamoDB transaction: 3 items per leg + 3 stays under its 100 items. */
const SETTLE_CHUNK = 25;
const ALLOWANCE_FLOOR = 2n ** 255n;

const engine = () => {
  const c = chainConfig();
  return {
    batchMax: Number(c.CHAIN_BATCH_MAX),
    confirmDelay: Number(c.CHAIN_CONFIRM_DELAY_SECONDS),
    replaceAfterMs: Number(c.CHAIN_REPLACE_AFTER_SECONDS) * 1000,
    bumpPercent: BigInt(c.CHAIN_FEE_BUMP_PERCENT),
    maxFeePerGas: BigInt(c.CHAIN_MAX_FEE_GWEI) * 1_000_000_000n,
    displacedGraceMs: Number(c.CHAIN_DISPLACED_GRACE_SECONDS) * 1000,
  };
};

const chunks = <T>(xs: T[], size: number): T[][] => Array.from({ length: Math.ceil(xs.length / size) }, (_, i) => xs.slice(i * size, (i + 1) * size));

export interface SendSummary {
  transactions: number;
  payouts: number;
}

/** Sends every PENDING chain payout among `units` (others are skipped: a duplicate delivery is harmless). */
export async function sendPayouts(units: string[], options: EngineOptions = {}): Promise<SendSummary> {
  const payouts = (await payoutsRepo.getMany(units)).filter((p) => p.kind === 'chain');
  // A redelivery of a payout already SENDING (its sender died before scheduling a check): check its nonce soon
  // rather than at the next sweep.
  const inFlight = new Map(payouts.filter((p) => p.status === 'SENDING' && p.nonce !== undefined).map((p) => [`${p.network}:${p.nonce}`, p]));
  for (const p of inFlight.values()) await followUp(p.network, p.nonce!);
  const ready = payouts.filter((p) => p.status === 'PENDING');
  const summary = { transactions: 0, payouts: 0 };
  for (const network of NETWORKS) {
    const mine = ready.filter((p) => p.network === network);
    if (!mine.length) continue;
    const sender = (options.sender ?? chainSender)(network);
    const groups = [...mine.filter((p) => p.sendAlone).map((p) => [p]), ...chunks(mine.filter((p) => !p.sendAlone), engine().batchMax)];
    for (const group of groups) {
      const sent = await sendGroup(sender, group, options.hooks ?? {});
      if (sent) {
        summary.transactions++;
        summary.payouts += sent;
      }
    }
  }
  return summary;
}

async function walletOf(sender: ChainSender): Promise<ChainWallet> {
  return (await chainRepo.getWallet(sender.network, sender.address)) ?? chainRepo.createWallet(sender.network, sender.address, await sender.nonceAt('latest'));
}

const payloadOf = (purpose: ChainTx['purpose'], legs: ChainLeg[]): Payload =>
  purpose === 'transfer' ? { kind: 'transfer', leg: legs[0]! } : purpose === 'batch' ? { kind: 'batch', legs } : { kind: 'approve' };

const candidateOf = (kind: Candidate['kind'], signed: { hash: string; rawTx: string }, fees: Fees): Candidate => ({
  ...signed,
  kind,
  maxFeePerGas: fees.maxFeePerGas.toString(),
  maxPriorityFeePerGas: fees.maxPriorityFeePerGas.toString(),
  signedAt: new Date().toISOString(),
});

/** Sends one group of payouts as one transaction. Returns how many payouts it sent. */
async function sendGroup(sender: ChainSender, initial: Payout[], hooks: EngineHooks): Promise<number> {
  let group = initial;
  for (let round = 1; group.length; round++) {
    if (round > 25) throw new ContentionError(`could not take a nonce of ${sender.address} after ${round - 1} tries`);
    const wallet = await walletOf(sender);
    const fees = await cappedFees(sender);
    if (group.length > 1 && !(await disburserAllowed(sender, wallet, fees))) continue; // an approval took the nonce: read the wallet again
    const legs: ChainLeg[] = group.map((p) => ({
      unit: p.unit,
      to: p.destination,
      amount: p.amount,
      account: p.account,
      ...(p.refundAccount ? { refundAccount: p.refundAccount } : {}),
      ...(p.withdrawalOf && p.withdrawalAt ? { withdrawalOf: p.withdrawalOf, withdrawalAt: p.withdrawalAt } : {}),
    }));
    try {
      await allocateAndSend(sender, wallet.next, group.length === 1 ? 'transfer' : 'batch', legs, fees, hooks, (tx, now) =>
        group.map((p) => payoutsRepo.transitionItem(p, ['PENDING'], 'SENDING', { chainTx: chainTxId(tx), nonce: tx.nonce, txHash: tx.candidates[0]!.hash, attempts: (p.attempts ?? 0) + 1 }, now)),
      );
      return legs.length;
    } catch (err) {
      if (err instanceof NonceTakenError) continue; // another sender took this nonce: sign again with the next one
      if (err instanceof PayoutStateError) {
        // A concurrent delivery sent some of them: send the rest.
        group = (await payoutsRepo.getMany(group.map((p) => p.unit))).filter((p) => p.status === 'PENDING');
        continue;
      }
      throw err;
    }
  }
  return 0;
}

/**
 * Signs `purpose` with `nonce` and, in one DynamoDB transaction, takes the nonce from the allocator, records
 * the signed transaction and writes `alongside` (the payouts' own transitions); then broadcasts and schedules
 * its confirmation. Throws NonceTakenError when another sender took the nonce first.
 */
async function allocateAndSend(
  sender: ChainSender,
  nonce: number,
  purpose: ChainTx['purpose'],
  legs: ChainLeg[],
  fees: Fees,
  hooks: EngineHooks,
  alongside: (tx: ChainTx, now: string) => GuardedItem[] = () => [],
): Promise<void> {
  const signed = await sender.sign(payloadOf(purpose, legs), nonce, fees);
  await hooks.afterSign?.();
  const now = new Date().toISOString();
  const tx: ChainTx = { network: sender.network, wallet: sender.address, nonce, purpose, legs, candidates: [candidateOf('send', signed, fees)], status: 'INFLIGHT', createdAt: now, updatedAt: now };
  await transactWrite([...chainRepo.allocateItems(tx, { markApproved: purpose === 'approve' }), ...alongside(tx, now)]);
  await hooks.afterRecord?.();
  await broadcastCandidate(sender, tx, tx.candidates[0]!);
  await hooks.afterBroadcast?.();
  log.info('chain transaction sent', { network: tx.network, nonce, hash: signed.hash, purpose, payouts: legs.length });
  await followUp(tx.network, nonce);
}

/** Schedules the (next) confirmation check of a nonce in flight. */
function followUp(network: Network, nonce: number): Promise<void> {
  return publish('chainTransfers', { type: 'chain-confirm', network, nonce }, { delaySeconds: engine().confirmDelay });
}

/**
 * A batch pays from the treasury through the Disburser, which needs the treasury's allowance. Asked for once
 * per wallet, as a transaction of its own through the allocator, so it is mined before the batches after it.
 * False when the approval was just sent (the wallet's next nonce moved).
 */
const allowanceSeen = new Set<string>();
async function disburserAllowed(sender: ChainSender, wallet: ChainWallet, fees: Fees): Promise<boolean> {
  const key = `${sender.network}:${sender.address}`;
  if (allowanceSeen.has(key) || wallet.approvedAt) return true;
  if ((await sender.disburserAllowance()) >= ALLOWANCE_FLOOR) {
    allowanceSeen.add(key);
    return true;
  }
  try {
    await allocateAndSend(sender, wallet.next, 'approve', [], fees, {});
  } catch (err) {
    if (!(err instanceof NonceTakenError)) throw err;
  }
  return false;
}

/** Broadcasts recorded bytes. A transaction no node will ever take gets its nonce filled. */
async function broadcastCandidate(sender: ChainSender, tx: ChainTx, candidate: Candidate): Promise<void> {
  const { outcome, message } = await sender.broadcast(candidate.rawTx);
  if (outcome === 'accepted' || outcome === 'known') return;
  log.warn('broadcast not taken', { network: tx.network, nonce: tx.nonce, hash: candidate.hash, outcome, message });
  if (outcome === 'rejected' && candidate.kind === 'send') await fillNonce(sender, tx);
  // nonce-taken / underpriced / unavailable: the resolver finds out what holds the nonce and acts on it.
}

const max = (...xs: bigint[]) => xs.reduce((a, b) => (a > b ? a : b));
const min = (...xs: bigint[]) => xs.reduce((a, b) => (a < b ? a : b));

/** The node's fee suggestion, never above CHAIN_MAX_FEE_GWEI. */
async function cappedFees(sender: ChainSender): Promise<Fees> {
  const cap = engine().maxFeePerGas;
  const f = await sender.fees();
  const maxFeePerGas = min(f.maxFeePerGas, cap);
  return { maxFeePerGas, maxPriorityFeePerGas: min(f.maxPriorityFeePerGas, maxFeePerGas) };
}

/**
 * Fees for a replacement: both parts CHAIN_FEE_BUMP_PERCENT above the candidate it replaces (nodes want 10 %)
 * and at least what the node suggests now. Undefined when that would pass CHAIN_MAX_FEE_GWEI.
 */
function bumped(prev: Candidate, current: Fees): Fees | undefined {
  const bump = engine().bumpPercent;
  const up = (v: string) => (BigInt(v) * (100n + bump) + 99n) / 100n;
  const maxPriorityFeePerGas = max(up(prev.maxPriorityFeePerGas), current.maxPriorityFeePerGas);
  const maxFeePerGas = max(up(prev.maxFeePerGas), current.maxFeePerGas, maxPriorityFeePerGas);
  return maxFeePerGas > engine().maxFeePerGas ? undefined : { maxFeePerGas, maxPriorityFeePerGas };
}

/** Abandons a nonce: a zero-value self transfer takes it, so later nonces are not stuck. */
async function fillNonce(sender: ChainSender, tx: ChainTx): Promise<void> {
  // The refused transaction sits in no pool, so at the cap a fill need not outbid it.
  const fees = bumped(tx.candidates.at(-1)!, await sender.fees()) ?? (await cappedFees(sender));
  await addCandidate(sender, tx, 'fill', fees, 'filling an abandoned nonce with a zero-value self transfer');
}

/** Same nonce, same payload, higher fee: whichever candidate is mined pays the legs once. */
async function replace(sender: ChainSender, tx: ChainTx): Promise<void> {
  const last = tx.candidates.at(-1)!;
  const fees = bumped(last, await sender.fees());
  if (!fees) {
    log.warn('pending transaction at the fee cap; waiting for the network', { network: tx.network, nonce: tx.nonce, hash: last.hash, maxFeePerGas: last.maxFeePerGas });
    return;
  }
  await addCandidate(sender, tx, last.kind, fees, 'replacing a pending transaction with a higher fee');
}

/** Signs another candidate for the nonce, records it (unless another resolver acted first), then broadcasts it. */
async function addCandidate(sender: ChainSender, tx: ChainTx, kind: Candidate['kind'], fees: Fees, why: string): Promise<void> {
  const payload: Payload = kind === 'fill' ? { kind: 'fill' } : payloadOf(tx.purpose, tx.legs);
  const candidate = candidateOf(kind, await sender.sign(payload, tx.nonce, fees), fees);
  let recorded: ChainTx;
  try {
    recorded = await chainRepo.addCandidate(tx, candidate);
  } catch (err) {
    if (err instanceof ChainTxChangedError) return;
    throw err;
  }
  log.warn(why, { network: tx.network, nonce: tx.nonce, replaces: tx.candidates.at(-1)!.hash, hash: candidate.hash, maxFeePerGas: candidate.maxFeePerGas });
  await broadcastCandidate(sender, recorded, candidate);
}

export interface ResolveSummary {
  /** Nonces still in flight after this pass, lowest first. */
  inFlight: number[];
  settled: number;
}

/** One pass over a network's unsettled nonces (see the header). Safe to run concurrently and repeatedly. */
export async function resolveNetwork(network: Network, options: EngineOptions = {}): Promise<ResolveSummary> {
  const sender = (options.sender ?? chainSender)(network);
  const hooks = options.hooks ?? {};
  const wallet = await chainRepo.getWallet(network, sender.address);
  if (!wallet) return { inFlight: [], settled: 0 };
  const txs = (await chainRepo.listTxs(network, sender.address, wallet.settledBelow, wallet.next)).filter((t) => t.status === 'INFLIGHT');
  const inFlight: number[] = [];
  let settled = 0;
  if (txs.length) {
    const finalBlock = (await sender.head()) - sender.confirmations + 1;
    const view = { finalBlock, countFinal: await sender.nonceAt(Math.max(0, finalBlock)), countLatest: await sender.nonceAt('latest') };
    for (const tx of txs) {
      if (await resolveTx(sender, tx, view, hooks)) settled++;
      else inFlight.push(tx.nonce);
    }
  }
  await chainRepo.advanceWallet(network, sender.address, { settledBelow: inFlight[0] ?? wallet.next });
  return { inFlight, settled };
}

/** Returns true when the nonce is final (settled now or by a concurrent pass). */
async function resolveTx(sender: ChainSender, tx: ChainTx, view: { finalBlock: number; countFinal: number; countLatest: number }, hooks: EngineHooks): Promise<boolean> {
  const cfg = engine();
  // Newest candidate first: a replacement is the likelier one to be mined.
  for (const candidate of [...tx.candidates].reverse()) {
    const mined = await sender.receipt(candidate.hash);
    if (!mined) continue;
    if (mined.blockNumber > view.finalBlock) return false; // not buried deep enough yet
    await hooks.afterReceipt?.();
    await settleMined(sender, tx, candidate, mined, hooks);
    return true;
  }
  if (view.countFinal > tx.nonce) {
    // Used at a final block, and no candidate of ours has a receipt. A lagging node might not know our receipt
    // yet: only act when the same is seen again after the grace period.
    const seenAt = tx.displacedSeenAt ? Date.parse(tx.displacedSeenAt) : undefined;
    if (seenAt === undefined) {
      await chainRepo.markDisplacedSeen(tx, new Date().toISOString());
      return false;
    }
    if (Date.now() - seenAt < cfg.displacedGraceMs) return false;
    await settleDisplaced(tx, view.countFinal);
    return true;
  }
  if (view.countLatest > tx.nonce) return false; // used in a block that is not final yet: wait for depth
  const last = tx.candidates.at(-1)!;
  if (!(await sender.isKnown(last.hash))) {
    log.info('re-broadcasting a recorded transaction the node does not know', { network: tx.network, nonce: tx.nonce, hash: last.hash });
    await broadcastCandidate(sender, tx, last);
  } else if (Date.now() - Date.parse(last.signedAt) > cfg.replaceAfterMs) {
    await replace(sender, tx);
  }
  return false;
}

/** Applies a mined candidate's outcome to the transaction's payouts, then closes the nonce. */
async function settleMined(sender: ChainSender, tx: ChainTx, candidate: Candidate, mined: MinedTx, hooks: EngineHooks): Promise<void> {
  const minedFields = { minedHash: mined.hash, blockNumber: mined.blockNumber, gasUsed: mined.gasUsed.toString() };
  let status: 'CONFIRMED' | 'REVERTED' | 'FILLED';
  if (candidate.kind === 'fill') {
    status = 'FILLED'; // the nonce went to our fill: the legs were never paid
    await sendAgain(tx);
  } else if (!mined.ok) {
    status = 'REVERTED';
    if (tx.purpose === 'approve') await chainRepo.advanceWallet(tx.network, tx.wallet, { clearApproval: true });
    else if (tx.legs.length === 1) await settleRefused(tx, tx.legs[0]!, mined);
    else {
      // A batch reverted as a whole (gas, or the treasury's balance or allowance short): each leg goes alone next
      // time. A lost allowance (its approval displaced) is asked for again before the next batch.
      if ((await sender.disburserAllowance()) < ALLOWANCE_FLOOR) {
        allowanceSeen.delete(`${sender.network}:${sender.address}`);
        await chainRepo.advanceWallet(tx.network, tx.wallet, { clearApproval: true });
      }
      await sendAgain(tx, { sendAlone: true });
    }
  } else {
    status = 'CONFIRMED';
    const refused = new Set(mined.failedLegs);
    await settlePaid(tx, tx.legs.filter((_, i) => !refused.has(i)), mined);
    for (const i of refused) await settleRefused(tx, tx.legs[i]!, mined);
  }
  await hooks.afterLegsSettled?.();
  await finish(tx, status, minedFields);
  log.info('chain transaction settled', { network: tx.network, nonce: tx.nonce, hash: mined.hash, status, block: mined.blockNumber, gasUsed: minedFields.gasUsed, payouts: tx.legs.length, refused: mined.failedLegs.length });
}

async function finish(tx: ChainTx, status: 'CONFIRMED' | 'REVERTED' | 'FILLED' | 'DISPLACED', set: Partial<ChainTx> = {}): Promise<void> {
  try {
    await transactWrite([chainRepo.finishItem(tx, status, set)]);
  } catch (err) {
    if (!(err instanceof ChainTxChangedError)) throw err; // a concurrent pass closed it
  }
}

/** Paid legs: CONFIRMED with one ledger entry per chunk (customer accounts -> chain-out), idempotent per chunk. */
async function settlePaid(tx: ChainTx, legs: ChainLeg[], mined: MinedTx): Promise<void> {
  const id = chainTxId(tx);
  for (const [i, chunk] of chunks(legs, SETTLE_CHUNK).entries()) {
    const idempotencyKey = `chain-settle:${id}:${i}`;
    const total = chunk.reduce((s, l) => s + l.amount, 0n);
    try {
      await transactWrite([
        ...chunk.map((l) => payoutsRepo.inFlightItem(l.unit, id, 'CONFIRMED', { txHash: mined.hash, blockNumber: mined.blockNumber })),
        ...entryItems({
          idempotencyKey,
          kind: 'chain-settlement',
          memo: mined.hash,
          postings: compactPostings([...chunk.map((l) => ({ account: l.account, amount: -l.amount })), { account: accountIds.chainOut(tx.network), amount: total }]),
        }),
      ]);
    } catch (err) {
      if (await getEntry(idempotencyKey)) continue; // settled by an earlier pass that did not get to close the nonce
      throw err;
    }
  }
}

/** A leg the chain refused: FAILED; a user's coins go back to them, cashback stays in its ledger account. */
async function settleRefused(tx: ChainTx, leg: ChainLeg, mined: MinedTx): Promise<void> {
  const id = chainTxId(tx);
  const failed = payoutsRepo.inFlightItem(leg.unit, id, 'FAILED', { txHash: mined.hash, blockNumber: mined.blockNumber, error: 'transfer refused on chain' });
  try {
    await transactWrite(
      leg.refundAccount
        ? [
            failed,
            ...entryItems({
              idempotencyKey: `chain-refund:${leg.unit}`,
              kind: 'chain-refund',
              memo: mined.hash,
              postings: [
                { account: leg.account, amount: -leg.amount },
                { account: leg.refundAccount, amount: leg.amount },
              ],
            }),
            // The returned coins were not withdrawn after all.
            ...(leg.withdrawalOf && leg.withdrawalAt ? [withdrawalReversalItem(leg.withdrawalOf, leg.amount, new Date(leg.withdrawalAt))] : []),
          ]
        : [failed],
    );
  } catch (err) {
    if (err instanceof PayoutStateError && err.item?.status === 'FAILED') return;
    throw err;
  }
  log.warn('chain payout refused', { unit: leg.unit, hash: mined.hash });
}

/** The legs were certainly not paid by this nonce: back to PENDING and queued to be sent in a new transaction. */
async function sendAgain(tx: ChainTx, set: Partial<Payout> = {}): Promise<void> {
  const id = chainTxId(tx);
  const again: string[] = [];
  for (const leg of tx.legs) {
    try {
      await transactWrite([payoutsRepo.inFlightItem(leg.unit, id, 'PENDING', set)]);
      again.push(leg.unit);
    } catch (err) {
      if (!(err instanceof PayoutStateError)) throw err;
      if (err.item?.status === 'PENDING') again.push(leg.unit); // an earlier pass returned it; queue it anyway
    }
  }
  for (const unit of again) await publish('chainTransfers', { type: 'chain-transfer', unit });
}

/** Someone else's transaction took the nonce: its payouts are signed anew, and the allocator skips what is used. */
async function settleDisplaced(tx: ChainTx, countFinal: number): Promise<void> {
  log.warn('nonce used by a transaction that is not ours; sending its payouts again', { network: tx.network, nonce: tx.nonce, candidates: tx.candidates.map((c) => c.hash) });
  if (tx.purpose === 'approve') await chainRepo.advanceWallet(tx.network, tx.wallet, { clearApproval: true });
  await sendAgain(tx);
  await chainRepo.advanceWallet(tx.network, tx.wallet, { nextAtLeast: countFinal });
  await finish(tx, 'DISPLACED');
}

/**
 * Confirmation messages of one network: one resolve pass; each followed nonce still in flight is checked
 * again after CHAIN_CONFIRM_DELAY_SECONDS (a new delayed message, never a failed one waiting out its
 * visibility timeout).
 */
export async function confirmNetwork(network: Network, nonces: number[] = [], options: EngineOptions = {}): Promise<ResolveSummary> {
  const summary = await resolveNetwork(network, options);
  for (const nonce of new Set(nonces)) if (summary.inFlight.includes(nonce)) await followUp(network, nonce);
  return summary;
}

export interface ChainStatus {
  network: Network;
  wallet: string;
  nextNonce: number;
  settledBelow: number;
  inFlight: number;
  oldest?: { nonce: number; purpose: string; payouts: number; ageSeconds: number; candidates: number; hash: string };
}

/** What an operator needs to see of a network's pipeline (admin CLI `chain status`). */
export async function chainStatus(network: Network, options: EngineOptions = {}): Promise<ChainStatus> {
  const sender = (options.sender ?? chainSender)(network);
  const wallet = await chainRepo.getWallet(network, sender.address);
  if (!wallet) {
    const next = await sender.nonceAt('latest'); // never sent through the engine: nothing of ours outstanding
    return { network, wallet: sender.address, nextNonce: next, settledBelow: next, inFlight: 0 };
  }
  const open = (await chainRepo.listTxs(network, sender.address, wallet.settledBelow, wallet.next)).filter((t) => t.status === 'INFLIGHT');
  const first = open[0];
  return {
    network,
    wallet: sender.address,
    nextNonce: wallet.next,
    settledBelow: wallet.settledBelow,
    inFlight: open.length,
    ...(first
      ? {
          oldest: {
            nonce: first.nonce,
            purpose: first.purpose,
            payouts: first.legs.length,
            ageSeconds: Math.round((Date.now() - Date.parse(first.createdAt)) / 1000),
            candidates: first.candidates.length,
            hash: first.candidates.at(-1)!.hash,
          },
        }
      : {}),
  };
}
