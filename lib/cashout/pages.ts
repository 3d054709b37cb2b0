/** The hosted claim page: provider, amount, a card form, then live progress until paid or failed. */
import { escapeHtml, page, pageHeaders } from '../html.js';
import type { Claim } from './repository.js';
import { publicStatus } from './claims.js';

const STATUS_TEXT: Record<string, string> = {
  pending: 'Waiting for your details.',
  submitted: 'Received: your payment is queued.',
  paying: 'Paying…',
  paid: 'Paid. The money is on its way to your card.',
  failed: 'The payment failed.',
  expired: 'This claim has expired.',
};

const amountLine = (c: Claim) => `<p class="muted">${escapeHtml(c.provider)} pays you</p><p class="amount">${escapeHtml(c.amount)}</p>`;

export function claimMessagePage(title: string, message: string, status = 'error'): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p class="${status}">${escapeHtml(message)}</p>`);
}

/** Polls the status endpoint (same origin). Its text is fixed: the page's CSP allows it by its hash. */
const PROGRESS_SCRIPT = `
(function(){var el=document.getElementById('status');var done={paid:1,failed:1,expired:1};
var text=${JSON.stringify(STATUS_TEXT)};
function poll(){fetch(location.pathname.replace(/\\/$/,'')+'/status',{cache:'no-store'}).then(function(r){return r.json()}).then(function(s){
el.dataset.status=s.status;el.textContent=text[s.status]+(s.status==='failed'&&s.response?' ('+s.response+')':'');if(!done[s.status])setTimeout(poll,1000);}).catch(function(){setTimeout(poll,2000);});}
if(!done[el.dataset.status])setTimeout(poll,500);})();
`;

/** The claim page's headers: its one inline script allowed by hash. */
export const CLAIM_PAGE_HEADERS = pageHeaders([PROGRESS_SCRIPT]);

function progress(c: Claim): string {
  return `<p id="status" data-status="${escapeHtml(publicStatus(c))}">${escapeHtml(statusText(publicStatus(c)))}</p>
<script>${PROGRESS_SCRIPT}</script>`;
}

const statusText = (s: string) => STATUS_TEXT[s]!;

export function claimPage(c: Claim, error?: string): string {
  const status = publicStatus(c);
  if (status === 'expired') return claimMessagePage('Claim expired', 'This cash-out link has expired. Ask for a new one in the app you came from.');
  if (status !== 'pending') {
    return page(status === 'paid' ? 'Paid' : 'Cash-out in progress', `<h1>${status === 'paid' ? 'Paid' : 'Your cash-out'}</h1>${amountLine(c)}${progress(c)}`);
  }
  return page(
    'Cash out',
    `<h1>Cash out</h1>${amountLine(c)}
${error ? `<p class="error" role="alert">${escapeHtml(error)}</p>` : ''}
<form method="post" action="/cashout/claim/${escapeHtml(c.uuid)}">
<label for="pan">Card number</label>
<input id="pan" name="pan" inputmode="numeric" autocomplete="cc-number" required pattern="[0-9]{16}|[0-9]{19}" placeholder="16 or 19 digits">
<label for="expDate">Expiry (YYMM)</label>
<input id="expDate" name="expDate" inputmode="numeric" autocomplete="off" required pattern="[0-9]{4}" placeholder="2812">
<label for="name">Name on the card</label>
<input id="name" name="name" autocomplete="cc-name" required>
<label for="mobile">Mobile number</label>
<input id="mobile" name="mobile" inputmode="tel" autocomplete="tel" required placeholder="+249912345678">
<button type="submit">Cash out</button></form>
<p class="muted">Expires ${escapeHtml(c.claimExpiresAt)}.</p>`,
  );
}
