/**
 * Users' connected Coinbase accounts. A user connects one with OAuth 2: `startCoinbaseConnect` keeps a
 * single-use `state` bound to the user and sends them to Coinbase's consent page; Coinbase sends them back to
 * `finishCoinbaseConnect` with a code, which is traded for tokens; the user's Coinbase profile (`GET /v2/user`) is
 * stored with the tokens sealed by the card vault (bound to user and Coinbase account). Disconnecting keeps the
 * record (transfers name it) but drops and revokes the tokens.
 *
 * `freshCoinbaseUser` is what a transfer asks before it sends: the profile read now with the access token,
 * refreshed first when it has expired (Coinbase spends a refresh token on use: the new pair is stored at once,
 * on the condition that no concurrent refresh stored one first).
 */
import { isoSeconds } from '../wire.js';
import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { coreConfig } from '../config/index.js';
import { ddb, queryAll, tableName } from '../db/client.js';
import { isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { envelopeFrom } from '../cashout/repository.js';
import { log } from '../log/index.js';
import { coinbaseTokens, open, seal, type Envelope } from '../security/card-vault.js';
import { coinbase, CoinbaseError, type CoinbaseTokens, type CoinbaseUser } from './coinbase.js';
import { fail } from './failures.js';
import type { CoinbaseAccountsAnswer, CoinbaseProfile } from './schema.js';

/** How long a consent may take: the state is refused after it. */
export const OAUTH_STATE_SECONDS = 600;
/** An access token this close to its expiry is refreshed before use. */
const REFRESH_MARGIN_MS = 60_000;

/** The contract's words for Coinbase failures (error_data `[]`). */
const COINBASE_MESSAGES = {
  coinbase_no_tokens_by_refresh_token: "Can't get tokens by refresh token.",
  coinbase_no_stored_tokens: 'Coinbase tokens has not been found.',
  coinbase_no_user_by_access_token: "Can't read user profile by access token.",
  coinbase_no_tokens_by_code: "Can't get tokens by code.",
} as const;
const coinbaseFail = (code: keyof typeof COINBASE_MESSAGES) => fail(code, COINBASE_MESSAGES[code], []);

export interface CoinbaseConnection {
  user: string;
  /** The Coinbase user id. */
  id: string;
  profile: CoinbaseProfile;
  active: boolean;
  /** Access and refresh token (one sealed JSON); absent once disconnected. */
  tokens?: Envelope;
  accessExpiresAt?: string;
  /** Bumped by every token change: a refresh stores its pair only over the version it read. */
  version: number;
  connectedAt: string;
  disconnectedAt?: string;
}

const PROFILE_FIELDS = ['name', 'username', 'profile_location', 'profile_bio', 'profile_url', 'avatar_url', 'email'] as const;

function connectionFrom(i: StoredItem): CoinbaseConnection {
  const what = `CoinbaseConnection ${String(i.user)} ${String(i.id)}`;
  const f = fields(i, what);
  const p = f.map('profile');
  const profile = {
    id: p.str('id'),
    resource: 'user' as const,
    resource_path: p.str('resource_path'),
    ...Object.fromEntries(PROFILE_FIELDS.map((k) => [k, p.optStr(k) ?? null])),
  } as CoinbaseProfile;
  const accessExpiresAt = f.optStr('accessExpiresAt');
  const disconnectedAt = f.optStr('disconnectedAt');
  return {
    user: f.str('user'),
    id: f.str('id'),
    profile,
    active: f.flag('active'),
    ...(i.tokens ? { tokens: envelopeFrom(f, 'tokens', what) } : {}),
    ...(accessExpiresAt ? { accessExpiresAt } : {}),
    version: f.int('version'),
    connectedAt: f.str('connectedAt'),
    ...(disconnectedAt ? { disconnectedAt } : {}),
  };
}

/** The profile as stored: Coinbase's user without our extras (nulls kept as Coinbase answers them). */
const profileOf = (u: CoinbaseUser): CoinbaseProfile => ({
  id: u.id,
  name: u.name,
  username: u.username,
  profile_location: u.profile_location,
  profile_bio: u.profile_bio,
  profile_url: u.profile_url,
  avatar_url: u.avatar_url,
  resource: 'user',
  resource_path: u.resource_path,
  email: u.email,
});

const sealTokens = (user: string, id: string, t: CoinbaseTokens) => seal(JSON.stringify({ access: t.accessToken, refresh: t.refreshToken }), coinbaseTokens(user, id));
const openTokens = async (c: CoinbaseConnection & { tokens: Envelope }) => JSON.parse(await open(c.tokens, coinbaseTokens(c.user, c.id))) as { access: string; refresh: string };

class StaleTokensError extends Error {}

export const coinbaseConnectionsRepo = {
  async get(user: string, id: string): Promise<CoinbaseConnection | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.coinbaseConnection(user, id), ConsistentRead: true }));
    return out.Item ? connectionFrom(out.Item) : undefined;
  },

  /** Every connection the user made, newest first (disconnected ones too). */
  async list(user: string): Promise<CoinbaseConnection[]> {
    const items = await queryAll({ KeyConditionExpression: 'PK = :pk AND begins_with(SK, :sk)', ExpressionAttributeValues: { ':pk': `USER#${user}`, ':sk': keys.coinbaseConnectionPrefix }, ConsistentRead: true });
    return items.map(connectionFrom).sort((a, b) => b.connectedAt.localeCompare(a.connectedAt) || a.id.localeCompare(b.id));
  },

  /** Connects (or connects again) with a new pair of tokens: active, a new version. */
  async connect(user: string, profile: CoinbaseProfile, tokens: Envelope, accessExpiresAt: string, now: string): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.coinbaseConnection(user, profile.id),
        UpdateExpression: 'SET #type = :type, #user = :user, id = :id, profile = :profile, active = :true, tokens = :tokens, accessExpiresAt = :exp, connectedAt = :now, updatedAt = :now, createdAt = if_not_exists(createdAt, :now) ADD version :one REMOVE disconnectedAt',
        ExpressionAttributeNames: { '#type': 'type', '#user': 'user' },
        ExpressionAttributeValues: { ':type': 'CoinbaseConnection', ':user': user, ':id': profile.id, ':profile': profile, ':true': true, ':tokens': tokens, ':exp': accessExpiresAt, ':now': now, ':one': 1 },
      }),
    );
  },

  /** Stores a refreshed pair over `version` (StaleTokensError when a concurrent refresh or disconnect came first). */
  async refreshed(c: CoinbaseConnection, tokens: Envelope, accessExpiresAt: string, profile: CoinbaseProfile | undefined, now: string): Promise<void> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.coinbaseConnection(c.user, c.id),
          UpdateExpression: `SET tokens = :tokens, accessExpiresAt = :exp, updatedAt = :now${profile ? ', profile = :profile' : ''} ADD version :one`,
          ConditionExpression: 'version = :version AND active = :true',
          ExpressionAttributeValues: { ':tokens': tokens, ':exp': accessExpiresAt, ':now': now, ':one': 1, ':version': c.version, ':true': true, ...(profile ? { ':profile': profile } : {}) },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new StaleTokensError();
      throw err;
    }
  },

  /** Disconnects: inactive, tokens dropped (the record stays: transfers name the account). */
  async disconnect(user: string, id: string, now: string): Promise<void> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.coinbaseConnection(user, id),
        UpdateExpression: 'SET active = :false, disconnectedAt = :now, updatedAt = :now ADD version :one REMOVE tokens, accessExpiresAt',
        ConditionExpression: 'attribute_exists(PK)',
        ExpressionAttributeValues: { ':false': false, ':now': now, ':one': 1 },
      }),
    );
  },
};

