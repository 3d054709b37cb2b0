/** Operator actions (admin CLI and local seeding): funding moves value in from outside through the ledger. */
import { cashbackConfig } from '../config/index.js';
import { accountIds, type Network } from '../db/keys.js';
import { DuplicateEntryError } from '../db/ledger.js';
import { getBalance, getBalances, postEntry, type Posting } from '../ledger/index.js';
import { parseUnits, TOKEN_DECIMALS } from '../ledger/money.js';
import { getPartner } from '../partners/index.js';

export interface FundingResult {
  reference: string;
  amount: bigint;
  /** False when this reference was already posted (nothing moved again). */
  posted: boolean;
}

async function postOnce(idempotencyKey: string, kind: string, postings: Posting[]): Promise<boolean> {
  try {
    await postEntry({ idempotencyKey, kind, postings });
    return true;
  } catch (err) {
    if (err instanceof DuplicateEntryError) return false;
    throw err;
  }
}

export const tokens = (decimalText: string) => parseUnits(decimalText, TOKEN_DECIMALS);

export async function depositPartnerFunds(network: Network, partner: string, amount: bigint, reference: string): Promise<FundingResult> {
  if (amount <= 0n) throw new Error('amount must be positive');
  if (!(await getPartner(partner))) throw new Error(`no partner named ${partner}`);
  const posted = await postOnce(`admin-deposit:${network}:${partner}:${reference}`, 'partner-deposit', [
    { account: accountIds.external(network), amount: -amount, allowNegative: true },
    { account: accountIds.partnerDeposit(network, partner), amount },
  ]);
  return { reference, amount, posted };
}

/** Spreads the amount evenly over the fund's shards (the remainder goes to shard 0). */
export async function fundDistribution(network: Network, amount: bigint, reference: string): Promise<FundingResult> {
  if (amount <= 0n) throw new Error('amount must be positive');
  const shards = Number(cashbackConfig().FUND_SHARDS);
  const each = amount / BigInt(shards);
  const postings: Posting[] = [{ account: accountIds.external(network), amount: -amount, allowNegative: true }];
  for (let i = 0; i < shards; i++) postings.push({ account: accountIds.fundShard(network, i), amount: each + (i === 0 ? amount - each * BigInt(shards) : 0n) });
  const posted = await postOnce(`admin-fund:${network}:${reference}`, 'fund-deposit', postings.filter((p) => p.amount !== 0n));
  return { reference, amount, posted };
}

export async function fundBalance(network: Network): Promise<bigint> {
  const shards = Array.from({ length: Number(cashbackConfig().FUND_SHARDS) }, (_, i) => accountIds.fundShard(network, i));
  return [...(await getBalances(shards)).values()].reduce((a, b) => a + b, 0n);
}

export const partnerBalance = (network: Network, partner: string) => getBalance(accountIds.partnerDeposit(network, partner));
