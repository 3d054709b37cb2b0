/** GET /payments-service/retail_connect/v1/code: the user's level info at a participant, and with a store card a code for a terminal. */
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { levelAndCode } from '../../lib/retail/level-code.js';
import { levelCodeAnswerSchema, levelCodeQuerySchema } from '../../lib/retail/session-schema.js';

export const route = defineRoute({
  method: 'GET',
  path: '/payments-service/retail_connect/v1/code',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Retail connect: the user’s level info, and a code for a store terminal',
  description:
    'The contract gives "Get user level info" and "Generate code" the same method and path; this one route answers both. Give `participant_id`, `code` (one of your codes) or `card_id` (one of your store cards): the answer is your level info at that participant (counters, the next level’s rules with `pass` and `user_value`, your level and rebate). With `card_id` it also carries `code`: opaque, single-use, valid RETAIL_CODE_SECONDS (5 minutes), bound to you, the card and its participant; show it to the store terminal, which starts a session with it.',
  query: levelCodeQuerySchema,
  response: levelCodeAnswerSchema,
  errors: {
    400: 'None of participant_id, code, card_id (payments-retail_bad_level_request), or a code that is not yours (payments-retail_bad_code)',
    401: 'Missing, invalid or expired ticket',
    404: 'No such store card of yours (payments-retail_card_not_found), or no loyalty program (payments-retail_program_not_found)',
    410: 'An expired code (payments-retail_code_expired)',
  },
  uses: ['identity', 'retail', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ caller, query }) => ({ body: await levelAndCode(caller.sub, query) }));
