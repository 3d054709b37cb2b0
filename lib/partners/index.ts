/** Partners of the cashback program: creation (admin) and authentication (every /new_purchase). */
import { cashbackConfig } from '../config/index.js';
import { partnersRepo, type Partner } from './repository.js';
import { ttlCache } from '../cache.js';
import { hashSecret, newSecret, secretMatchesHash } from '../security/secrets.js';

const NAME = /^[A-Za-z0-9_.-]{2,64}$/;
// Warm functions skip the read on the write path; a disabled partner takes effect within the TTL.
const cache = ttlCache<string, Partner>(() => Number(cashbackConfig().PARTNER_CACHE_SECONDS) * 1000);

export async function createPartner(name: string): Promise<{ name: string; key: string }> {
  if (!NAME.test(name)) throw new Error('partner name must be 2-64 characters of letters, digits, "_", "." or "-"');
  const key = newSecret('pk_');
  await partnersRepo.create({ name, keyHash: hashSecret(key), status: 'active', createdAt: new Date().toISOString() });
  return { name, key };
}

/** Issues a new key for an existing partner (the old one stops working once caches expire). */
export async function rotatePartnerKey(name: string): Promise<{ name: string; key: string }> {
  const key = newSecret('pk_');
  await partnersRepo.updateKeyHash(name, hashSecret(key));
  cache.clear();
  return { name, key };
}

export const getPartner = (name: string) => partnersRepo.getByName(name);

/** The partner when name and key match an active partner; undefined otherwise (the caller says only "authentication failed"). */
export async function authenticatePartner(name: string, key: string): Promise<Partner | undefined> {
  const partner = await cache.get(name, () => partnersRepo.getByName(name));
  if (!partner || partner.status !== 'active') return undefined;
  return secretMatchesHash(key, partner.keyHash) ? partner : undefined;
}

export const clearPartnerCache = () => cache.clear();
