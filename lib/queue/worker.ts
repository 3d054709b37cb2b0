/**
 * SQS worker wrapper: parses each record with its zod schema, runs the handler per record and reports
 * partial batch failures, so one bad message is retried (and eventually dead-lettered) alone.
 * Handlers must be idempotent (delivery is at least once): they advance state machines with conditional writes.
 * A message that fails validation is poison: it is logged and reported failed so it lands in the DLQ.
 */
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type * as z from 'zod/mini';
import { declaredRunner, type Use } from '../config/uses.js';
import { log } from '../log/index.js';

/**
 * A queue consumer, stream consumer or scheduled job: its function name, what it uses (its environment and
 * IAM role are generated from that), timeout and schedule. The queue and stream wiring is in
 * resources/event-sources.yml.
 */
export interface WorkerDeclaration {
  name: string;
  description: string;
  timeout: number;
  uses: readonly Use[];
  /** An EventBridge schedule expression, e.g. `rate(1 minute)`. */
  schedule?: string;
}

/* @__NO_SIDE_EFFECTS__ */
export function defineWorker(worker: WorkerDeclaration): WorkerDeclaration {
  return worker;
}

/** The Lambda handler of a worker: its configuration checked once per container, its uses enforced. */
/* @__NO_SIDE_EFFECTS__ */
export function workerHandler<E, R>(worker: WorkerDeclaration, handle: (event: E) => Promise<R>): (event: E) => Promise<R> {
  const run = declaredRunner(worker.uses);
  return (event) => run(() => handle(event));
}

export interface RecordContext {
  messageId: string;
  receiveCount: number;
}

export function sqsWorker<S extends z.ZodMiniType>(name: string, schema: S, handle: (msg: z.infer<S>, ctx: RecordContext) => Promise<void>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures: { itemIdentifier: string }[] = [];
    for (const record of event.Records) {
      const ctx = { messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
      try {
        const msg = parseRecord(schema, record);
        await handle(msg, ctx);
      } catch (err) {
        log.error(`${name}: message failed`, { messageId: record.messageId, receiveCount: ctx.receiveCount, error: err });
        failures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures: failures };
  };
}

export interface ParsedRecord<T> {
  messageId: string;
  msg: T;
  ctx: RecordContext;
}

/**
 * For workers that act on a whole batch at once (the chain worker packs many payouts into one transaction):
 * the handler gets every valid message and returns the ids of those that failed; invalid ones fail alone,
 * and a thrown error fails the batch.
 */
export function sqsBatchWorker<S extends z.ZodMiniType>(name: string, schema: S, handle: (records: ParsedRecord<z.infer<S>>[]) => Promise<string[]>) {
  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failed: string[] = [];
    const parsed: ParsedRecord<z.infer<S>>[] = [];
    for (const record of event.Records) {
      const ctx = { messageId: record.messageId, receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 1) };
      try {
        parsed.push({ messageId: record.messageId, msg: parseRecord(schema, record), ctx });
      } catch (err) {
        log.error(`${name}: message failed`, { messageId: record.messageId, receiveCount: ctx.receiveCount, error: err });
        failed.push(record.messageId);
      }
    }
    try {
      failed.push(...(await handle(parsed)));
    } catch (err) {
      log.error(`${name}: batch failed`, { messages: parsed.length, error: err });
      failed.push(...parsed.map((r) => r.messageId));
    }
    return { batchItemFailures: failed.map((itemIdentifier) => ({ itemIdentifier })) };
  };
}

function parseRecord<S extends z.ZodMiniType>(schema: S, record: SQSRecord): z.infer<S> {
  let body: unknown;
  try {
    body = JSON.parse(record.body);
  } catch {
    throw new Error('message body is not JSON');
  }
  const result = schema.safeParse(body);
  if (!result.success) throw new Error(`invalid message: ${result.error.issues.map((i) => i.message).join('; ')}`);
  return result.data;
}
