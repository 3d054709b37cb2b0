/** GET /payments-service/withdrawal/earnings/statement (identity ticket): earned and withdrawn by month, with the running balance. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { earningsStatement } from '../../lib/withdrawals/index.js';
import { earningsStatementSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/withdrawal/earnings/statement',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your earnings statement: coins earned and withdrawn per month, and the balance after each',
  description:
    'One entry per month (calendar month in WITHDRAWAL_TIMEZONE) with an earning (a reward, a deposit) or a withdrawal, oldest first. balance: everything earned minus everything withdrawn up to the end of that month; balance_ts and balance_type: the month\'s last earning or withdrawal and which it was.',
  response: earningsStatementSchema,
  responseExample: {
    result: [
      { balance: '830000000000000000000', balance_ts: '2022-08-21T02:08:43Z', balance_type: 'earnings', earn_coins: '830000000000000000000', month: 8, period: '2022-08', transfer_coins: 0, year: 2022 },
      { balance: '424376000000000004096', balance_ts: '2022-09-21T02:08:43Z', balance_type: 'transfers', earn_coins: '4444000000000000000000', month: 9, period: '2022-09', transfer_coins: '4849623999999999995904', year: 2022 },
    ],
  },
  errors: ticketErrors(),
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller }) => ({ body: await earningsStatement(caller.sub) }));
