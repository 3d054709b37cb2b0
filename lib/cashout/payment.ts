/**
 * The cashout-payments worker's state machine, every step a conditional write:
 *   SUBMITTED -> PAYING -> PAID | FAILED
 * PAYING is written before the gateway is called. A delivery that finds a claim PAYING (the previous one
 * crashed or timed out) first asks the gateway for our reference: a known outcome is recorded, and only a
 * reference the gateway never saw is paid (the gateway is idempotent on it too). Every attempt is recorded.
 * Card data that does not open for this claim and its provider (an envelope copied from another record, or
 * altered) fails the claim before the gateway is called: nothing is paid with it.
 */
import { ClaimStateError, claimsRepo, type Claim } from './repository.js';
import { cashoutProvidersRepo } from './repository.js';
import { log } from '../log/index.js';
import { getGateway, type CardGateway, type GatewayResult, type PaymentRequest } from '../payments/gateway.js';
import { cashoutClaimCard, cashoutProviderField, open, VaultOpenError } from '../security/card-vault.js';
import { enqueueWebhook } from './webhooks.js';

export interface PaymentHooks {
  /** Tests: runs after the gateway answered, before the outcome is written (a crash here must not pay twice). */
  afterGatewayCall?: () => Promise<void> | void;
}

export async function processClaimPayment(uuid: string, gateway?: CardGateway, hooks: PaymentHooks = {}): Promise<Claim['status']> {
  const gw = gateway ?? (await getGateway());
  let claim = await claimsRepo.get(uuid);
  if (!claim) throw new Error(`claim ${uuid} not found`);
  if (claim.status === 'PAID' || claim.status === 'FAILED') {
    await enqueueWebhook(claim); // idempotent: a lost hand-off after the final write is retried here
    return claim.status;
  }
  if (claim.status === 'PENDING') throw new Error(`claim ${uuid} was not submitted`);
  const reference = claim.paymentReference ?? `co-${uuid}`;

  if (claim.status === 'PAYING') {
    const known = await gw.status(reference);
    if (known) return finish(claim, known, hooks);
  } else {
    try {
      claim = await claimsRepo.transition(uuid, 'SUBMITTED', 'PAYING');
    } catch (err) {
      if (err instanceof ClaimStateError) return processClaimPayment(uuid, gw, hooks); // a concurrent delivery moved it
      throw err;
    }
  }

  const provider = await cashoutProvidersRepo.get(claim.provider);
  if (!provider || !claim.customer) throw new Error(`claim ${uuid} lacks its provider or card`);
  let cards: Pick<PaymentRequest, 'from' | 'to'>;
  try {
    cards = {
      from: { pan: await open(provider.pan, cashoutProviderField(provider.name, 'pan')), expDate: provider.expDate, ipin: await open(provider.ipin, cashoutProviderField(provider.name, 'ipin')) },
      to: { pan: await open(claim.customer.pan, cashoutClaimCard(claim.uuid)), expDate: claim.customer.expDate },
    };
  } catch (err) {
    if (!(err instanceof VaultOpenError)) throw err;
    log.error('cash-out claim not paid: its card data does not open', { uuid, provider: provider.name, reason: err.message });
    return settle(claim, 'FAILED', { resultCode: CARD_DATA_UNREADABLE.code, resultResponse: CARD_DATA_UNREADABLE.response });
  }
  const at = new Date().toISOString();
  let result: GatewayResult;
  try {
    result = await gw.pay({ reference, ...cards, amount: claim.amount });
  } catch (err) {
    await claimsRepo.appendAttempt(uuid, { at, outcome: 'unknown', response: (err as Error).message });
    throw err; // redelivered later; the status query then decides
  }
  return finish(claim, result, hooks);
}

async function finish(claim: Claim, result: GatewayResult, hooks: PaymentHooks): Promise<Claim['status']> {
  await hooks.afterGatewayCall?.();
  const at = new Date().toISOString();
  await claimsRepo.appendAttempt(claim.uuid, { at, outcome: result.approved ? 'approved' : 'declined', code: result.code, response: result.response, gatewayReference: result.gatewayReference });
  return settle(claim, result.approved ? 'PAID' : 'FAILED', { resultCode: result.code, resultResponse: result.response, ...(result.approved ? { paidAt: at } : {}) });
}

/** The claim's result code and answer when its card data does not open (the gateway was not called). */
export const CARD_DATA_UNREADABLE = { code: -2, response: 'Not paid: the stored card data does not open for this claim' } as const;

/** PAYING -> PAID | FAILED once, and the provider's webhook. */
async function settle(claim: Claim, to: 'PAID' | 'FAILED', fields: Partial<Claim>): Promise<Claim['status']> {
  let done: Claim;
  try {
    done = await claimsRepo.transition(claim.uuid, 'PAYING', to, fields);
  } catch (err) {
    if (!(err instanceof ClaimStateError)) throw err;
    done = (await claimsRepo.get(claim.uuid))!; // a concurrent delivery recorded it
  }
  log.info('cash-out claim settled', { uuid: claim.uuid, status: done.status, code: done.resultCode });
  await enqueueWebhook(done);
  return done.status;
}
