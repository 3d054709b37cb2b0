/**
 * Billing plans: the document the operator stores (or the built-in one), as the payments service answers it,
 * plan lookup by id or by the older names, and the exact money of a plan for charging.
 */
import { plansConfig } from '../config/index.js';
import { ttlCache } from '../cache.js';
import { parseFraction, type Fraction } from '../ledger/money.js';
import { DEFAULT_PLANS_DOCUMENT } from './default-plans.js';
import { fail } from './failures.js';
import { plansRepo, type StoredPlansDocument } from './repository.js';
import { plansDocumentSchema, type BillingPlans, type PlansDocument, type StoredPlan } from './schema.js';

/** Older plan names clients still send (`lite`, `standard`), and the plan ids they mean. */
export const PLAN_ALIASES: Readonly<Record<string, string>> = { lite: 'light', standard: 'pro' };

/** The plan of an id or alias (letter case ignored), or undefined. */
export function findPlan(doc: PlansDocument, idOrAlias: string): StoredPlan | undefined {
  const name = idOrAlias.trim().toLowerCase();
  const id = doc.list.some((p) => p.id === name) ? name : (PLAN_ALIASES[name] ?? name);
  return doc.list.find((p) => p.id === id);
}

/** The plan of an id or alias; an unknown one is an `unknown_plan` failure naming the plans there are. */
export function requirePlan(doc: PlansDocument, idOrAlias: string): StoredPlan {
  const plan = findPlan(doc, idOrAlias);
  if (!plan) throw fail('unknown_plan', `unknown plan ${idOrAlias}: plans are ${doc.list.map((p) => p.id).join(', ')}`, { plan: idOrAlias });
  return plan;
}

export type { Fraction };

export interface PlanMoney {
  /** The plan's cost in minor units of the currency (cents). */
  costMinor: bigint;
  /** Currency (major units) charged per rewards campaign coin, exactly as the document writes it. */
  coinRate: Fraction;
}

/** Minor units per major unit: every billing currency in use (usd, aud, sgd) has cents. */
export const MINOR_UNITS_PER_MAJOR = 100n;

/** A plan's numbers read exactly from their decimal text (the schema allows only plain decimals). */
export function planMoney(plan: StoredPlan): PlanMoney {
  const cost = parseFraction(String(plan.cost));
  if ((cost.num * MINOR_UNITS_PER_MAJOR) % cost.den !== 0n) throw new RangeError(`cost ${plan.cost} of plan ${plan.id} has fractions of a cent`);
  return { costMinor: (cost.num * MINOR_UNITS_PER_MAJOR) / cost.den, coinRate: parseFraction(String(plan.coin_rate)) };
}

const documents = ttlCache<'plans', PlansDocument>(() => Number(plansConfig().PLANS_CACHE_SECONDS) * 1000);

/** The stored document, or the built-in one when the operator has stored none (warm functions reuse it PLANS_CACHE_SECONDS). */
export async function currentPlansDocument(): Promise<PlansDocument> {
  return (await documents.get('plans', async () => (await plansRepo.get())?.document ?? DEFAULT_PLANS_DOCUMENT))!;
}

/** The plans as `GET /payments-service/billing_plans` answers them: features as a map, the configured currency, no upgrade texts. */
export function billingPlansView(doc: PlansDocument, currency: string): BillingPlans {
  return {
    currency,
    id: doc._id,
    list: doc.list.map((p) => ({
      commitment_period: p.commitment_period,
      cost: p.cost,
      description: p.description,
      // Features by name, in code-point order: the order the clients have always been given.
      description_list: Object.fromEntries(p.description_list.map((line) => [line.label, line.value] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
      hidden: p.hidden,
      id: p.id,
      modules: p.modules,
      name: p.name,
      coin_rate: p.coin_rate,
    })),
  };
}

export async function billingPlans(): Promise<BillingPlans> {
  return billingPlansView(await currentPlansDocument(), plansConfig().BILLING_CURRENCY);
}

export class PlansDocumentError extends Error {
  override name = 'PlansDocumentError';
}

/** Validates a document (parsed JSON) for `plans set`; the reasons name the fields. */
export function parsePlansDocument(raw: unknown): PlansDocument {
  const result = plansDocumentSchema.safeParse(raw);
  if (!result.success) {
    throw new PlansDocumentError(`invalid plans document: ${result.error.issues.map((i) => `${i.path.join('.') || '(document)'}: ${i.message}`).join('; ')}`);
  }
  const currency = plansConfig().BILLING_CURRENCY;
  if (result.data.currency !== undefined && result.data.currency !== currency) {
    throw new PlansDocumentError(`invalid plans document: currency ${result.data.currency} is not the configured BILLING_CURRENCY (${currency}); leave it out or change the configuration`);
  }
  for (const plan of result.data.list) planMoney(plan);
  return result.data;
}

/** Validates and stores the operator's document; `setBy` says who or what set it. */
export async function setPlansDocument(raw: unknown, setBy: string): Promise<StoredPlansDocument> {
  const stored = await plansRepo.put(parsePlansDocument(raw), setBy);
  documents.clear();
  return stored;
}

/** What `plans get` shows: the document in force and where it comes from. */
export async function describePlansDocument(): Promise<{ source: 'stored' | 'default'; updatedAt?: string; updatedBy?: string; document: PlansDocument }> {
  const stored = await plansRepo.get();
  return stored ? { source: 'stored', updatedAt: stored.updatedAt, updatedBy: stored.updatedBy, document: stored.document } : { source: 'default', document: DEFAULT_PLANS_DOCUMENT };
}
