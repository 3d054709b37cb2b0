import { GetQueueUrlCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { marshall } from '@aws-sdk/util-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import type { DynamoDBStreamEvent } from 'aws-lambda';
import { beforeEach, describe, expect, it } from 'vitest';
import { resetConfig } from '../../lib/config/index.js';
import { dispatchOutboxRecords } from '../../lib/outbox/index.js';
import { resetSqs } from '../../lib/queue/publisher.js';

const sqsMock = mockClient(SQSClient);
const record = (seq: string, eventName: string, image: Record<string, unknown>) => ({ eventName, dynamodb: { SequenceNumber: seq, NewImage: marshall(image) } });
const at = '2026-01-01T00:00:00.000Z';
/** Whole items, as the repositories write them (the outbox reads images with their mappers). */
const payout = (unit: string, kind: string, status = 'PENDING') =>
  ({ type: 'Payout', unit, network: 'main', kind, status, destination: 'x', amount: 10n ** 18n, account: `main:textcoin:${unit}`, source: 'test', createdAt: at, updatedAt: at });
const claim = (uuid: string, status: string) =>
  ({ type: 'Claim', uuid, provider: 'p', providerId: 'id', amount: 5, status, claimExpiresAt: at, createdAt: at, updatedAt: at });

describe('outbox (table stream)', () => {
  beforeEach(() => {
    sqsMock.reset();
    resetSqs();
    sqsMock.on(GetQueueUrlCommand).callsFake(async (i: { QueueName: string }) => ({ QueueUrl: `http://q/${i.QueueName}` }));
  });

  it('queues new PENDING payouts to the queue of their kind and ignores everything else', async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    const event = {
      Records: [
        record('1', 'INSERT', payout('u1', 'chain')),
        record('2', 'INSERT', { type: 'Order', unit: 'x' }),
        record('3', 'MODIFY', payout('u0', 'chain')),
        record('4', 'INSERT', payout('u2', 'textcoin')),
        record('5', 'MODIFY', claim('c1', 'SUBMITTED')),
        record('6', 'MODIFY', claim('c1', 'PAYING')),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [] });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.QueueUrl, JSON.parse(c.args[0].input.MessageBody!)]);
    expect(sent).toEqual([
      ['http://q/unit-chain', { type: 'chain-transfer', unit: 'u1' }],
      ['http://q/unit-mail', { type: 'textcoin-mail', unit: 'u2' }],
      ['http://q/unit-cashout', { type: 'cashout-payment', uuid: 'c1' }],
    ]);
  });

  it("a participant's deposit balance changing queues a top-up check; a user's coins or a plan payment in flight do not", async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    const account = (accountId: string) => ({ type: 'Account', accountId, balance: 5n, createdAt: at, updatedAt: at });
    const event = {
      Records: [
        record('1', 'MODIFY', account('coins:user:urn:authenticateit:participant:p1')),
        record('2', 'INSERT', account('coins:user:urn:authenticateit:user:u1')),
        record('3', 'MODIFY', account('main:fund:0')),
        record('4', 'MODIFY', { type: 'BillingPayment', status: 'charging' }),
      ],
    } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [] });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.QueueUrl, JSON.parse(c.args[0].input.MessageBody!)]);
    expect(sent).toEqual([['http://q/unit-topup-checks', { type: 'topup-check', participant: 'urn:authenticateit:participant:p1' }]]);
  });

  it('queues a new pending bank cash-out transfer to cashout-transfers; its later states are not queued again', async () => {
    sqsMock.on(SendMessageCommand).resolves({});
    const envelope = { v: 2, kek: 'k', iv: 'i', ct: 'c', tag: 't' };
    const transfer = (status: string) => ({
      type: 'CashoutTransfer', uuid: 't1', user: 'urn:authenticateit:user:u1', status,
      account: { id: 'a1', country: '036', bank: 'B', name: 'N', bsb: '123456', accountNumber: envelope, accountLast3: '789' },
      coins: 10n ** 20n, payFeeWithCoins: false, currency: 'aud', priceNum: 12n, priceDen: 1000n, gasCoins: 10n ** 19n, gasFeePercent: '59', transactionFeeMinor: 150n,
      debitCoins: 10n ** 20n, transferCoins: 1n, feeCoins: 2n, payoutValueMinor: 3n, ts: at, createdAt: at, updatedAt: at,
    });
    const event = { Records: [record('1', 'INSERT', transfer('pending')), record('2', 'MODIFY', transfer('paying')), record('3', 'MODIFY', transfer('failed'))] } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [] });
    const sent = sqsMock.commandCalls(SendMessageCommand).map((c) => [c.args[0].input.QueueUrl, JSON.parse(c.args[0].input.MessageBody!)]);
    expect(sent).toEqual([['http://q/unit-cashout-transfers', { type: 'cashout-transfer', uuid: 't1' }]]);
  });

  it('maps a new pending coin transfer (numbers arrive as text) into one moderation mail per moderator', async () => {
    process.env.MODERATORS = 'm1@example.com, m2@example.com';
    resetConfig();
    try {
      sqsMock.on(SendMessageCommand).resolves({});
      const transfer = { type: 'CoinTransfer', uuid: 't1', user: 'urn:u', address: '0xA', coins: 25n * 10n ** 17n, fee: 10n ** 16n, status: 'pending', hash: null, ts: at };
      const event = { Records: [record('9', 'INSERT', transfer)] } as unknown as DynamoDBStreamEvent;
      expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [] });
      const mails = sqsMock.commandCalls(SendMessageCommand).map((c) => JSON.parse(c.args[0].input.MessageBody!));
      expect(mails.map((m) => [m.to, m.subject])).toEqual([
        ['m1@example.com', 'Transfer to approve: 2.5 coins to 0xA'],
        ['m2@example.com', 'Transfer to approve: 2.5 coins to 0xA'],
      ]);
      expect(mails[0].text).toContain('(fee 0.01)');
    } finally {
      delete process.env.MODERATORS;
      resetConfig();
    }
  });

  it('reports the first failed record so the stream resumes from it', async () => {
    sqsMock.on(SendMessageCommand).rejectsOnce(new Error('throttled')).resolves({});
    const event = {
      Records: [record('7', 'INSERT', payout('a', 'chain')), record('8', 'INSERT', payout('b', 'chain'))],
    } as unknown as DynamoDBStreamEvent;
    expect(await dispatchOutboxRecords(event)).toEqual({ batchItemFailures: [{ itemIdentifier: '7' }] });
  });
});
