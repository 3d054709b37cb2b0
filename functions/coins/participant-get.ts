/** GET /payments-service/participants/current/ethereum (participant ticket): the participant's Ethereum account. */
import { participantEthereum } from '../../lib/coins/index.js';
import { participantAccountSchema, ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/participants/current/ethereum',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "The participant's Ethereum account",
  response: participantAccountSchema,
  responseExample: { address: '0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed' },
  errors: ticketErrors({ 403: 'Not a participant ticket' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await participantEthereum(caller.participant) }));
