/** The sandbox bank payout provider against the stack's table: test accounts, idempotent references, timeouts resolved by asking. */
import { describe, expect, it } from 'vitest';
import { BankPayoutTimeoutError } from '../../lib/payments/bank-payouts.js';
import { SANDBOX_BANK_ACCOUNTS, sandboxBankPayouts } from '../../lib/payments/bank-sandbox.js';
import { uniq } from '../fixtures/stack.js';

const payout = (account: string, reference = uniq('bank')) => ({ reference, country: '036', currency: 'aud', amountMinor: 1234n, branch: '062000', account, name: 'JANE DOE' });

describe('sandbox bank payouts', () => {
  it('pays a valid account once per reference, however often asked', async () => {
    const req = payout(SANDBOX_BANK_ACCOUNTS.paid);
    const first = await sandboxBankPayouts.pay(req);
    expect(first).toEqual({ status: 'paid', providerReference: expect.stringMatching(/^bp_/) });
    expect(await sandboxBankPayouts.pay(req)).toEqual(first);
    expect(await sandboxBankPayouts.status(req.reference)).toEqual(first);
    expect(await sandboxBankPayouts.status(uniq('never'))).toBeUndefined();
  });

  it('refuses the test accounts for an invalid or closed account, for good', async () => {
    expect(await sandboxBankPayouts.pay(payout(SANDBOX_BANK_ACCOUNTS.invalidAccount))).toMatchObject({ status: 'failed', code: 'invalid_account' });
    const closed = payout(SANDBOX_BANK_ACCOUNTS.accountClosed);
    expect(await sandboxBankPayouts.pay(closed)).toMatchObject({ status: 'failed', code: 'account_closed', reason: 'The account is closed' });
    expect(await sandboxBankPayouts.status(closed.reference)).toMatchObject({ status: 'failed', code: 'account_closed' });
  });

  it('a timeout leaves a payout that was made: status answers it, a retry does not pay again', async () => {
    const req = payout(SANDBOX_BANK_ACCOUNTS.timeout);
    await expect(sandboxBankPayouts.pay(req)).rejects.toBeInstanceOf(BankPayoutTimeoutError);
    const made = await sandboxBankPayouts.status(req.reference);
    expect(made).toEqual({ status: 'paid', providerReference: expect.stringMatching(/^bp_/) });
    expect(await sandboxBankPayouts.pay(req)).toEqual(made);
  });
});
