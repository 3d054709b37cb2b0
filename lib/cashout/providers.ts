/**
 * Cash-out providers: registration (card data encrypted, API key and webhook secret shown once),
 * Bearer authentication, profile updates and webhook secret rotation (the old secret keeps signing
 * alongside the new one for 24 hours, so receivers can switch without losing deliveries).
 */
import { randomBytes } from 'node:crypto';
import { coreConfig } from '../config/index.js';
import { cashoutProvidersRepo, ProviderExistsError, type CashoutProvider } from './repository.js';
import { fail } from './failures.js';
import { cashoutProviderField, open, seal, VaultOpenError } from '../security/card-vault.js';
import { log } from '../log/index.js';
import { staticRefusal } from '../security/outbound.js';
import { hashSecret, secretMatchesHash } from '../security/secrets.js';
import type { ProfileInput, RegisterInput } from './schema.js';

export const SECRET_OVERLAP_MS = 24 * 3600 * 1000;

const newWebhookSecret = () => `whsec_${randomBytes(24).toString('base64')}`;

function newApiKey(): { apiKey: string; keyId: string } {
  const keyId = randomBytes(9).toString('base64url').replace(/[-_]/g, 'x');
  return { keyId, apiKey: `co_${keyId}_${randomBytes(32).toString('base64url')}` };
}

const LOOPBACK_NAMES = new Set(['localhost']);

/**
 * An https URL on port 443 that is not an IP literal in a private, loopback, link-local or reserved range; plain
 * http (any port) only to loopback and only in the local stage (the demo receiver). Names are checked again
 * at every delivery, when they are resolved (lib/security/outbound.ts).
 */
export function checkEndpoint(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw fail('invalid_endpoint', 'endpoint must be an absolute URL');
  }
  const problem = staticRefusal(url, coreConfig().STAGE === 'local', LOOPBACK_NAMES);
  if (problem) throw fail('invalid_endpoint', problem);
  return url.toString();
}

export async function registerProvider(input: RegisterInput): Promise<{ result: 'ok'; api_key: string; webhook_secret: string }> {
  const endpoint = checkEndpoint(input.endpoint);
  const { apiKey, keyId } = newApiKey();
  const webhookSecret = newWebhookSecret();
  const now = new Date().toISOString();
  const [pan, ipin, secret] = await Promise.all([
    seal(input.pan, cashoutProviderField(input.name, 'pan')),
    seal(input.ipin, cashoutProviderField(input.name, 'ipin')),
    seal(webhookSecret, cashoutProviderField(input.name, 'webhookSecret')),
  ]);
  try {
    await cashoutProvidersRepo.create({
      name: input.name,
      pan,
      ipin,
      panLast4: input.pan.slice(-4),
      expDate: input.expDate,
      endpoint,
      webhookSecret: secret,
      apiKeyId: keyId,
      apiKeyHash: hashSecret(apiKey),
      consentAt: now,
      createdAt: now,
      updatedAt: now,
    });
  } catch (err) {
    if (err instanceof ProviderExistsError) throw fail('provider_exists', `a cash-out provider named ${input.name} already exists`);
    throw err;
  }
  return { result: 'ok', api_key: apiKey, webhook_secret: webhookSecret };
}

/** The provider of the API key `co_<keyId>_<secret>` (sent as a Bearer token). */
export async function authenticateProvider(apiKey: string | undefined): Promise<CashoutProvider> {
  const keyId = apiKey && /^co_([A-Za-z0-9]{12})_[A-Za-z0-9_-]{20,}$/.exec(apiKey)?.[1];
  if (!apiKey || !keyId) throw fail('api_key_required', 'send Authorization: Bearer <api_key> (the key issued at registration)');
  const name = await cashoutProvidersRepo.nameByKeyId(keyId);
  const provider = name ? await cashoutProvidersRepo.get(name) : undefined;
  if (!provider || provider.apiKeyId !== keyId || !secretMatchesHash(apiKey, provider.apiKeyHash)) throw fail('invalid_api_key', 'invalid API key');
  return provider;
}

export async function updateProfile(provider: CashoutProvider, input: ProfileInput): Promise<{ result: 'ok'; webhook_secret?: string }> {
  const now = new Date();
  const fields: Partial<CashoutProvider> = { updatedAt: now.toISOString() };
  if (input.pan) Object.assign(fields, { pan: await seal(input.pan, cashoutProviderField(provider.name, 'pan')), panLast4: input.pan.slice(-4) });
  if (input.ipin) fields.ipin = await seal(input.ipin, cashoutProviderField(provider.name, 'ipin'));
  if (input.expDate) fields.expDate = input.expDate;
  if (input.endpoint) fields.endpoint = checkEndpoint(input.endpoint);
  let webhookSecret: string | undefined;
  if (input.rotate_webhook_secret !== false) {
    webhookSecret = newWebhookSecret();
    Object.assign(fields, {
      webhookSecret: await seal(webhookSecret, cashoutProviderField(provider.name, 'webhookSecret')),
      previousWebhookSecret: provider.webhookSecret,
      previousSecretValidUntil: new Date(now.getTime() + SECRET_OVERLAP_MS).toISOString(),
    });
  }
  await cashoutProvidersRepo.update(provider.name, fields);
  return { result: 'ok', ...(webhookSecret ? { webhook_secret: webhookSecret } : {}) };
}

/** A new API key for a provider (admin/seeding); the old key stops working at once. */
export async function rotateProviderKey(name: string): Promise<string> {
  const { apiKey, keyId } = newApiKey();
  await cashoutProvidersRepo.addKey(name, keyId, hashSecret(apiKey), new Date().toISOString());
  return apiKey;
}

/** The secrets a webhook is signed with now: the current one, plus the previous one within its overlap. */
export async function signingSecrets(provider: CashoutProvider, now = new Date()): Promise<string[]> {
  const context = cashoutProviderField(provider.name, 'webhookSecret');
  const secrets = [await open(provider.webhookSecret, context)];
  if (provider.previousWebhookSecret && provider.previousSecretValidUntil && provider.previousSecretValidUntil > now.toISOString()) {
    try {
      secrets.push(await open(provider.previousWebhookSecret, context));
    } catch (err) {
      // The previous secret only eases a receiver's switch: one that does not open (a version 1 envelope, or
      // one copied from elsewhere) must not stop deliveries signed with the current secret.
      if (!(err instanceof VaultOpenError)) throw err;
      log.warn('previous webhook secret left out: it does not open', { provider: provider.name, reason: err.message });
    }
  }
  return secrets;
}