export const oauthStatesRepo = {
  async put(state: string, user: string, now: Date): Promise<void> {
    const expiresAt = Math.floor(now.getTime() / 1000) + OAUTH_STATE_SECONDS;
    await ddb().send(new PutCommand({ TableName: tableName(), Item: { ...keys.oauthState(state), type: 'OAuthState', user, expiresAt, createdAt: now.toISOString(), updatedAt: now.toISOString() }, ConditionExpression: 'attribute_not_exists(PK)' }));
  },

  /** The state's user, once: the state is deleted on the condition it exists and has not expired. */
  async take(state: string, now: Date): Promise<string | undefined> {
    try {
      const out = await ddb().send(
        new DeleteCommand({
          TableName: tableName(),
          Key: keys.oauthState(state),
          ConditionExpression: 'attribute_exists(PK) AND expiresAt > :now',
          ExpressionAttributeValues: { ':now': Math.floor(now.getTime() / 1000) },
          ReturnValues: 'ALL_OLD',
        }),
      );
      return out.Attributes ? fields(out.Attributes, 'OAuthState').str('user') : undefined;
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  },
};

/** Where Coinbase sends the user back (the callback route). */
export const coinbaseRedirectUri = () => `${coreConfig().PUBLIC_BASE_URL}/payments-service/coinbase/callback`;

/** A new consent for `user`: the URL of Coinbase's consent page, with a single-use state valid OAUTH_STATE_SECONDS. */
export async function startCoinbaseConnect(user: string, now = new Date()): Promise<{ authorize_url: string; expires_at: string }> {
  const state = randomBytes(24).toString('base64url');
  await oauthStatesRepo.put(state, user, now);
  return { authorize_url: coinbase().authorizeUrl({ state, redirectUri: coinbaseRedirectUri() }), expires_at: isoSeconds(new Date(now.getTime() + OAUTH_STATE_SECONDS * 1000)) };
}

/** The end of a consent: the state's user connects the Coinbase account the code stands for. */
export async function finishCoinbaseConnect(code: string, state: string, now = new Date()): Promise<{ user: string; profile: CoinbaseProfile }> {
  const user = await oauthStatesRepo.take(state, now);
  if (!user) throw fail('coinbase_bad_state', 'This Coinbase connection link is unknown, used or expired: start connecting again from the app.');
  const tokens = await coinbaseCall(() => coinbase().tokensForCode(code, coinbaseRedirectUri()));
  const profile = profileOf(await coinbaseCall(() => coinbase().userOf(tokens.accessToken)));
  await coinbaseConnectionsRepo.connect(user, profile, await sealTokens(user, profile.id, tokens), tokens.expiresAt.toISOString(), now.toISOString());
  log.info('coinbase account connected', { user, coinbaseId: profile.id });
  return { user, profile };
}

/** Coinbase's failures in the contract's words; the outage ones as coinbase_unavailable. */
async function coinbaseCall<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    if (!(err instanceof CoinbaseError)) throw err;
    const { failure } = err;
    if (failure.code === 'no_tokens_by_code' || failure.code === 'no_tokens_by_refresh_token' || failure.code === 'no_user_by_access_token') {
      log.warn('coinbase refused', { code: failure.code, reason: failure.reason });
      throw coinbaseFail(`coinbase_${failure.code}`);
    }
    throw fail('coinbase_unavailable', 'Coinbase cannot be reached right now, retry shortly');
  }
}


