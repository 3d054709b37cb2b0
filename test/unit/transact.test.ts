import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, TransactWriteCommand as TransactWriteItemsCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resetDdb } from '../../lib/db/client.js';
import { ContentionError, InsufficientFundsError } from '../../lib/db/errors.js';
import { DuplicateEntryError } from '../../lib/db/ledger.js';
import { transactWrite } from '../../lib/db/transact.js';
import { entryItems } from '../../lib/ledger/index.js';

const ddbMock = mockClient(DynamoDBDocumentClient);
const cancelled = (codes: string[]) =>
  new TransactionCanceledException({ message: 'cancelled', $metadata: {}, CancellationReasons: codes.map((Code) => ({ Code })) });

const entry = () =>
  entryItems({
    idempotencyKey: 'k1',
    kind: 'test',
    postings: [
      { account: 'a', amount: -5n },
      { account: 'b', amount: 5n },
    ],
  });

describe('transactWrite', () => {
  beforeEach(() => {
    ddbMock.reset();
    resetDdb();
  });
  afterEach(() => resetDdb());

  it('builds one transaction: entry, guarded debit, credit, postings', async () => {
    ddbMock.on(TransactWriteItemsCommand).resolves({ ConsumedCapacity: [{ CapacityUnits: 10 }] });
    const r = await transactWrite(entry());
    expect(r.consumedWriteUnits).toBe(10);
    const items = ddbMock.commandCalls(TransactWriteItemsCommand)[0]!.args[0].input.TransactItems!;
    expect(items).toHaveLength(5);
    expect(items[0]!.Put!.ConditionExpression).toBe('attribute_not_exists(PK)');
    expect(items[1]!.Update!.ConditionExpression).toBe('balance >= :needed');
    expect(items[1]!.Update!.ExpressionAttributeValues![':delta']).toBe(-5n);
    expect(items[3]!.Update!.ConditionExpression).toBeUndefined();
  });

  it('maps a failed condition to the typed error of that item', async () => {
    ddbMock.on(TransactWriteItemsCommand).rejects(cancelled(['None', 'ConditionalCheckFailed', 'None', 'None', 'None']));
    await expect(transactWrite(entry())).rejects.toBeInstanceOf(InsufficientFundsError);
    ddbMock.on(TransactWriteItemsCommand).rejects(cancelled(['ConditionalCheckFailed', 'None', 'None', 'None', 'None']));
    await expect(transactWrite(entry())).rejects.toBeInstanceOf(DuplicateEntryError);
  });

  it('retries transaction conflicts, then gives up with a ContentionError', async () => {
    ddbMock.on(TransactWriteItemsCommand).rejectsOnce(cancelled(['TransactionConflict', 'None'])).resolves({});
    await transactWrite(entry());
    expect(ddbMock.commandCalls(TransactWriteItemsCommand)).toHaveLength(2);
    ddbMock.reset();
    ddbMock.on(TransactWriteItemsCommand).rejects(cancelled(['TransactionConflict', 'None']));
    await expect(transactWrite(entry())).rejects.toBeInstanceOf(ContentionError);
  }, 20_000);

  it('refuses unbalanced entries before touching DynamoDB', () => {
    expect(() => entryItems({ idempotencyKey: 'x', kind: 't', postings: [{ account: 'a', amount: -5n }, { account: 'b', amount: 4n }] })).toThrow('sum to -1');
    expect(() => entryItems({ idempotencyKey: 'x', kind: 't', postings: [{ account: 'a', amount: -5n }, { account: 'a', amount: 5n }] })).toThrow('posted twice');
  });
});
