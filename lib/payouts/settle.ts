/**
 * Settles a chain payout exactly once: PENDING -> SENDING -> CONFIRMED | FAILED.
 *
 * The signed transaction (nonce, hash, raw bytes) is recorded BEFORE it is broadcast. On redelivery a
 * SENDING payout is resolved by asking the chain: a receipt finalises it; a transaction the node knows is
 * awaited; an unknown one whose nonce is still free is re-broadcast byte for byte (same nonce, so it can
 * never pay twice); only when that nonce was consumed by another transaction is a new one signed.
 * One sender per treasury wallet (the worker's reserved concurrency is 1) keeps nonces in order.
 */
import { chainConfig } from '../config/index.js';
import { accountIds } from '../db/keys.js';
import { PayoutStateError, payoutsRepo, type Payout } from '../db/repositories/payouts.js';
import { transactWrite } from '../db/transact.js';
import { getChain, type ChainAdapter, type TransferReceipt } from '../chain/erc20.js';
import { entryItems } from '../ledger/index.js';
import { log } from '../log/index.js';

export interface SettleHooks {
  /** Test seam: runs right after the broadcast, before anything is recorded (a crash here is the worst case). */
  afterBroadcast?: () => void | Promise<void>;
}

export class ReceiptPendingError extends Error {
  override name = 'ReceiptPendingError';
}

/** The nonce we signed with was taken by another transaction of the same sender (an operator, a script). */
const nonceTaken = (err: unknown) => ['NONCE_EXPIRED', 'REPLACEMENT_UNDERPRICED'].includes((err as { code?: string })?.code ?? '');

export async function settleChainPayout(unit: string, chain: ChainAdapter = getChain(), hooks: SettleHooks = {}, round = 1): Promise<Payout['status']> {
  const cfg = chainConfig();
  const wait = (hash: string) => chain.waitForReceipt(hash, Number(cfg.CHAIN_CONFIRMATIONS), Number(cfg.CHAIN_RECEIPT_TIMEOUT_MS));

  let p = await payoutsRepo.get(unit);
  if (!p) throw new Error(`payout ${unit} not found`);
  if (p.kind !== 'chain') throw new Error(`payout ${unit} is a ${p.kind} payout, not a chain transfer`);
  if (p.status === 'CONFIRMED' || p.status === 'FAILED') return p.status;

  if (p.status === 'SENDING' && p.txHash && p.rawTx && p.nonce !== undefined) {
    const seen = (await chain.receipt(p.txHash)) ?? ((await chain.isKnown(p.txHash)) ? await wait(p.txHash) : undefined);
    if (seen) return finalise(p, seen);
    if ((await chain.nonce('latest')) <= p.nonce) {
      log.info('re-broadcasting recorded transaction', { unit, hash: p.txHash, nonce: p.nonce });
      await chain.broadcast(p.rawTx);
      const receipt = await wait(p.txHash);
      if (!receipt) throw new ReceiptPendingError(`no receipt yet for ${p.txHash}`);
      return finalise(p, receipt);
    }
    log.warn('recorded transaction was never mined and its nonce is spent; signing anew', { unit, hash: p.txHash, nonce: p.nonce });
  }

  const signed = await chain.signTransfer(p.destination, p.amount, await chain.nonce('pending'));
  p = await payoutsRepo.transition(p, [p.status], 'SENDING', {
    nonce: signed.nonce,
    txHash: signed.hash,
    rawTx: signed.rawTx,
    attempts: (p.attempts ?? 0) + 1,
  });
  try {
    await chain.broadcast(signed.rawTx);
  } catch (err) {
    // Re-run now rather than after the queue's visibility timeout: the recorded transaction's nonce is spent,
    // so the next round finds it unmined and signs anew with a fresh nonce.
    if (nonceTaken(err) && round < 3) return settleChainPayout(unit, chain, hooks, round + 1);
    throw err;
  }
  await hooks.afterBroadcast?.();
  const receipt = await wait(signed.hash);
  if (!receipt) throw new ReceiptPendingError(`no receipt yet for ${signed.hash}`);
  return finalise(p, receipt);
}

/** Record the outcome; a success also moves the amount out of the customer's ledger account. */
async function finalise(p: Payout, receipt: TransferReceipt): Promise<Payout['status']> {
  const status = receipt.ok ? 'CONFIRMED' : 'FAILED';
  try {
    if (receipt.ok) {
      await transactWrite([
        payoutsRepo.transitionItem(p, ['SENDING'], 'CONFIRMED', { blockNumber: receipt.blockNumber, txHash: receipt.hash }),
        ...entryItems({
          idempotencyKey: `chain-settle:${p.unit}`,
          kind: 'chain-settlement',
          memo: receipt.hash,
          postings: [
            { account: p.account, amount: -p.amount },
            { account: accountIds.chainOut(p.network), amount: p.amount },
          ],
        }),
      ]);
    } else if (p.refundAccount) {
      // A user's coin transfer: the coins go back to the user with the failure.
      await transactWrite([
        payoutsRepo.transitionItem(p, ['SENDING'], 'FAILED', { blockNumber: receipt.blockNumber, error: 'transaction reverted' }),
        ...entryItems({
          idempotencyKey: `chain-refund:${p.unit}`,
          kind: 'chain-refund',
          memo: receipt.hash,
          postings: [
            { account: p.account, amount: -p.amount },
            { account: p.refundAccount, amount: p.amount },
          ],
        }),
      ]);
    } else {
      // The amount stays in the customer's ledger account; an operator can retry the payout.
      await payoutsRepo.transition(p, ['SENDING'], 'FAILED', { blockNumber: receipt.blockNumber, error: 'transaction reverted' });
    }
  } catch (err) {
    const current = err instanceof PayoutStateError ? err.item?.status : undefined;
    if (current === status) return status; // a concurrent delivery recorded the same outcome
    throw err;
  }
  log.info('chain payout settled', { unit: p.unit, status, hash: receipt.hash, block: receipt.blockNumber });
  return status;
}