/** GET /payments-service/coinbase/account: the user's connected accounts. */
export async function coinbaseAccountsView(user: string): Promise<CoinbaseAccountsAnswer> {
  return { accounts: (await coinbaseConnectionsRepo.list(user)).filter((c) => c.active).map((c) => ({ ...c.profile, ts: isoSeconds(c.connectedAt) })) };
}

/** POST /payments-service/coinbase/account/remove: disconnects the accounts named (all of them the user's), answering them inactive. */
export async function disconnectCoinbaseAccounts(user: string, ids: string[]): Promise<CoinbaseAccountsAnswer> {
  const unique = [...new Set(ids)];
  const found = await Promise.all(unique.map((id) => coinbaseConnectionsRepo.get(user, id)));
  const missing = unique.find((_, i) => !found[i]);
  if (missing !== undefined) throw fail('coinbase_account_not_found', `no connected Coinbase account ${missing}`, { id: missing });
  const now = new Date().toISOString();
  const answer: CoinbaseAccountsAnswer['accounts'] = [];
  for (const c of found as CoinbaseConnection[]) {
    await coinbaseConnectionsRepo.disconnect(user, c.id, now);
    if (c.tokens) {
      // Best effort: the tokens are gone from here either way.
      const { refresh } = await openTokens(c as CoinbaseConnection & { tokens: Envelope });
      await coinbase().revokeToken(refresh).catch((err: unknown) => log.warn('coinbase token not revoked', { coinbaseId: c.id, reason: (err as Error).message }));
    }
    answer.push({ ...c.profile, ts: isoSeconds(c.connectedAt), type: 'coinbase_account', inactive: true });
  }
  return { accounts: answer };
}

