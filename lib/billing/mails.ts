/** The mails a settled plan payment sends to the participant's notification emails: a receipt, or why it failed. */
import { formatMinor } from './periods.js';
import type { BillingPayment } from './repository.js';

export function paymentMails(p: BillingPayment): { to: string; subject: string; text: string }[] {
  if (p.status === 'charging' || !p.notify?.length) return [];
  const currency = p.currency.toUpperCase();
  const card = p.card ? `${p.card.brand} ending in ${p.card.last4}` : 'no card';
  const lines = p.rows.map((r) => `  ${formatMinor(r.amountMinor).padStart(10)} ${currency}  ${r.description}`);
  const mail =
    p.status === 'paid'
      ? {
          subject: `Payment receipt: ${formatMinor(p.amountMinor)} ${currency} for the ${p.plan} plan`,
          text: [
            `Your payment for the ${p.plan} plan was successful.`,
            '',
            ...lines,
            `  ${formatMinor(p.amountMinor).padStart(10)} ${currency}  Total charged${p.chargeId ? ` (${card}, charge ${p.chargeId})` : ''}`,
            '',
            `Payment ${p.key}, ${p.createdAt}.`,
          ].join('\n'),
        }
      : {
          subject: `Payment failed: ${formatMinor(p.amountMinor)} ${currency} for the ${p.plan} plan`,
          text: [
            `We could not charge ${card} ${formatMinor(p.amountMinor)} ${currency} for the ${p.plan} plan: ${p.reason ?? 'the card was refused'}`,
            '',
            ...lines,
            '',
            p.kind === 'renewal'
              ? 'Your plan is unpaid from the start of this period. Save a new card and choose your plan again to pay: the card will not be charged again for this period without you.'
              : 'Your plan was not changed. Save a new card (or try again) to change it.',
          ].join('\n'),
        };
  return p.notify.map((to) => ({ to, ...mail }));
}
