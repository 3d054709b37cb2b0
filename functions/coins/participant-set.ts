/** PUT /payments-service/participants/current/ethereum (participant ticket): sets or clears the participant's Ethereum account. */
import { setParticipantEthereum } from '../../lib/coins/index.js';
import { INVALID_BODY, participantAccountSchema, participantEthereumSchema, ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'PUT',
  path: '/payments-service/participants/current/ethereum',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "Set (checksummed) or clear (null) the participant's Ethereum account",
  description: 'Refused (409 payments-transfers_in_flight) while transfers requested with this ticket are pending or settling.',
  body: participantEthereumSchema,
  requestExample: { address: null },
  response: participantAccountSchema,
  responseExample: { address: null },
  errors: ticketErrors({ 400: INVALID_BODY, 403: 'Not a participant ticket', 409: 'Transfers in flight' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await setParticipantEthereum(caller.participant, body, caller.claims.sub) }));
