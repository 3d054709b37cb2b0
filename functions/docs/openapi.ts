/** GET /openapi.json */
import { openApiDocument } from '../../lib/docs/openapi.js';
import { platformFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

const document = openApiDocument();

export const handler = httpHandler(platformFamily, async () => ({ body: document }));
