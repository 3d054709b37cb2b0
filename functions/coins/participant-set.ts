/** PUT /payments-service/participants/current/ethereum (identity ticket). */
import { coreConfig, identityConfig } from '../../lib/config/index.js';
import { requireParticipant, requireTicket, setParticipantEthereum } from '../../lib/coins/index.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();

export const handler = httpHandler(paymentsFamily, async (req) => {
  const claims = requireTicket(req.headers);
  return { body: await setParticipantEthereum(requireParticipant(claims), req.body, claims.sub) };
});
