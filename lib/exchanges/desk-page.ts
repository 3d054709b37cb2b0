/**
 * The moderation desk: one page for moderators to review and decide Coinbase and Poloniex transfers from a
 * phone or a desk. The page itself holds no data and needs no credential to load: its script calls the system
 * routes (transfer/get, transfer/limits, transfer/approve|reject) with the moderator's system ticket, which the
 * moderator pastes or opens the page with as `#ticket=...` (a URL fragment never reaches a server or a log), and
 * which stays in the tab's sessionStorage only. The script is inline and allowed by its hash alone, builds the
 * page with text nodes (nothing from an answer is ever parsed as HTML), and asks for one confirmation per decision.
 */
import { page, pageHeaders } from '../html.js';

const DESK_SCRIPT = `(() => {
  const KEY = 'moderation-desk-ticket';
  const $ = (id) => document.getElementById(id);
  const el = (tag, props, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v; else if (k.startsWith('data-')) e.setAttribute(k, v); else e[k] = v;
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : String(c));
    return e;
  };
  const coins = (wei) => {
    if (wei === null || wei === undefined) return '-';
    const v = BigInt(wei), unit = 10n ** 18n, whole = v / unit, frac = (v % unit).toString().padStart(18, '0').replace(/0+$/, '');
    return frac ? whole + '.' + frac.slice(0, 8) : String(whole);
  };
  const when = (ts) => ts ? ts.replace('T', ' ').replace('Z', ' UTC') : '-';
  let ticket = null;

  const hash = new URLSearchParams(location.hash.slice(1));
  if (hash.get('ticket')) {
    sessionStorage.setItem(KEY, hash.get('ticket'));
    history.replaceState(null, '', location.pathname + location.search);
  }
  ticket = sessionStorage.getItem(KEY);

  async function api(path, body) {
    const res = await fetch(path, { method: 'POST', headers: { 'content-type': 'application/json', authenticateit_identity_ticket: ticket }, body: JSON.stringify(body) });
    const answer = await res.json().catch(() => ({}));
    if (res.status === 401 || res.status === 403) { signOut(answer.error || 'This ticket cannot moderate.'); throw new Error('refused'); }
    if (!res.ok) throw new Error(answer.error || ('HTTP ' + res.status));
    return answer;
  }

  function say(text, kind) { const m = $('message'); m.textContent = text; m.className = kind || 'muted'; m.setAttribute('data-kind', kind || 'info'); }

  function signOut(why) {
    ticket = null; sessionStorage.removeItem(KEY);
    $('signin').hidden = false; $('desk').hidden = true;
    say(why, 'error');
  }

  $('signin').addEventListener('submit', (e) => {
    e.preventDefault();
    ticket = $('ticket').value.trim();
    if (!ticket) return;
    sessionStorage.setItem(KEY, ticket);
    $('ticket').value = '';
    start();
  });
  $('signout').addEventListener('click', () => signOut('Signed out.'));
  $('show').addEventListener('change', () => load());
  $('refresh').addEventListener('click', () => load());

  function start() { $('signin').hidden = true; $('desk').hidden = false; load(); }

  async function load() {
    const show = $('show').value;
    say('Loading…');
    let answer;
    try {
      answer = await api('/payments-service/transfer/get', show === 'pending' ? { status: ['pending'], order_type: 'asc', limit: 100 } : { order_type: 'desc', limit: 100 });
    } catch (err) { if (err.message !== 'refused') say('Could not load the transfers: ' + err.message, 'error'); return; }
    const list = $('transfers');
    list.replaceChildren();
    say(answer.count === 0 ? (show === 'pending' ? 'No transfer is waiting for a decision.' : 'No transfers.') : answer.count + (show === 'pending' ? ' waiting, oldest first' : ' transfers, newest first') + (answer.count > answer.data.length ? ' (the first ' + answer.data.length + ' shown)' : '') + '.');
    for (const row of answer.data) {
      const who = row.user_email || row.user_id;
      const name = [row.first_name, row.last_name].filter(Boolean).join(' ');
      const item = el('li', { class: 'transfer', 'data-id': row.id, 'data-status': row.status },
        el('div', { class: 'head' }, el('strong', {}, coins(row.coins_amount) + ' coins'), ' to ' + row.type + ' ', el('span', { class: 'badge ' + row.status }, row.status.replace('_', ' '))),
        el('div', { class: 'muted' }, (name ? name + ' · ' : '') + who),
        el('div', { class: 'muted' }, (row.account_email || row.account_address || row.account_number) + (row.aud_amount !== null ? ' · A$' + row.aud_amount : '') + ' · ' + when(row.ts)),
        el('div', { class: 'review' }));
      const open = el('button', { type: 'button', class: 'secondary open' }, 'Review');
      open.addEventListener('click', () => { open.textContent = 'Review again'; review(item, row); });
      item.append(open);
      list.append(item);
    }
  }

  function dl(pairs) {
    const d = el('dl');
    for (const [k, v] of pairs) d.append(el('dt', {}, k), el('dd', {}, v === null || v === undefined || v === '' ? '-' : v));
    return d;
  }

  async function review(item, row) {
    const box = item.querySelector('.review');
    box.replaceChildren(el('p', { class: 'muted' }, 'Loading the review…'));
    let r;
    try { r = await api('/payments-service/transfer/limits', { id: row.id }); } catch (err) { if (err.message !== 'refused') box.replaceChildren(el('p', { class: 'error' }, err.message)); return; }
    const q = r.request, l = r.limits, u = r.user;
    const account = q.account.email || q.account.address || q.account.id;
    box.replaceChildren(
      el('h3', {}, 'Request'),
      dl([['Account', account], ['Coins', coins(q.coins)], ['Fee', coins(q.fee.fee_coins) + ' coins'], ['Balance when asked', coins(q.profile_coins)], ['Asked', when(q.ts)], ['Decision', q.status.replace('_', ' ') + (q.moderator_id ? ' by ' + q.moderator_id + ' at ' + when(q.status_ts) : '')]]),
      el('h3', {}, 'User'),
      dl([['Name', [u.first_name, u.last_name].filter(Boolean).join(' ')], ['Email', u.email], ['Phone', u.phone], ['Id', u.id], ['Country', u.country], ['Level', u.level]]),
      el('h3', {}, 'Limits this month'),
      dl([['This request', l.record_value + ' ' + l.currency.toUpperCase()], ['Withdrawn in the month', l.history_value + ' ' + l.currency.toUpperCase()], ['Level limit', l.max_level_value + (l.boosted_value ? ' + ' + l.boosted_value + ' boost' : '') + ' (at most ' + l.total_max_level_value + ')'], ['Month', when(l.ts_from) + ' to ' + when(l.ts_to)]]),
      el('h3', {}, 'Latest withdrawals'),
      r.history.length === 0 ? el('p', { class: 'muted' }, 'None.') : el('ul', { class: 'history' }, ...r.history.map((h) => el('li', {}, h.type + ' · ' + coins(h.coins) + ' coins · ' + h.status + ' · ' + when(h.ts)))),
    );
    if (q.status !== 'pending') return;
    const decide = (decision) => {
      const confirmBox = el('div', { class: 'confirm', 'data-decision': decision },
        el('p', {}, (decision === 'approve' ? 'Approve: send ' : 'Reject: return ') + coins(q.coins) + ' coins ' + (decision === 'approve' ? 'to ' + account + '?' : 'and the fee to the user?')));
      const yes = el('button', { type: 'button', class: decision === 'approve' ? 'approve confirm-yes' : 'reject confirm-yes' }, decision === 'approve' ? 'Yes, approve' : 'Yes, reject');
      const no = el('button', { type: 'button', class: 'secondary confirm-no' }, 'Cancel');
      no.addEventListener('click', () => { confirmBox.remove(); buttons.hidden = false; });
      yes.addEventListener('click', async () => {
        yes.disabled = true; no.disabled = true;
        try {
          await api('/payments-service/transfer/' + decision, { id: row.id });
          const after = await api('/payments-service/transfer/limits', { id: row.id });
          const s = after.request.status;
          const mine = (s === 'manual_approved' && decision === 'approve') || (s === 'manual_rejected' && decision === 'reject');
          const d = $('decision');
          d.textContent = (mine ? (decision === 'approve' ? 'Approved: the transfer is being sent.' : 'Rejected: the coins are back with the user.') : 'Another moderator decided first: ' + s.replace('_', ' ') + '.') + ' (' + coins(q.coins) + ' coins, ' + (u.email || u.id) + ')';
          d.className = mine ? 'done' : 'error';
          d.setAttribute('data-decided', row.id);
          load();
        } catch (err) { if (err.message !== 'refused') { confirmBox.append(el('p', { class: 'error' }, err.message)); no.disabled = false; } }
      });
      confirmBox.append(yes, no);
      buttons.hidden = true;
      box.append(confirmBox);
    };
    const approve = el('button', { type: 'button', class: 'approve' }, 'Approve');
    const reject = el('button', { type: 'button', class: 'reject' }, 'Reject');
    approve.addEventListener('click', () => decide('approve'));
    reject.addEventListener('click', () => decide('reject'));
    const buttons = el('div', { class: 'actions' }, approve, reject);
    box.append(buttons);
  }

  if (ticket) start();
})();`;

