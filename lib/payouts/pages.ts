/** HTML for the textcoin claim flow. */
import { escapeHtml, page } from '../html.js';
import type { Payout } from './repository.js';
import { displayAmount, isExpired, type ClaimResult } from './index.js';

export function messagePage(title: string, message: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(message)}</p>`);
}

export function textcoinPage(code: string, p: Payout): string {
  const amount = `<p class="amount">${escapeHtml(displayAmount(p))} tokens</p>`;
  if (p.status === 'CLAIMED') return page('Cashback claimed', `<h1>Cashback claimed</h1>${amount}<p>Sent to <code>${escapeHtml(p.claimedBy)}</code>.</p>`);
  if (p.status === 'RECLAIMED' || isExpired(p)) return page('Link expired', `<h1>This cashback link has expired</h1>${amount}<p class="muted">Unclaimed cashback returns to the program after it expires.</p>`);
  return page(
    'Claim your cashback',
    `<h1>Claim your cashback</h1>${amount}
<form method="post" action="/textcoin/${escapeHtml(code)}">
<label for="address">Your Ethereum address</label>
<input id="address" name="address" required pattern="0x[0-9a-fA-F]{40}" placeholder="0x..." autocomplete="off">
<button type="submit">Claim</button></form>
<p class="muted">Expires ${escapeHtml(p.claimExpiresAt)}.</p>`,
  );
}

export function claimedPage(c: ClaimResult): string {
  return page('Cashback claimed', `<h1>Cashback claimed</h1><p class="amount">${escapeHtml(displayAmount(c))} tokens</p><p>On its way to <code>${escapeHtml(c.address)}</code>.</p>`);
}
