/** Operator actions for the cards API (admin CLI and local seeding): apps with scoped keys, cards. */
import { randomBytes } from 'node:crypto';
import { countersRepo } from '../db/counters.js';
import { appsRepo, SCOPES, type AppKey, type Scope } from './repository/apps.js';
import { cardsRepo, type Card } from './repository/cards.js';
import { hashSecret } from '../security/secrets.js';
import { toMinor } from './money.js';
import { clearAppCache } from './auth.js';

const alnum = (n: number) => randomBytes(n * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, n);

function newKey(scopes: Scope[]): { apiKey: string; key: AppKey } {
  const bad = scopes.filter((s) => !SCOPES.includes(s));
  if (bad.length || scopes.length === 0) throw new Error(`scopes must be some of ${SCOPES.join(', ')}`);
  const keyId = alnum(8);
  const apiKey = `ck_${keyId}_${randomBytes(32).toString('base64url')}`;
  return { apiKey, key: { keyId, hash: hashSecret(apiKey), scopes, createdAt: new Date().toISOString() } };
}

export async function createApp(name: string, scopes: Scope[] = [...SCOPES], appId = `app_${alnum(12)}`) {
  if (!/^[\w .-]{2,64}$/.test(name)) throw new Error('app name must be 2-64 characters');
  const { apiKey, key } = newKey(scopes);
  await appsRepo.create({ appId, name, keys: [key], createdAt: key.createdAt });
  return { appId, name, apiKey, scopes };
}

export async function addAppKey(appId: string, scopes: Scope[]) {
  if (!(await appsRepo.get(appId))) throw new Error(`no app ${appId}`);
  const { apiKey, key } = newKey(scopes);
  await appsRepo.addKey(appId, key);
  clearAppCache();
  return { appId, apiKey, scopes };
}

export interface CardSettings {
  name: string;
  uniqueIdentifier?: string;
  description?: string;
  currency?: string;
  cashbackPercentage: string;
  minAmount?: string;
  maxAmount?: string | null;
  allowsPinRedemption?: boolean;
  pinRequired?: boolean;
}

function checkSettings(s: Partial<CardSettings>): void {
  if (s.currency !== undefined && !/^[A-Z]{3}$/.test(s.currency)) throw new Error('currency must be an ISO 4217 code like USD or TND');
  if (s.cashbackPercentage !== undefined && !/^\d{1,2}(\.\d{1,4})?$|^100$/.test(s.cashbackPercentage)) throw new Error('cashback percentage must be 0-100, up to 4 decimals');
}

export async function createCard(appId: string, s: CardSettings): Promise<Card> {
  if (!(await appsRepo.get(appId))) throw new Error(`no app ${appId}`);
  checkSettings(s);
  const currency = s.currency ?? 'USD';
  const id = await countersRepo.next('card');
  const now = new Date().toISOString();
  const card: Card = {
    id,
    appId,
    uniqueIdentifier: s.uniqueIdentifier ?? `CASH-${String(id).padStart(3, '0')}`,
    name: s.name,
    description: s.description ?? `${s.cashbackPercentage}% cashback on all purchases`,
    currency,
    cashbackPercentage: s.cashbackPercentage,
    minAmount: toMinor(s.minAmount ?? '0', currency),
    maxAmount: s.maxAmount ? toMinor(s.maxAmount, currency) : undefined,
    allowsPinRedemption: s.allowsPinRedemption ?? false,
    pinRequired: s.pinRequired ?? false,
    createdAt: now,
    updatedAt: now,
  };
  await cardsRepo.create(card);
  return card;
}

/** Changes a card's settings; its currency is fixed once balances exist in it. */
export async function updateCard(id: number, s: Partial<CardSettings>): Promise<Card> {
  const card = await cardsRepo.get(id);
  if (!card) throw new Error(`no card ${id}`);
  if (s.currency && s.currency !== card.currency) throw new Error('the currency of a card cannot change');
  checkSettings(s);
  const updated: Card = {
    ...card,
    ...(s.name !== undefined ? { name: s.name } : {}),
    ...(s.uniqueIdentifier !== undefined ? { uniqueIdentifier: s.uniqueIdentifier } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.cashbackPercentage !== undefined ? { cashbackPercentage: s.cashbackPercentage } : {}),
    ...(s.minAmount !== undefined ? { minAmount: toMinor(s.minAmount, card.currency) } : {}),
    ...(s.maxAmount !== undefined ? { maxAmount: s.maxAmount === null ? undefined : toMinor(s.maxAmount, card.currency) } : {}),
    ...(s.allowsPinRedemption !== undefined ? { allowsPinRedemption: s.allowsPinRedemption } : {}),
    ...(s.pinRequired !== undefined ? { pinRequired: s.pinRequired } : {}),
    updatedAt: new Date().toISOString(),
  };
  await cardsRepo.update(updated);
  return updated;
}

