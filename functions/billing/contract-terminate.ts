/** GET /participants/{id}/contract/terminate (identity ticket: the participant itself or the system role): ends the participant's contract. */
import { billingCaller, terminateContract } from '../../lib/billing/accounts.js';
import { billingPlanViewSchema, participantPathSchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/participants/{id}/contract/terminate',
  family: paymentsFamily,
  auth: identityTicket,
  summary: "Terminate a participant's contract",
  description:
    "Ends the contract of participant `id` when the billing plan says `terminate_available`: not yet terminated and past the plan's commitment period. Only a ticket of that participant or one with the system role may. A paid plan runs to the end of its paid period and is not renewed: on that day the rewards coins used in the period are charged and the participant moves to the `basic` plan. On the trial or the `basic` plan the participant is on `basic` at once. Answers the billing plan (`contract.terminated` true). Refusals: `payments-terminate_unavailable` (409, `commitment_ends` when inside the commitment), `payments-not_your_participant` (403).",
  params: participantPathSchema,
  response: billingPlanViewSchema,
  responseExample: {
    card: null,
    contract: { from: '2025-07-11', terminate_available: false, terminated: true, to: '2026-08-24' },
    paid_from: '2026-07-24',
    paid_to: '2026-08-24',
    plan: 'light',
    trial: { status: false },
    updated_at: '2026-08-01T14:41:30Z',
    user_email: ['billing@example.com'],
  },
  errors: ticketErrors({
    400: 'Not a participant id (`payments-bad_id`)',
    403: 'Another participant, without the system role (`payments-not_your_participant`)',
    409: 'Already terminated, or inside the commitment period (`payments-terminate_unavailable`)',
  }),
  uses: ['identity', 'plans'],
});

export const handler = routeHandler(route, async ({ params, caller }) => ({ body: await terminateContract(billingCaller(caller), params.id) }));
