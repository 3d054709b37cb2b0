/**
 * Double-entry ledger: the one way value moves. An entry is a set of postings that sum to zero,
 * written in one TransactWriteItems with the debited balances conditioned to stay >= 0
 * and the entry itself keyed by an idempotency key, so the same request can never move money twice.
 *
 * Domain code composes `entryItems(...)` with its own records into one transaction;
 * `postEntry` is the stand-alone form.
 */
import { ledgerRepo, type LedgerEntry, type Posting } from '../db/ledger.js';
import { transactWrite, type GuardedItem, type TransactResult } from '../db/transact.js';

export type { LedgerEntry, Posting };

export class LedgerError extends Error {}

export function validateEntry(entry: LedgerEntry): void {
  if (!entry.idempotencyKey) throw new LedgerError('an entry needs an idempotency key');
  if (entry.postings.length < 2) throw new LedgerError('an entry needs at least two postings');
  const seen = new Set<string>();
  let sum = 0n;
  for (const p of entry.postings) {
    if (p.amount === 0n) throw new LedgerError(`zero posting on ${p.account}`);
    if (seen.has(p.account)) throw new LedgerError(`account ${p.account} posted twice in one entry`);
    seen.add(p.account);
    sum += p.amount;
  }
  if (sum !== 0n) throw new LedgerError(`postings sum to ${sum}, not zero`);
}

/** Drop zero postings and merge duplicates, so callers can list parts that may be empty. */
export function compactPostings(postings: Posting[]): Posting[] {
  const merged = new Map<string, Posting>();
  for (const p of postings) {
    const prev = merged.get(p.account);
    merged.set(p.account, { ...p, amount: (prev?.amount ?? 0n) + p.amount, allowNegative: p.allowNegative ?? prev?.allowNegative });
  }
  return [...merged.values()].filter((p) => p.amount !== 0n);
}

export function entryItems(entry: LedgerEntry): GuardedItem[] {
  validateEntry(entry);
  return ledgerRepo.entryWriteItems(entry);
}

export async function postEntry(entry: LedgerEntry): Promise<TransactResult> {
  return transactWrite(entryItems(entry));
}

export const getBalance = (account: string) => ledgerRepo.getBalance(account);
export const getBalances = (accounts: string[]) => ledgerRepo.getBalances(accounts);
export const getEntry = (idempotencyKey: string) => ledgerRepo.getEntry(idempotencyKey);
export const listPostings = (account: string, limit?: number) => ledgerRepo.listPostingsByAccount(account, limit);

/**
 * Hot-account strategy: the distribution fund is split into shards (separate items), so concurrent
 * cashbacks debit different items instead of serialising on one. The shard is chosen by a stable hash
 * of the request so a retry of the same order touches the same shard.
 */
export function shardFor(seed: string, shards: number): number {
  let h = 2166136261;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619) >>> 0;
  return h % shards;
}

/** Shards ordered richest first: the fallback when the hashed shard cannot cover a debit. */
export async function richestShard(shardIds: string[], atLeast: bigint): Promise<string | undefined> {
  const balances = await getBalances(shardIds);
  const sorted = shardIds
    .map((id) => ({ id, balance: balances.get(id) ?? 0n }))
    .sort((a, b) => (a.balance === b.balance ? 0 : a.balance > b.balance ? -1 : 1));
  const best = sorted[0];
  return best && best.balance >= atLeast ? best.id : undefined;
}
