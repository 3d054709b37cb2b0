/** GET /payments-service/participants/deposit/ethereum (participant ticket): where the participant deposits coins, and its coins. */
import { participantDepositSettings } from '../../lib/coins/index.js';
import { participantDepositSchema, ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/participants/deposit/ethereum',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "The participant's deposit settings: its deposit address and the coins credited there",
  response: participantDepositSchema,
  responseExample: { address: '0x3d74e50Fb155f32d2A477F9068B30C2B28377f8e', unlimited_coins: false, coins: '1250000000000000000000', fee: null },
  errors: ticketErrors({ 403: 'Not a participant ticket' }),
  uses: ['identity', 'deposit'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await participantDepositSettings(caller.participant) }));
