/** Cash-out providers: `Authorization: Bearer <api_key>` issued at registration. */
import { authenticateProvider } from '../../cashout/providers.js';
import type { CashoutProvider } from '../../cashout/repository.js';
import { header } from '../body.js';
import type { AuthScheme } from '../route.js';

export const providerKey: AuthScheme<CashoutProvider> = {
  kind: 'providerKey',
  security: [{ providerKey: [] }],
  securitySchemes: { providerKey: { type: 'http', scheme: 'bearer', description: 'The API key issued by POST /cashout/register.' } },
  authenticate: (req) => authenticateProvider(/^Bearer\s+(\S+)$/i.exec(header(req.headers, 'authorization') ?? '')?.[1]),
};
