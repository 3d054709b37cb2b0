/** GET /payments-service/participants/current/payment_history (participant ticket): the participant's plan payments, newest first. */
import { paymentHistory } from '../../lib/billing/history.js';
import { paymentHistorySchema } from '../../lib/billing/schema.js';
import { ticketErrors } from '../../lib/coins/schema.js';
import { participantTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/participants/current/payment_history',
  family: paymentsFamily,
  auth: participantTicket,
  summary: "The participant's payment history",
  description:
    "Every payment of the ticket's participant's plan (plan changes and monthly renewals), newest first: the card charged, the rows (the plan for its period, the rewards coins used in the period that ended at the plan's `coin_rate`, credits for the unused part of a plan cut short or carried from earlier payments), the amount charged (`summary_amount`, the rows' sum) and the status (`Payment successful`, `Payment failed: <why>`, `Payment in progress`). Amounts are major units with two decimals, as text.",
  response: paymentHistorySchema,
  responseExample: [
    {
      card_barnd: 'MasterCard',
      card_exp_month: 12,
      card_exp_year: 2029,
      card_last4: '8210',
      card_name: 'JANE DOE',
      currency: 'usd',
      rows: [
        { amount: '395.00', description: 'Selected plan - "pro". Paid period: from 2026-03-24 to 2026-04-24' },
        { amount: '20.00', description: 'Used rewards coins. Paid period: from 2026-02-24 to 2026-03-24' },
      ],
      status: 'Payment successful',
      summary_amount: '415.00',
      ts: '2026-03-24T21:10:03Z',
    },
  ],
  errors: ticketErrors({ 403: 'Not a participant ticket (`payments-no_participant`)' }),
  uses: ['identity'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await paymentHistory(caller.participant) }));
