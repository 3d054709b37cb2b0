/** GET /payments-service/moderation/desk: the moderators' page for Coinbase and Poloniex transfers (its script calls the system routes with the moderator's ticket). */
import { DESK_PAGE_HEADERS, deskPage } from '../../lib/exchanges/desk-page.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';
import { errorPage } from '../../lib/html.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/moderation/desk',
  family: paymentsFamily,
  auth: publicRoute,
  summary: 'The moderation desk: review, approve and reject Coinbase and Poloniex transfers in a browser',
  description:
    'A page with no data of its own: it asks for a system ticket (or takes it from the `#ticket=` fragment, which no server sees), keeps it in the tab, and lists, reviews and decides transfers through transfer/get, transfer/limits and transfer/approve|reject. No external assets; scripts run by hash only.',
  html: true,
  htmlErrors: { when: 'always', page: errorPage },
  errors: {},
  uses: [],
});

export const handler = routeHandler(route, async () => ({ html: deskPage(), headers: DESK_PAGE_HEADERS }));
