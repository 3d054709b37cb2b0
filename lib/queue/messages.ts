/** Every message that crosses a queue, typed with zod. Producers and workers share these schemas. */
import * as z from 'zod/mini';
import { QUEUE_ENV, type QueueName } from '../config/uses.js';
import { NETWORKS } from '../db/keys.js';

export const chainTransferMessage = z.object({
  type: z.literal('chain-transfer'),
  /** The payout to settle; the worker reads its state, so redelivery is harmless. */
  unit: z.string().check(z.minLength(1)),
});

export const chainConfirmMessage = z.object({
  type: z.literal('chain-confirm'),
  network: z.enum(NETWORKS),
  /** The nonce whose settlement this check follows; it re-schedules itself until that nonce is final. Absent: one pass. */
  nonce: z.optional(z.int().check(z.nonnegative())),
});

/** The chain worker's queue: payouts ready to send, and confirmation checks of what is in flight. */
export const chainMessage = z.discriminatedUnion('type', [chainTransferMessage, chainConfirmMessage]);

export const textcoinMailMessage = z.object({
  type: z.literal('textcoin-mail'),
  unit: z.string().check(z.minLength(1)),
});

export const emailMessage = z.object({
  type: z.literal('email'),
  to: z.string().check(z.minLength(3)),
  subject: z.string(),
  text: z.string(),
  html: z.optional(z.string()),
});

export const mailMessage = z.discriminatedUnion('type', [textcoinMailMessage, emailMessage]);

export const cashoutPaymentMessage = z.object({
  type: z.literal('cashout-payment'),
  /** The claim to pay; the worker reads its state, so redelivery is harmless. */
  uuid: z.string().check(z.minLength(1)),
});

export const webhookDeliveryMessage = z.object({
  type: z.literal('webhook-delivery'),
  id: z.string().check(z.minLength(1)),
  /** Earliest time of this attempt (ISO): SQS delays stop at 15 minutes, so longer waits are chained. */
  notBefore: z.optional(z.string()),
});

/** A participant's deposit changed: start its automatic top-up if the deposit is at or below its threshold. */
export const topUpCheckMessage = z.object({
  type: z.literal('topup-check'),
  participant: z.string().check(z.minLength(1)),
});

/** A new bank cash-out transfer to pay; the worker reads its state, so redelivery is harmless. */
export const cashoutTransferMessage = z.object({
  type: z.literal('cashout-transfer'),
  uuid: z.string().check(z.minLength(1)),
});

/** An approved exchange transfer (Coinbase, Poloniex) to send or follow; the worker reads its state, so redelivery is harmless. */
export const exchangeTransferMessage = z.object({
  type: z.literal('exchange-transfer'),
  uuid: z.string().check(z.minLength(1)),
});

export type ChainTransferMessage = z.infer<typeof chainTransferMessage>;
export type ChainMessage = z.infer<typeof chainMessage>;
export type MailMessage = z.infer<typeof mailMessage>;

/** Logical queue -> the variable holding its name, and its messages. */
export const queues = {
  chainTransfers: { env: QUEUE_ENV.chainTransfers, schema: chainMessage },
  mail: { env: QUEUE_ENV.mail, schema: mailMessage },
  cashoutPayments: { env: QUEUE_ENV.cashoutPayments, schema: cashoutPaymentMessage },
  webhookDeliveries: { env: QUEUE_ENV.webhookDeliveries, schema: webhookDeliveryMessage },
  topUpChecks: { env: QUEUE_ENV.topUpChecks, schema: topUpCheckMessage },
  cashoutTransfers: { env: QUEUE_ENV.cashoutTransfers, schema: cashoutTransferMessage },
  exchangeTransfers: { env: QUEUE_ENV.exchangeTransfers, schema: exchangeTransferMessage },
} as const;

export type { QueueName };
export type MessageOf<Q extends QueueName> = z.infer<(typeof queues)[Q]['schema']>;
