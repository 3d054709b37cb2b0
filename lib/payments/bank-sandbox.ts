/**
 * Sandbox bank payout provider: pays every account except these test account numbers (any branch):
 *   999999990  failed `invalid_account` "No such account at this branch"
 *   999999991  failed `account_closed`  "The account is closed"
 *   999999992  the payout is made but the answer times out (resolve it with `status`)
 * Payouts are idempotent on our reference and remembered (in the table), like a real provider's records.
 */
import { randomUUID } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { isConditionFailed } from '../db/errors.js';
import { fields } from '../db/item.js';
import * as keys from '../db/keys.js';
import { BankPayoutTimeoutError, type BankPayoutResult, type BankPayouts } from './bank-payouts.js';

export const SANDBOX_BANK_ACCOUNTS = {
  paid: '123456789',
  invalidAccount: '999999990',
  accountClosed: '999999991',
  timeout: '999999992',
} as const;

const REFUSALS: Record<string, { code: 'invalid_account' | 'account_closed'; reason: string }> = {
  [SANDBOX_BANK_ACCOUNTS.invalidAccount]: { code: 'invalid_account', reason: 'No such account at this branch' },
  [SANDBOX_BANK_ACCOUNTS.accountClosed]: { code: 'account_closed', reason: 'The account is closed' },
};

async function recorded(reference: string): Promise<BankPayoutResult | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.sandboxBankPayout(reference), ConsistentRead: true }));
  if (!out.Item) return undefined;
  const f = fields(out.Item, `SandboxBankPayout ${reference}`);
  const providerReference = f.str('providerReference');
  const status = f.oneOf('status', ['paid', 'failed'] as const);
  return status === 'paid' ? { status, providerReference } : { status, code: f.oneOf('code', ['invalid_account', 'account_closed', 'refused'] as const), reason: f.str('reason'), providerReference };
}

export const sandboxBankPayouts: BankPayouts = {
  async pay(req) {
    if (req.amountMinor <= 0n) throw new RangeError('a bank payout is a positive amount');
    const refusal = REFUSALS[req.account];
    const providerReference = `bp_${randomUUID()}`;
    const result: BankPayoutResult = refusal ? { status: 'failed', ...refusal, providerReference } : { status: 'paid', providerReference };
    const now = new Date().toISOString();
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          // The account number is not kept: the sandbox remembers what it did, not where to.
          Item: { ...keys.sandboxBankPayout(req.reference), type: 'SandboxBankPayout', ...result, amountMinor: req.amountMinor, currency: req.currency, createdAt: now, updatedAt: now },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      // The same reference again: a real provider answers the first outcome, it does not pay twice.
      if (isConditionFailed(err)) return (await recorded(req.reference))!;
      throw err;
    }
    if (req.account === SANDBOX_BANK_ACCOUNTS.timeout) throw new BankPayoutTimeoutError('the bank payout provider did not answer in time');
    return result;
  },
  status: recorded,
};
