/** GET /docs: the API reference as a page, rendered from the OpenAPI document (no external assets). */
import { docsPage } from '../../lib/docs/page.js';
import { platformFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

const html = docsPage();

export const handler = httpHandler(platformFamily, async () => ({ html }));
