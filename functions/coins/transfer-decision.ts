/** GET|POST /user/ethereum/transfer/{code}/approve|reject: GET confirms (prefetch-safe), POST decides once. */
import { coreConfig, linksConfig, moderationConfig } from '../../lib/config/index.js';
import { confirmationPage, decide } from '../../lib/coins/moderation.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';
import { ApiError } from '../../lib/http/errors.js';
import { escapeHtml, page } from '../../lib/http/html.js';

coreConfig();
linksConfig();
moderationConfig();

export const handler = httpHandler(paymentsFamily, async (req) => {
  const code = req.path.code ?? '';
  const decision = (req.event.rawPath ?? '').endsWith('/reject') ? 'reject' : 'approve';
  try {
    if (req.event.requestContext?.http?.method === 'POST') return { html: (await decide(code, decision)).html };
    return { html: await confirmationPage(code, decision) };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) return { status: err.status, html: page('Link not usable', `<h1>Link not usable</h1><p class="error">${escapeHtml(err.message)}</p>`) };
    throw err;
  }
});
