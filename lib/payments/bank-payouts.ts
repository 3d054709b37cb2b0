/**
 * Bank payouts (users' cash-out to their bank accounts) behind one interface. `pay` is keyed by our reference
 * and never pays a reference twice; `status` answers what the provider did with a reference, so an unknown
 * outcome (a timeout, a crash after the call) is resolved by asking, never by paying again. Locally, and until a
 * real provider adapter is configured, the sandbox answers (./bank-sandbox.ts, with documented test accounts).
 */
export interface BankPayoutRequest {
  /** Ours, unique per payout: the provider's idempotency key. */
  reference: string;
  /** ISO 3166-1 numeric (`036`). */
  country: string;
  /** ISO 4217, lower case. */
  currency: string;
  /** Minor units of `currency`. */
  amountMinor: bigint;
  /** The account paid: its bank's branch code (Australia: the 6-digit BSB), number and holder's name. */
  branch: string;
  account: string;
  name: string;
}

/** What the provider did: paid, or refused for good (the money never left; `code` says why). */
export type BankPayoutResult = { status: 'paid'; providerReference: string } | { status: 'failed'; code: 'invalid_account' | 'account_closed' | 'refused'; reason: string; providerReference: string };

/** The provider did not answer: the payout may or may not have been made. Ask `status`. */
export class BankPayoutTimeoutError extends Error {
  override name = 'BankPayoutTimeoutError';
}

export interface BankPayouts {
  pay(request: BankPayoutRequest): Promise<BankPayoutResult>;
  /** Undefined when the provider has no payout with this reference (it was never made). */
  status(reference: string): Promise<BankPayoutResult | undefined>;
}

let provider: BankPayouts | undefined;

export async function bankPayouts(): Promise<BankPayouts> {
  provider ??= (await import('./bank-sandbox.js')).sandboxBankPayouts;
  return provider;
}

/** Tests put a provider of their own (a crash, a slow answer) in place; undefined restores the default. */
export function setBankPayouts(p: BankPayouts | undefined): void {
  provider = p;
}
