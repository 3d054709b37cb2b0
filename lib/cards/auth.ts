/**
 * Who is calling the cards API: an app (X-App-Id + X-Api-Key, keys stored hashed, each with scopes)
 * and, for redeem, a member (X-Member-Token: a short-lived HMAC-signed token checked without a read).
 */
import { createHmac } from 'node:crypto';
import { ttlCache } from '../cache.js';
import { cardsConfig } from '../config/index.js';
import { appsRepo, type App, type Scope } from './repository/apps.js';
import { fail } from './failures.js';
import { equalsConstantTime, hashSecret, secretMatchesHash } from '../security/secrets.js';

export interface AppCaller {
  appId: string;
  keyId: string;
  scopes: Scope[];
}

const apps = ttlCache<string, App>(() => Number(cardsConfig().APP_CACHE_SECONDS) * 1000);
export const clearAppCache = () => apps.clear();

/** API keys look like `ck_<keyId>_<secret>`, so the key to check is found without trying every hash. */
export const apiKeyId = (apiKey: string) => /^ck_([A-Za-z0-9]{8})_[A-Za-z0-9_-]{20,}$/.exec(apiKey)?.[1];

/** The app of X-App-Id + X-Api-Key, when the key is the app's and has `scope`. */
export async function authenticateApp(appId: string | undefined, apiKey: string | undefined, scope: Scope): Promise<AppCaller> {
  if (!appId || !apiKey) throw fail('credentials_required', 'X-App-Id and X-Api-Key headers are required');
  const keyId = apiKeyId(apiKey);
  const app = keyId && appId.length <= 64 ? await apps.get(appId, () => appsRepo.get(appId)) : undefined;
  const key = app?.keys.find((k) => k.keyId === keyId);
  if (!app || !key || !secretMatchesHash(apiKey, key.hash)) throw fail('invalid_credentials', 'invalid X-App-Id or X-Api-Key');
  if (!key.scopes.includes(scope)) throw fail('insufficient_scope', `this API key lacks the ${scope} scope`, { required_scope: scope });
  return { appId, keyId: key.keyId, scopes: key.scopes };
}

// Member tokens: base64url(JSON payload) + "." + base64url(HMAC-SHA256), scoped to one app and member.
// Tokens are issued only by an OTP verification, so `iat` is when the member last proved the OTP (setting a PIN needs a recent one).
interface MemberClaims {
  typ: 'member';
  app: string;
  mid: number;
  iat?: number;
  exp: number;
}

export interface VerifiedMember {
  memberId: number;
  /** When the token was issued (epoch ms): the OTP verification that issued it; undefined for tokens issued without `iat`. */
  issuedAt?: number;
}

const sign = (payload: string) => createHmac('sha256', cardsConfig().MEMBER_TOKEN_SECRET).update(`member-token.${payload}`).digest('base64url');

export function issueMemberToken(appId: string, memberId: number, now = Date.now()): { token: string; expiresAt: string } {
  const iat = Math.floor(now / 1000);
  const exp = iat + Number(cardsConfig().MEMBER_TOKEN_TTL_SECONDS);
  const payload = Buffer.from(JSON.stringify({ typ: 'member', app: appId, mid: memberId, iat, exp } satisfies MemberClaims)).toString('base64url');
  return { token: `${payload}.${sign(payload)}`, expiresAt: new Date(exp * 1000).toISOString() };
}

/** The member id of a valid X-Member-Token for this app. */
export const verifyMemberToken = (token: string | undefined, appId: string, now = Date.now()): number => verifyMember(token, appId, now).memberId;

/** The member of a valid X-Member-Token for this app, and when the token was issued. */
export function verifyMember(token: string | undefined, appId: string, now = Date.now()): VerifiedMember {
  if (!token) throw fail('member_auth_required', 'X-Member-Token header is required: verify the member with an OTP first');
  const [payload, signature, extra] = token.split('.');
  if (!payload || !signature || extra !== undefined || !equalsConstantTime(signature, sign(payload))) throw fail('invalid_member_token', 'invalid member token');
  let claims: MemberClaims;
  try {
    claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as MemberClaims;
  } catch {
    throw fail('invalid_member_token', 'invalid member token');
  }
  if (claims.typ !== 'member' || claims.app !== appId) throw fail('invalid_member_token', 'this member token belongs to another app');
  if (claims.exp * 1000 <= now) throw fail('member_token_expired', 'the member token has expired: verify the member again');
  return { memberId: claims.mid, issuedAt: typeof claims.iat === 'number' ? claims.iat * 1000 : undefined };
}

/** PINs are short, so their hash is keyed (HMAC with a server secret) and bound to the member; lockout stops guessing. */
export const pinHash = (memberId: number, pin: string) => hashSecret(createHmac('sha256', cardsConfig().MEMBER_CODE_SECRET).update(`pin.${memberId}.${pin}`).digest('hex'));

export const otpHash = (appId: string, memberId: number, code: string) =>
  createHmac('sha256', cardsConfig().MEMBER_CODE_SECRET).update(`otp.${appId}.${memberId}.${code}`).digest('hex');
