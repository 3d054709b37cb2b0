/** POST /payments-service/rewards/credit (system role; beyond the contract): a participant's reward to a user, once per ref. */
import { creditReward } from '../../lib/coins/rewards.js';
import { rewardCreditedSchema, rewardCreditSchema } from '../../lib/coins/schema.js';
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/rewards/credit',
  family: paymentsFamily,
  auth: systemRole,
  summary: "Credit a participant's reward to a user (system role; not in the contract)",
  description:
    "Moves `coins` from the participant's deposit coins to the user's coins in one ledger transaction, with the participant's rewards usage of the day (billed at its plan's coin rate) and the user's earnings of the month (what withdrawals may take). The same `ref` credits once: a retry answers `credited: false` and moves nothing; the ref with another participant, user or amount is a 409. The admin CLI does the same: `npm run admin -- coins reward --user URN --coins N --participant URN --ref R`.",
  body: rewardCreditSchema,
  requestExample: { participant: 'urn:authenticateit:participant:novastore', user: 'urn:authenticateit:user:email:saver@rewards.local', coins: '25000000000000000000', ref: 'order-10422' },
  response: rewardCreditedSchema,
  responseExample: { credited: true, participant: 'urn:authenticateit:participant:novastore', user: 'urn:authenticateit:user:email:saver@rewards.local', coins: '25000000000000000000', ref: 'order-10422' },
  errors: {
    400: 'A bad body (payments-bad_<field>)',
    401: 'Missing, invalid or expired ticket',
    403: 'Not a system ticket (payments-not_system)',
    409: 'The ref was used for a reward of another participant, user or amount (payments-reward_ref_reused)',
    422: "The participant's deposit coins cannot cover the reward (payments-insufficient_coins)",
  },
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ body }) => {
  const { participant, user, coins, ref } = body;
  const { credited } = await creditReward({ participant, user, coins, idempotencyKey: ref });
  return { body: { credited, participant, user, coins: coins.toString(), ref } };
});
