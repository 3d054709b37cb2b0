/** `GET .../current/payment_history`: the participant's plan payments, newest first, as the clients read them. */
import { isoSeconds } from '../wire.js';
import { formatMinor } from './periods.js';
import { paymentsRepo, type BillingPayment } from './repository.js';
import type { PaymentHistoryEntry } from './schema.js';

/** The words of a payment's status: successful, failed (and why), or still being charged. */
function statusText(p: BillingPayment): string {
  if (p.status === 'paid') return 'Payment successful';
  if (p.status === 'failed') return `Payment failed: ${p.reason ?? 'the card was refused'}`;
  return 'Payment in progress';
}

export function paymentView(p: BillingPayment): PaymentHistoryEntry {
  return {
    // `card_barnd`: the field's name as clients have always read it.
    card_barnd: p.card?.brand ?? null,
    card_exp_month: p.card?.expMonth ?? null,
    card_exp_year: p.card?.expYear ?? null,
    card_last4: p.card?.last4 ?? null,
    card_name: p.card?.name ?? null,
    currency: p.currency,
    rows: p.rows.map((r) => ({ amount: formatMinor(r.amountMinor), description: r.description })),
    status: statusText(p),
    summary_amount: formatMinor(p.amountMinor),
    ts: isoSeconds(p.createdAt),
  };
}

export async function paymentHistory(participant: string): Promise<PaymentHistoryEntry[]> {
  const payments = await paymentsRepo.list(participant);
  return payments.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0)).map(paymentView);
}
