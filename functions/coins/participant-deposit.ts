/** GET /payments-service/participants/deposit/ethereum (participant ticket): where the participant deposits coins, and its coins. */
import { coreConfig, depositConfig, identityConfig } from '../../lib/config/index.js';
import { participantDepositSettings, requireParticipant, requireTicket } from '../../lib/coins/index.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { httpHandler } from '../../lib/http/handler.js';

coreConfig();
identityConfig();
depositConfig();

export const handler = httpHandler(paymentsFamily, async (req) => ({ body: await participantDepositSettings(requireParticipant(requireTicket(req.headers))) }));
