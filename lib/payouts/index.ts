/**
 * Payout hand-off and textcoins (cashback sent to an email address as a claim link).
 * A textcoin link carries the payout unit and an HMAC over it, so nothing secret is stored and a lost
 * mail can be rebuilt; claiming moves the amount to the claimant's address and queues a chain payout;
 * an unclaimed textcoin returns to the distribution fund when it expires.
 */
import { getAddress } from 'ethers';
import { cashbackConfig, coreConfig, linksConfig } from '../config/index.js';
import { accountIds, NETWORKS } from '../db/keys.js';
import { PayoutStateError, payoutsRepo, type Payout } from './repository.js';
import { transactWrite } from '../db/transact.js';
import { fail } from './failures.js';
import { entryItems, shardFor } from '../ledger/index.js';
import { formatUnits, TOKEN_DECIMALS } from '../ledger/money.js';
import { getMailer } from '../mail/index.js';
import { publish } from '../queue/publisher.js';
import { equalsConstantTime, hmacBase64Url, sha256Base64 } from '../security/secrets.js';

export async function enqueuePayout(p: Pick<Payout, 'kind' | 'unit'>): Promise<void> {
  if (p.kind === 'chain') await publish('chainTransfers', { type: 'chain-transfer', unit: p.unit });
  else await publish('mail', { type: 'textcoin-mail', unit: p.unit });
}

const unitToId = (unit: string) => Buffer.from(unit, 'base64').toString('base64url');
const idToUnit = (id: string) => Buffer.from(id, 'base64url').toString('base64');

export function textcoinCode(unit: string): string {
  const id = unitToId(unit);
  return `${id}.${hmacBase64Url(linksConfig().TEXTCOIN_LINK_SECRET, `textcoin:${id}`)}`;
}

export function textcoinLink(unit: string): string {
  return `${coreConfig().PUBLIC_BASE_URL}/textcoin/${textcoinCode(unit)}`;
}

/** The payout a claim code names, when its signature is right; 404 otherwise (no oracle for guessing). */
export async function textcoinByCode(code: string): Promise<Payout> {
  const [id, signature] = code.split('.');
  if (!id || !signature || id.length !== 43) throw fail('invalid_link', 'this claim link is not valid');
  const expected = hmacBase64Url(linksConfig().TEXTCOIN_LINK_SECRET, `textcoin:${id}`);
  if (!equalsConstantTime(signature, expected)) throw fail('invalid_link', 'this claim link is not valid');
  const payout = await payoutsRepo.get(idToUnit(id));
  if (!payout || payout.kind !== 'textcoin') throw fail('invalid_link', 'this claim link is not valid');
  return payout;
}

export const isExpired = (p: Payout, now = new Date()) => !!p.claimExpiresAt && p.claimExpiresAt <= now.toISOString();

export function displayAmount(p: Pick<Payout, 'amount'>): string {
  return formatUnits(p.amount, TOKEN_DECIMALS);
}

/** Mail worker: send the claim link once the payout is committed; PENDING -> MAILED. */
export async function sendTextcoinMail(unit: string): Promise<'sent' | 'skipped'> {
  const p = await payoutsRepo.get(unit);
  if (!p) throw new Error(`payout ${unit} not found`);
  if (p.kind !== 'textcoin' || p.status !== 'PENDING' || isExpired(p)) return 'skipped';
  const link = textcoinLink(unit);
  const amount = displayAmount(p);
  await (
    await getMailer()
  ).send({
    to: p.destination,
    subject: `You received ${amount} tokens of cashback`,
    text: `You received ${amount} tokens of cashback.\n\nClaim them to your Ethereum wallet here:\n${link}\n\nThe link expires on ${p.claimExpiresAt}; unclaimed cashback is taken back after that.`,
    html: `<p>You received <b>${amount}</b> tokens of cashback.</p><p><a href="${link}">Claim your cashback</a></p><p>The link expires on ${p.claimExpiresAt}.</p>`,
  });
  try {
    await payoutsRepo.transition(p, ['PENDING'], 'MAILED');
  } catch (err) {
    if (!(err instanceof PayoutStateError)) throw err; // claimed or reclaimed meanwhile: nothing to record
  }
  return 'sent';
}

