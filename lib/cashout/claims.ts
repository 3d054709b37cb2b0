/**
 * Cash-out claims: a provider generates one per customer cash-out (idempotent on the provider's id),
 * the customer submits their card on the hosted page (once: a conditional write), and the payment runs
 * in the background through the cashout-payments queue (handed over by the table stream's outbox).
 *   PENDING -> SUBMITTED -> PAYING -> PAID | FAILED        (PENDING past its expiry reads as expired)
 */
import { randomUUID } from 'node:crypto';
import { cashoutConfig } from '../config/index.js';
import { ClaimIdExistsError, ClaimStateError, claimsRepo, type Claim, type CashoutProvider } from './repository.js';
import { fail } from './failures.js';
import { cashoutClaimCard, seal } from '../security/card-vault.js';
import type { ClaimSubmitInput } from './schema.js';

export type PublicClaimStatus = 'pending' | 'submitted' | 'paying' | 'paid' | 'failed' | 'expired';

export const isClaimExpired = (c: Claim, now = new Date()) => c.status === 'PENDING' && c.claimExpiresAt <= now.toISOString();

export function publicStatus(c: Claim, now = new Date()): PublicClaimStatus {
  return isClaimExpired(c, now) ? 'expired' : (c.status.toLowerCase() as PublicClaimStatus);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export async function getClaim(uuid: string): Promise<Claim> {
  const claim = UUID.test(uuid) ? await claimsRepo.get(uuid) : undefined;
  if (!claim) throw fail('claim_not_found', 'no such cash-out claim');
  return claim;
}

/** A claim for `name`'s customer; the key's provider must be `name`. */
export async function generateClaim(provider: CashoutProvider, name: string, input: { amount: number | string; id: string }): Promise<{ result: string; uuid: string; created: boolean }> {
  if (name !== provider.name) throw fail('other_provider', `this API key belongs to ${provider.name}, not ${name}`);
  const amount = Number(input.amount);
  const existing = await claimsRepo.byProviderId(provider.name, input.id);
  const answer = (uuid: string, created: boolean) => ({ result: uuid, uuid, created });
  const same = (found: { uuid: string; amount: number }) => {
    if (found.amount !== amount) throw fail('id_conflict', `id ${input.id} was already used for a claim of ${found.amount}`);
    return answer(found.uuid, false);
  };
  if (existing) return same(existing);
  const now = new Date();
  const uuid = randomUUID();
  try {
    await claimsRepo.create({
      uuid,
      provider: provider.name,
      providerId: input.id,
      amount,
      status: 'PENDING',
      claimExpiresAt: new Date(now.getTime() + Number(cashoutConfig().CLAIM_TTL_HOURS) * 3600_000).toISOString(),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    });
  } catch (err) {
    // A concurrent generate with the same id won: answer with its claim.
    if (err instanceof ClaimIdExistsError) return same((await claimsRepo.byProviderId(provider.name, input.id))!);
    throw err;
  }
  return answer(uuid, true);
}

/** The customer's card, once per claim: a second submission (even concurrent) is `duplicate_claim`. */
export async function submitClaim(uuid: string, input: ClaimSubmitInput): Promise<Claim> {
  const claim = await getClaim(uuid);
  const now = new Date();
  if (isClaimExpired(claim, now)) throw fail('claim_expired', 'this cash-out claim has expired');
  if (claim.status !== 'PENDING') throw fail('duplicate_claim', 'this cash-out claim was already submitted');
  let submitted: Claim;
  try {
    submitted = await claimsRepo.transition(
      uuid,
      'PENDING',
      'SUBMITTED',
      {
        customer: { pan: await seal(input.pan, cashoutClaimCard(uuid)), panLast4: input.pan.slice(-4), expDate: input.expDate, name: input.name, mobile: input.mobile },
        submittedAt: now.toISOString(),
        paymentReference: `co-${uuid}`,
      },
      { expression: 'claimExpiresAt > :now', values: { ':now': now.toISOString() } },
    );
  } catch (err) {
    if (err instanceof ClaimStateError) throw fail('duplicate_claim', 'this cash-out claim was already submitted');
    throw err;
  }
  // No queue call here: the table stream's outbox (lib/outbox) queues the payment of a SUBMITTED claim.
  return submitted;
}

export function claimStatusView(c: Claim) {
  return {
    uuid: c.uuid,
    status: publicStatus(c),
    amount: c.amount,
    provider: c.provider,
    ...(c.resultResponse ? { response: c.resultResponse, code: c.resultCode } : {}),
    updated_at: c.updatedAt,
  };
}
