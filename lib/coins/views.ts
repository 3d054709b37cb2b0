/**
 * A coin transfer as its user sees it: in the transfer history, the withdrawal history and a request's answer.
 * Kept apart from the coin routes' logic so the withdrawal history bundles no chain client.
 */
import { isoSeconds, transactionRequestId } from '../wire.js';
import { payoutsRepo, type Payout } from '../payouts/repository.js';
import type { CoinTransfer, StoredCoinTransfer } from './repository.js';
import type { TransferView } from './schema.js';


export function transferView(t: CoinTransfer): TransferView {
  const status = t.status === 'approved' ? 'pending' : t.status;
  return { address: t.address, coins: t.coins.toString(), fee: t.fee.toString(), hash: t.hash, id: transactionRequestId(t.uuid), status, ts: isoSeconds(t.ts) };
}

/** A transfer as its user sees it now, given its chain payout: an approved one is `pending` until the payout settles (success/failure). */
function settledView(t: StoredCoinTransfer, p: Payout | undefined): TransferView {
  if (t.status !== 'approved' || !t.payoutUnit) return transferView(t);
  const settled = p?.status === 'CONFIRMED' ? 'success' : p?.status === 'FAILED' ? 'failure' : 'pending';
  return { ...transferView(t), status: settled, hash: p?.txHash ?? null };
}

export async function transferNow(t: StoredCoinTransfer): Promise<TransferView> {
  return settledView(t, t.status === 'approved' && t.payoutUnit ? await payoutsRepo.get(t.payoutUnit) : undefined);
}

/** Many transfers as their user sees them now, their payouts read in one batch (a history page). */
export async function transfersNow(ts: readonly StoredCoinTransfer[]): Promise<TransferView[]> {
  const units = [...new Set(ts.flatMap((t) => (t.status === 'approved' && t.payoutUnit ? [t.payoutUnit] : [])))];
  const payouts = new Map((units.length ? await payoutsRepo.getMany(units) : []).map((p) => [p.unit, p]));
  return ts.map((t) => settledView(t, t.payoutUnit ? payouts.get(t.payoutUnit) : undefined));
}