export interface ClaimResult {
  unit: string;
  claimUnit: string;
  address: string;
  amount: bigint;
}

/** Claim a textcoin to an Ethereum address: one transaction moves it and creates the chain payout. */
export async function claimTextcoin(code: string, addressInput: string): Promise<ClaimResult> {
  const p = await textcoinByCode(code);
  let address: string;
  try {
    address = getAddress(addressInput.trim());
  } catch {
    throw fail('invalid_address', 'address must be a valid Ethereum address');
  }
  if (p.status === 'CLAIMED') throw fail('already_claimed', 'this cashback was already claimed');
  if (p.status === 'RECLAIMED' || isExpired(p)) throw fail('link_expired', 'this claim link has expired');
  const now = new Date().toISOString();
  const claimUnit = sha256Base64(`claim|${p.unit}`);
  const customerAccount = accountIds.customer(p.network, address);
  const chainPayout: Payout = {
    unit: claimUnit,
    network: p.network,
    kind: 'chain',
    status: 'PENDING',
    destination: address,
    amount: p.amount,
    account: customerAccount,
    source: `textcoin:${p.unit}`,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await transactWrite([
      payoutsRepo.transitionItem(p, ['PENDING', 'MAILED'], 'CLAIMED', { claimedBy: address }),
      payoutsRepo.putNewItem(chainPayout),
      ...entryItems({
        idempotencyKey: `textcoin-claim:${p.unit}`,
        kind: 'textcoin-claim',
        postings: [
          { account: p.account, amount: -p.amount },
          { account: customerAccount, amount: p.amount },
        ],
      }),
    ]);
  } catch (err) {
    if (err instanceof PayoutStateError) throw fail('already_claimed', 'this cashback was already claimed');
    throw err;
  }
  // The new PENDING chain payout is queued by the outbox (table stream).
  return { unit: p.unit, claimUnit, address, amount: p.amount };
}

/** Scheduled: expired, unclaimed textcoins go back to the distribution fund. */
export async function reclaimExpiredTextcoins(now = new Date()): Promise<number> {
  const shards = Number(cashbackConfig().FUND_SHARDS);
  const until = now.toISOString();
  const candidates = [...(await payoutsRepo.listByStatus('MAILED', until)), ...(await payoutsRepo.listByStatus('PENDING', until))];
  let reclaimed = 0;
  for (const p of candidates) {
    if (p.kind !== 'textcoin' || !isExpired(p, now)) continue;
    try {
      await transactWrite([
        payoutsRepo.transitionItem(p, ['PENDING', 'MAILED'], 'RECLAIMED'),
        ...entryItems({
          idempotencyKey: `textcoin-reclaim:${p.unit}`,
          kind: 'textcoin-reclaim',
          postings: [
            { account: p.account, amount: -p.amount },
            { account: accountIds.fundShard(p.network, shardFor(p.unit, shards)), amount: p.amount },
          ],
        }),
      ]);
      reclaimed++;
    } catch (err) {
      if (!(err instanceof PayoutStateError)) throw err; // claimed at the last moment: keep it claimed
    }
  }
  return reclaimed;
}

/**
 * Scheduled every minute: PENDING payouts whose queue hand-off was lost are queued again, and the chain worker
 * is asked to check each network's transactions in flight (the safety net under the delayed confirmation
 * messages). SENDING payouts are the chain worker's: it resolves them from its own record, never by a resend.
 */
export async function sweepStalledPayouts(olderThanMs = 2 * 60_000, now = new Date()): Promise<number> {
  const until = new Date(now.getTime() - olderThanMs).toISOString();
  let queued = 0;
  for (const p of await payoutsRepo.listByStatus('PENDING', until)) {
    if (p.kind === 'textcoin' && isExpired(p, now)) continue;
    await enqueuePayout(p);
    queued++;
  }
  for (const network of NETWORKS) await publish('chainTransfers', { type: 'chain-confirm', network });
  return queued;
}
