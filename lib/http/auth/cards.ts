/** Cashback cards: the app (X-App-Id + X-Api-Key with a scope) and, for member actions, the member's token. */
import { authenticateApp, verifyMember, type AppCaller } from '../../cards/auth.js';
import type { Scope } from '../../cards/repository/apps.js';
import { header } from '../body.js';
import type { AuthScheme } from '../route.js';

const appSchemes = {
  appId: { type: 'apiKey', in: 'header', name: 'X-App-Id', description: 'Cashback cards API: the app id.' },
  apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Cashback cards API: a key of the app; each key has scopes (cashback_read, cashback_write, card_read).' },
};

export const appKey = (scope: Scope): AuthScheme<AppCaller> => ({
  kind: 'appKey',
  scope,
  security: [{ appId: [], apiKey: [] }],
  securitySchemes: appSchemes,
  authenticate: (req) => authenticateApp(header(req.headers, 'x-app-id'), header(req.headers, 'x-api-key'), scope),
});

export interface MemberCaller {
  app: AppCaller;
  memberId: number;
  /** When the member token was issued by its OTP verification (epoch ms), when it says. */
  tokenIssuedAt?: number;
}

/** The app's key and the member's X-Member-Token (issued after an OTP). */
export const memberToken = (scope: Scope): AuthScheme<MemberCaller> => ({
  kind: 'memberToken',
  scope,
  security: [{ appId: [], apiKey: [], memberToken: [] }],
  securitySchemes: {
    ...appSchemes,
    memberToken: { type: 'apiKey', in: 'header', name: 'X-Member-Token', description: 'Member token from POST /api/v1/cashback/members/otp/verify.' },
  },
  authenticate: async (req) => {
    const app = await authenticateApp(header(req.headers, 'x-app-id'), header(req.headers, 'x-api-key'), scope);
    const { memberId, issuedAt } = verifyMember(header(req.headers, 'x-member-token'), app.appId);
    return { app, memberId, tokenIssuedAt: issuedAt };
  },
});
