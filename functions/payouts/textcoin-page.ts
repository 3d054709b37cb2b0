/** GET /textcoin/{code}: the page a customer opens from the cashback email. */
import { coreConfig, linksConfig } from '../../lib/config/index.js';
import { ApiError } from '../../lib/http/errors.js';
import { platformFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';
import { textcoinPage, messagePage } from '../../lib/payouts/pages.js';
import { textcoinByCode } from '../../lib/payouts/index.js';

coreConfig();
linksConfig();

export const handler = httpHandler(platformFamily, async (req) => {
  const code = req.path.code ?? '';
  try {
    return { html: textcoinPage(code, await textcoinByCode(code)) };
  } catch (err) {
    if (err instanceof ApiError && err.status < 500) return { status: err.status, html: messagePage('Claim link', err.message) };
    throw err;
  }
});
