/** POST /payments-service/withdrawal/profile (system role; beyond the contract): sets a user's country, level, karma or booster. */
import { systemRole } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { amountTextOf } from '../../lib/ledger/money.js';
import { profileView } from '../../lib/withdrawals/index.js';
import { setProfile } from '../../lib/withdrawals/profiles.js';
import { profileSetSchema, profileViewSchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/withdrawal/profile',
  family: paymentsFamily,
  auth: systemRole,
  summary: "Set a user's withdrawal profile (system role; not in the contract)",
  description:
    'Fields left out keep their value (or the configured default). A karma update locks withdrawals when it falls below KARMA_VALUE_LOCK_BEFORE and unlocks them only once it reaches KARMA_VALUE_UNLOCK. The answer is the profile as stored.',
  body: profileSetSchema,
  requestExample: { user: 'urn:authenticateit:user:3f7c9a2e', country: '036', level: 'bronze', karma: 80, booster: 1.5 },
  response: profileViewSchema,
  responseExample: { user: 'urn:authenticateit:user:3f7c9a2e', country: '036', level: 'bronze', karma: 80, booster: 1.5, karma_value_withdrawal_enabled: true, updated_at: '2026-01-05T10:00:00Z' },
  errors: {
    400: 'Bad body, a country without a coin currency, or an unknown level (payments-bad_<field>, payments-bad_profile, payments-unknown_level)',
    401: 'Missing, invalid or expired ticket',
    403: 'Not a system ticket (payments-not_system)',
  },
  uses: ['identity', 'withdrawals'],
});

export const handler = routeHandler(route, async ({ body }) => {
  const { user, country, level, karma, booster } = body;
  const profile = await setProfile(user, {
    ...(country !== undefined ? { country } : {}),
    ...(level !== undefined ? { level } : {}),
    ...(karma !== undefined ? { karma: amountTextOf(karma)! } : {}),
    ...(booster !== undefined ? { booster: amountTextOf(booster)! } : {}),
  });
  return { body: profileView(profile) };
});
