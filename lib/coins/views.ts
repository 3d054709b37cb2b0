/**
 * A coin transfer as its user sees it: in the transfer history, the withdrawal history and a request's answer.
 * Kept apart from the coin routes' logic so the withdrawal history bundles no chain client.
 */
import { payoutsRepo } from '../payouts/repository.js';
import type { CoinTransfer, StoredCoinTransfer } from './repository.js';
import type { TransferView } from './schema.js';

const transferId = (uuid: string) => `urn:authenticateit:transaction_request:${uuid}`;
export const seconds = (iso: string) => iso.replace(/\.\d{3}Z$/, 'Z');

export function transferView(t: CoinTransfer): TransferView {
  const status = t.status === 'approved' ? 'pending' : t.status;
  return { address: t.address, coins: t.coins.toString(), fee: t.fee.toString(), hash: t.hash, id: transferId(t.uuid), status, ts: seconds(t.ts) };
}

/** A transfer as its user sees it now: an approved one is `pending` until its chain payout settles (success/failure). */
export async function transferNow(t: StoredCoinTransfer): Promise<TransferView> {
  const unit = t.payoutUnit;
  if (t.status !== 'approved' || !unit) return transferView(t);
  const p = await payoutsRepo.get(unit);
  const settled = p?.status === 'CONFIRMED' ? 'success' : p?.status === 'FAILED' ? 'failure' : 'pending';
  return { ...transferView(t), status: settled, hash: p?.txHash ?? null };
}
