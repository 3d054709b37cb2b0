/**
 * Moderation of user coin transfers. Every moderator is mailed signed, expiring approve and reject links
 * (`/user/ethereum/transfer/{code}/approve|reject`). Mail scanners prefetch links, so a GET only shows a
 * confirmation page; the decision is the page form's POST. The first decision wins (a conditional write);
 * later clicks see who decided and when. Links are signed with their own secret (MODERATION_LINK_SECRET), and a
 * link works only while its moderator is still in MODERATORS: one removed from the list can no longer decide.
 *   approve: transfer -> approved, fee -> the fees account, and a chain payout of `coins` from the hold
 *            (settled exactly once by the chain worker; a failed transfer returns the coins to the user)
 *   reject:  transfer -> rejected, coins + fee back to the user
 */
import { transactionRequestId } from '../wire.js';
import { withdrawalReversalItem } from '../withdrawals/earnings.js';
import { coreConfig, moderationConfig } from '../config/index.js';
import { accountIds } from '../db/keys.js';
import { payoutsRepo, type Payout } from '../payouts/repository.js';
import { coinTransferDecisions, TransferDecidedError, type CoinTransfer } from './repository.js';
import { transactWrite } from '../db/transact.js';
import { escapeHtml, page } from '../html.js';
import { fail } from './failures.js';
import { entryItems } from '../ledger/index.js';
import { formatUnits, TOKEN_DECIMALS } from '../ledger/money.js';
import { equalsConstantTime, hmacBase64Url, sha256Base64 } from '../security/secrets.js';

export type Decision = 'approve' | 'reject';

interface LinkClaims {
  t: string;
  m: string;
  e: number;
}

const sign = (payload: string) => hmacBase64Url(moderationConfig().MODERATION_LINK_SECRET, `moderation:${payload}`, 24);

export function moderationCode(transferUuid: string, moderator: string, now = Date.now()): string {
  const payload = Buffer.from(JSON.stringify({ t: transferUuid, m: moderator, e: Math.floor(now / 1000) + Number(moderationConfig().MODERATION_LINK_TTL_HOURS) * 3600 } satisfies LinkClaims)).toString('base64url');
  return `${payload}.${sign(payload)}`;
}

export function readCode(code: string, now = Date.now()): { transferUuid: string; moderator: string } {
  const [payload, signature, extra] = code.split('.');
  if (!payload || !signature || extra !== undefined || !equalsConstantTime(signature, sign(payload))) throw fail('bad_link', 'this approval link is not valid');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as LinkClaims;
  if (claims.e * 1000 <= now) throw fail('link_expired', 'this approval link has expired');
  return { transferUuid: claims.t, moderator: claims.m };
}

export const moderators = () =>
  moderationConfig()
    .MODERATORS.split(',')
    .map((m) => m.trim())
    .filter(Boolean);

const tokens = (v: bigint) => formatUnits(v, TOKEN_DECIMALS);

/** The mails for one pending transfer: one per moderator, each with its own links. */
export function moderationMails(t: CoinTransfer): { to: string; subject: string; text: string }[] {
  const base = coreConfig().PUBLIC_BASE_URL;
  return moderators().map((to) => {
    const code = moderationCode(t.uuid, to);
    return {
      to,
      subject: `Transfer to approve: ${tokens(t.coins)} coins to ${t.address}`,
      text: [
        `User ${t.user} asks to transfer ${tokens(t.coins)} coins (fee ${tokens(t.fee)}) to ${t.address}.`,
        `Requested ${t.ts}, id ${transactionRequestId(t.uuid)}.`,
        '',
        `Approve: ${base}/user/ethereum/transfer/${code}/approve`,
        `Reject:  ${base}/user/ethereum/transfer/${code}/reject`,
        '',
        'Each link opens a confirmation page; nothing is decided until you confirm there.',
      ].join('\n'),
    };
  });
}

/** Moderators are compared by email, in any letter case. */
const isModerator = (email: string) => moderators().some((m) => m.toLowerCase() === email.toLowerCase());

async function transferFor(code: string) {
  const { transferUuid, moderator } = readCode(code);
  if (!isModerator(moderator)) throw fail('moderator_removed', 'this approval link is no longer valid: its moderator is no longer on the moderators list');
  const t = await coinTransferDecisions.get(transferUuid);
  if (!t) throw fail('bad_link', 'this approval link is not valid');
  return { t, moderator };
}