export const DESK_PAGE_HEADERS = pageHeaders([DESK_SCRIPT]);

const DESK_STYLE = `<style>
ul{list-style:none;padding:0}.transfer{border:1px solid #ddd;border-radius:.5rem;padding:.8rem;margin:.8rem 0;overflow-wrap:anywhere}
.badge{font-size:.8rem;padding:.1rem .4rem;border-radius:.3rem;background:#eee}.badge.pending{background:#fef3c7}
.badge.manual_approved,.badge.auto_approved{background:#dcfce7}.badge.manual_rejected{background:#fee2e2}
button.secondary{background:#e5e7eb;color:#111}button.approve{background:#15803d}button.reject{background:#b91c1c}
.actions{display:flex;gap:.5rem}.confirm{border-top:1px solid #ddd;margin-top:.8rem}.done{color:#15803d}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem .8rem;margin:.3rem 0}dt{color:#555}dd{margin:0;word-break:break-all}
h3{font-size:1rem;margin:.9rem 0 .2rem}.toolbar{display:flex;gap:.5rem;align-items:center}.toolbar select{flex:1;padding:.6rem;font-size:1rem}
.toolbar button{width:auto;margin:0;padding:.6rem .9rem}
</style>`;

export function deskPage(): string {
  return page(
    'Moderation desk',
    `${DESK_STYLE}<h1>Moderation desk</h1>
<p id="message" class="muted" data-kind="info" role="status">Coinbase and Poloniex transfers waiting for a moderator.</p>
<form id="signin" autocomplete="off"><label for="ticket">System ticket</label><input id="ticket" type="password" required placeholder="authenticateit_identity_ticket with the system role"><button type="submit">Open the desk</button>
<p class="muted">The ticket stays in this tab only. Opening the desk as <code>…/moderation/desk#ticket=&lt;ticket&gt;</code> signs in too.</p></form>
<section id="desk" hidden><p id="decision" role="status"></p><div class="toolbar"><select id="show" aria-label="Show"><option value="pending">Waiting for a decision</option><option value="all">All transfers</option></select><button type="button" id="refresh" class="secondary">Refresh</button><button type="button" id="signout" class="secondary">Sign out</button></div>
<ul id="transfers"></ul></section>
<script>${DESK_SCRIPT}</script>`,
  );
}
