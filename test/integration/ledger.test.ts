import { describe, expect, it } from 'vitest';
import { InsufficientFundsError } from '../../lib/db/errors.js';
import { DuplicateEntryError } from '../../lib/db/ledger.js';
import { getBalance, getEntry, listPostings, postEntry } from '../../lib/ledger/index.js';
import { uniq } from '../fixtures/stack.js';

const fund = (account: string, amount: bigint) =>
  postEntry({ idempotencyKey: uniq('fund'), kind: 'test-fund', postings: [{ account: 'test:external', amount: -amount, allowNegative: true }, { account, amount }] });

describe('ledger against DynamoDB Local', () => {
  it('moves value between accounts and records the entry and postings', async () => {
    const a = uniq('acct');
    const b = uniq('acct');
    await fund(a, 100n);
    const key = uniq('move');
    await postEntry({ idempotencyKey: key, kind: 'move', postings: [{ account: a, amount: -30n }, { account: b, amount: 30n }] });
    expect(await getBalance(a)).toBe(70n);
    expect(await getBalance(b)).toBe(30n);
    expect((await getEntry(key))?.postings).toEqual([{ account: a, amount: -30n }, { account: b, amount: 30n }]);
    expect((await listPostings(a)).map((p) => p.amount)).toEqual([-30n, 100n]);
  });

  it('refuses to overdraw and writes nothing', async () => {
    const a = uniq('acct');
    const b = uniq('acct');
    await fund(a, 10n);
    const key = uniq('overdraw');
    await expect(postEntry({ idempotencyKey: key, kind: 'move', postings: [{ account: a, amount: -11n }, { account: b, amount: 11n }] })).rejects.toBeInstanceOf(InsufficientFundsError);
    expect(await getBalance(a)).toBe(10n);
    expect(await getBalance(b)).toBe(0n);
    expect(await getEntry(key)).toBeUndefined();
  });

  it('never moves money twice for one idempotency key', async () => {
    const a = uniq('acct');
    const b = uniq('acct');
    await fund(a, 10n);
    const entry = { idempotencyKey: uniq('once'), kind: 'move', postings: [{ account: a, amount: -4n }, { account: b, amount: 4n }] };
    await postEntry(entry);
    await expect(postEntry(entry)).rejects.toBeInstanceOf(DuplicateEntryError);
    expect(await getBalance(a)).toBe(6n);
  });

  it('keeps a balance at or above zero under 30 concurrent debits', async () => {
    const a = uniq('acct');
    const b = uniq('acct');
    await fund(a, 10n);
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, () => postEntry({ idempotencyKey: uniq('debit'), kind: 'move', postings: [{ account: a, amount: -1n }, { account: b, amount: 1n }] })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(10);
    expect(await getBalance(a)).toBe(0n);
    expect(await getBalance(b)).toBe(10n);
  });
});