const details = (t: CoinTransfer) =>
  `<table><tr><th>User</th><td>${escapeHtml(t.user)}</td></tr><tr><th>To</th><td><code>${escapeHtml(t.address)}</code></td></tr>
<tr><th>Coins</th><td>${escapeHtml(tokens(t.coins))}</td></tr><tr><th>Fee</th><td>${escapeHtml(tokens(t.fee))}</td></tr><tr><th>Requested</th><td>${escapeHtml(t.ts)}</td></tr></table>`;

function decidedPage(t: CoinTransfer & { decidedBy?: string; decidedAt?: string }): string {
  return page('Already decided', `<h1>This transfer was ${escapeHtml(t.status === 'rejected' ? 'rejected' : 'approved')}</h1>${details(t)}<p>By ${escapeHtml(t.decidedBy ?? '?')} at ${escapeHtml(t.decidedAt ?? '?')}.</p>`);
}

/** GET: a confirmation page only (prefetching scanners decide nothing). */
export async function confirmationPage(code: string, decision: Decision): Promise<string> {
  const { t } = await transferFor(code);
  if (t.status !== 'pending') return decidedPage(t);
  const verb = decision === 'approve' ? 'Approve' : 'Reject';
  return page(
    `${verb} transfer`,
    `<h1>${verb} this transfer?</h1>${details(t)}
<form method="post"><button type="submit"${decision === 'reject' ? ' style="background:#b91c1c"' : ''}>${verb}</button></form>`,
  );
}

/** POST: the decision, once. */
export async function decide(code: string, decision: Decision): Promise<{ status: 'approved' | 'rejected'; decidedBy: string; decidedAt: string; first: boolean; html: string }> {
  const { t, moderator } = await transferFor(code);
  const decidedAt = new Date().toISOString();
  const user = accountIds.userCoins(t.user);
  const hold = accountIds.coinsHold(t.uuid);
  try {
    if (decision === 'reject') {
      await transactWrite([
        coinTransferDecisions.decideItem(t.uuid, 'rejected', { decidedBy: moderator, decidedAt }),
        ...entryItems({ idempotencyKey: `coins-reject:${t.uuid}`, kind: 'coins-transfer-reject', postings: [{ account: hold, amount: -(t.coins + t.fee) }, { account: user, amount: t.coins + t.fee }] }),
        withdrawalReversalItem(t.user, t.coins + t.fee, new Date(t.ts)),
      ]);
    } else {
      const unit = sha256Base64(`coins-transfer|${t.uuid}`);
      const payout: Payout = {
        unit,
        network: 'main',
        kind: 'chain',
        status: 'PENDING',
        destination: t.address,
        amount: t.coins,
        account: hold,
        refundAccount: user,
        withdrawalOf: t.user,
        withdrawalAt: t.ts,
        source: `coins-transfer:${t.uuid}`,
        createdAt: decidedAt,
        updatedAt: decidedAt,
      };
      await transactWrite([
        coinTransferDecisions.decideItem(t.uuid, 'approved', { decidedBy: moderator, decidedAt, payoutUnit: unit }),
        payoutsRepo.putNewItem(payout),
        ...(t.fee > 0n
          ? entryItems({ idempotencyKey: `coins-fee:${t.uuid}`, kind: 'coins-transfer-fee', postings: [{ account: hold, amount: -t.fee }, { account: accountIds.coinsFees(), amount: t.fee }] })
          : []),
      ]);
    }
  } catch (err) {
    if (!(err instanceof TransferDecidedError)) throw err;
    const now = (await coinTransferDecisions.get(t.uuid))!;
    return { status: now.status as 'approved' | 'rejected', decidedBy: now.decidedBy ?? '?', decidedAt: now.decidedAt ?? '?', first: false, html: decidedPage(now) };
  }
  const status = decision === 'approve' ? 'approved' : 'rejected';
  return {
    status,
    decidedBy: moderator,
    decidedAt,
    first: true,
    html: page('Decided', `<h1>Transfer ${status}</h1>${details(t)}<p>${decision === 'approve' ? 'The coins are being sent on chain.' : 'The coins were returned to the user.'}</p>`),
  };
}