/** Whether the connection's tokens changed since `c` was read, waiting up to `waitMs` for a concurrent refresh to store its pair. */
async function tokensReplaced(c: CoinbaseConnection, waitMs = 3000): Promise<boolean> {
  for (const started = Date.now(); ; ) {
    if ((await coinbaseConnectionsRepo.get(c.user, c.id))?.version !== c.version) return true;
    if (Date.now() - started >= waitMs) return false;
    await new Promise((r) => setTimeout(r, 100));
  }
}

/**
 * The user's Coinbase profile read now (a transfer's check before it sends), with the tokens refreshed first when
 * the access token has expired. coinbase_account_not_found: never connected; coinbase_no_stored_tokens: disconnected;
 * coinbase_no_tokens_by_refresh_token: the refresh was refused (the user must connect again).
 */
export async function freshCoinbaseUser(user: string, id: string, now = new Date()): Promise<CoinbaseProfile> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const c = await coinbaseConnectionsRepo.get(user, id);
    if (!c) throw fail('coinbase_account_not_found', `no connected Coinbase account ${id}`, { id });
    if (!c.active || !c.tokens) throw coinbaseFail('coinbase_no_stored_tokens');
    const sealed = c as CoinbaseConnection & { tokens: Envelope };
    const { access, refresh } = await openTokens(sealed);
    const expired = !c.accessExpiresAt || Date.parse(c.accessExpiresAt) - REFRESH_MARGIN_MS <= now.getTime();
    if (!expired) {
      try {
        return profileOf(await coinbase().userOf(access));
      } catch (err) {
        if (!(err instanceof CoinbaseError && err.failure.code === 'no_user_by_access_token')) return coinbaseCall(() => Promise.reject(err));
        // A concurrent refresh spent this access token: read the pair it stored. Otherwise (expired or revoked
        // early) refresh below.
        if ((await coinbaseConnectionsRepo.get(user, id))?.version !== c.version) continue;
      }
    }
    let tokens: CoinbaseTokens;
    try {
      tokens = await coinbase().refreshTokens(refresh);
    } catch (err) {
      // Refresh tokens are single use: a concurrent refresh may have spent ours (and store its pair in a moment).
      if (err instanceof CoinbaseError && err.failure.code === 'no_tokens_by_refresh_token' && (await tokensReplaced(c))) continue;
      return coinbaseCall(() => Promise.reject(err));
    }
    const profile = profileOf(await coinbaseCall(() => coinbase().userOf(tokens.accessToken)));
    try {
      await coinbaseConnectionsRepo.refreshed(c, await sealTokens(user, id, tokens), tokens.expiresAt.toISOString(), profile, now.toISOString());
      return profile;
    } catch (err) {
      if (!(err instanceof StaleTokensError)) throw err;
      // A concurrent refresh stored its pair first (ours spent theirs' predecessor, so read again and use theirs).
    }
  }
  throw fail('coinbase_unavailable', 'the Coinbase tokens kept changing under concurrent refreshes, retry shortly');
}
