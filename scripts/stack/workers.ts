/**
 * Local stand-in for Lambda's SQS event source mappings and EventBridge schedules: one poller per mapping
 * receives up to BatchSize messages, invokes the worker with an SQS event, deletes what succeeded and leaves
 * reported failures to reappear after the queue's visibility timeout; fauxqs moves a message to the DLQ
 * after maxReceiveCount, as SQS does. Run as a child of `npm start` (reads .local/service.json) or in-process.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DeleteMessageBatchCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeStreamCommand, DynamoDBStreamsClient, GetRecordsCommand, GetShardIteratorCommand } from '@aws-sdk/client-dynamodb-streams';
import { eventSourceMappingsOf, matchesFilter, ROOT, schedulesOf, streamMappingsOf, type FunctionDef, type MappingDef, type ServiceDefinition, type StreamMappingDef } from './resources.js';
import { localAws } from './local-aws.js';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

async function loadHandler(fn: FunctionDef): Promise<Handler> {
  const dot = fn.handler.lastIndexOf('.');
  const file = join(ROOT, `${fn.handler.slice(0, dot)}.ts`);
  const mod = (await import(pathToFileURL(file).href)) as Record<string, Handler>;
  const handler = mod[fn.handler.slice(dot + 1)];
  if (!handler) throw new Error(`${fn.handler} exports no handler`);
  return handler;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms))),
  ]);
}

const context = (fn: FunctionDef) => ({ functionName: fn.key, getRemainingTimeInMillis: () => fn.timeout * 1000, awsRequestId: crypto.randomUUID() });

export function toSqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((m) => ({
      messageId: m.MessageId!,
      receiptHandle: m.ReceiptHandle!,
      body: m.Body ?? '',
      attributes: {
        ApproximateReceiveCount: m.Attributes?.ApproximateReceiveCount ?? '1',
        SentTimestamp: m.Attributes?.SentTimestamp ?? String(Date.now()),
        SenderId: 'local',
        ApproximateFirstReceiveTimestamp: m.Attributes?.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
      },
      messageAttributes: {},
      md5OfBody: m.MD5OfBody ?? '',
      eventSource: 'aws:sqs',
      eventSourceARN: queueArn,
      awsRegion: 'us-east-1',
    })),
  };
}

/**
 * One receive-invoke-delete round; returns how many messages were handled. Like Lambda's poller, a mapping
 * with a batch size above SQS's 10 and a batching window keeps receiving until the batch is full or the
 * window, counted from the first message, has passed.
 */
export async function pollOnce(sqs: SQSClient, mapping: MappingDef, handler: Handler, queueUrl: string, waitSeconds = 1): Promise<number> {
  const receive = async (wait: number) =>
    (await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: Math.min(10, mapping.batchSize), WaitTimeSeconds: wait, MessageSystemAttributeNames: ['All'] }))).Messages ?? [];
  const Messages = await receive(waitSeconds);
  if (Messages.length > 0 && mapping.batchSize > 10 && mapping.batchWindowSeconds > 0) {
    const windowEnds = Date.now() + mapping.batchWindowSeconds * 1000;
    while (Messages.length < mapping.batchSize && Date.now() < windowEnds) {
      const more = await receive(0);
      if (more.length) Messages.push(...more);
      else await new Promise((r) => setTimeout(r, 20));
    }
  }
  if (Messages.length === 0) return 0;
  const event = toSqsEvent(Messages, `arn:aws:sqs:us-east-1:000000000000:${mapping.queue.name}`);
  let failed = new Set<string>();
  try {
    const result = (await withTimeout(handler(event, context(mapping.fn)), mapping.fn.timeout * 1000, mapping.fn.key)) as SQSBatchResponse | undefined;
    if (mapping.reportBatchItemFailures) failed = new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
  } catch (err) {
    // A thrown error (or timeout) fails the whole batch, as with Lambda.
    console.error(`[workers] ${mapping.fn.key} failed: ${(err as Error).message}`);
    failed = new Set(Messages.map((m) => m.MessageId!));
  }
  const done = Messages.filter((m) => !failed.has(m.MessageId!));
  for (let i = 0; i < done.length; i += 10) {
    await sqs.send(new DeleteMessageBatchCommand({ QueueUrl: queueUrl, Entries: done.slice(i, i + 10).map((m, j) => ({ Id: String(j), ReceiptHandle: m.ReceiptHandle! })) }));
  }
  return Messages.length;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Local stand-in for a DynamoDB Streams event source mapping: follows every shard of the table's stream,
 * applies the mapping's filter patterns, invokes the worker with batches, and retries a batch from the
 * first reported failure (as Lambda does with ReportBatchItemFailures).
 */
export async function pollStream(mapping: StreamMappingDef, handler: Handler, dynamodbEndpoint: string, signal: AbortSignal): Promise<void> {
  const config = localAws(dynamodbEndpoint);
  const ddb = new DynamoDBClient(config);
  const streams = new DynamoDBStreamsClient(config);
  const { Table } = await ddb.send(new DescribeTableCommand({ TableName: mapping.tableName }));
  const streamArn = Table?.LatestStreamArn;
  if (!streamArn) throw new Error(`table ${mapping.tableName} has no stream`);
  const iterators = new Map<string, string | undefined>(); // shard -> iterator (undefined once closed and drained)
  let lastDescribe = 0;
  while (!signal.aborted) {
    if (Date.now() - lastDescribe > 2000) {
      lastDescribe = Date.now();
      const { StreamDescription } = await streams.send(new DescribeStreamCommand({ StreamArn: streamArn }));
      for (const shard of StreamDescription?.Shards ?? []) {
        if (iterators.has(shard.ShardId!)) continue;
        const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard.ShardId!, ShardIteratorType: mapping.startingPosition }));
        iterators.set(shard.ShardId!, ShardIterator);
      }
    }
    let busy = false;
    for (const [shard, iterator] of iterators) {
      if (!iterator) continue;
      // Like Lambda: read up to 1,000 records a call, filter them, invoke with at most BatchSize at a time.
      const out = await streams.send(new GetRecordsCommand({ ShardIterator: iterator, Limit: 1000 })).catch(async (err: Error) => {
        // An iterator older than the shard's retained records (or expired): start again from the oldest.
        if (err.name !== 'TrimmedDataAccessException' && err.name !== 'ExpiredIteratorException') throw err;
        const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard, ShardIteratorType: 'TRIM_HORIZON' }));
        return { Records: [], NextShardIterator: ShardIterator };
      });
      if (out.Records?.length) busy = true; // catching up, even through records the filters drop: no idle pause
      const records = (out.Records ?? []).filter((r) => mapping.filters.length === 0 || mapping.filters.some((f) => matchesFilter(r, f)));
      let retryFrom: string | undefined;
      for (let i = 0; i < records.length && !retryFrom; i += mapping.batchSize) {
        const batch = records.slice(i, i + mapping.batchSize);
        try {
          const result = (await withTimeout(handler({ Records: batch }, context(mapping.fn)), mapping.fn.timeout * 1000, mapping.fn.key)) as { batchItemFailures?: { itemIdentifier: string }[] } | undefined;
          retryFrom = result?.batchItemFailures?.[0]?.itemIdentifier;
        } catch (err) {
          console.error(`[workers] ${mapping.fn.key} failed: ${(err as Error).message}`);
          retryFrom = batch[0]!.dynamodb!.SequenceNumber; // the whole batch is retried
        }
      }
      if (retryFrom) {
        // Retry from the failed record: re-read the shard from that sequence number.
        const { ShardIterator } = await streams.send(new GetShardIteratorCommand({ StreamArn: streamArn, ShardId: shard, ShardIteratorType: 'AT_SEQUENCE_NUMBER', SequenceNumber: retryFrom }));
        iterators.set(shard, ShardIterator);
        await sleep(1000);
        continue;
      }
      iterators.set(shard, out.NextShardIterator);
      if (!out.NextShardIterator) {
        // The shard closed (DynamoDB rolls shards over): follow its child at once, as Lambda does, rather
        // than at the next periodic describe (which left records waiting up to 2 s).
        console.log(`[workers] stream shard ${shard} closed; following its successor`);
        lastDescribe = 0;
      }
    }
    if (!busy) await sleep(200);
  }
  ddb.destroy();
  streams.destroy();
}

export async function runWorkers(def: ServiceDefinition, sqsEndpoint: string, signal: AbortSignal, dynamodbEndpoint?: string): Promise<void> {
  const sqs = new SQSClient(localAws(sqsEndpoint));
  // One polling loop per allowed concurrent invocation (ScalingConfig), all in this process's one module instance.
  const loops = eventSourceMappingsOf(def).flatMap((mapping) => Array.from({ length: mapping.maxConcurrency }, async () => {
    const handler = await loadHandler(mapping.fn);
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: mapping.queue.name }));
    while (!signal.aborted) {
      try {
        await pollOnce(sqs, mapping, handler, QueueUrl!);
      } catch (err) {
        if (!signal.aborted) {
          console.error(`[workers] polling ${mapping.queue.name}: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    }
  }));
  const streamLoops = streamMappingsOf(def).map(async (mapping) => {
    const handler = await loadHandler(mapping.fn);
    while (!signal.aborted) {
      try {
        await pollStream(mapping, handler, dynamodbEndpoint ?? process.env.DYNAMODB_ENDPOINT!, signal);
      } catch (err) {
        if (!signal.aborted) {
          console.error(`[workers] stream ${mapping.tableName}: ${(err as Error).message}`);
          await sleep(1000);
        }
      }
    }
  });
  const timers = await Promise.all(
    schedulesOf(def).map(async ({ fn, everyMs }) => {
      const handler = await loadHandler(fn);
      const run = () => withTimeout(handler({ source: 'aws.events' }, context(fn)), fn.timeout * 1000, fn.key).catch((err) => console.error(`[workers] ${fn.key}: ${(err as Error).message}`));
      const first = setTimeout(run, Math.min(everyMs, 15_000));
      const every = setInterval(run, everyMs);
      return () => {
        clearTimeout(first);
        clearInterval(every);
      };
    }),
  );
  signal.addEventListener('abort', () => timers.forEach((stop) => stop()));
  await Promise.all([...loops, ...streamLoops]);
  sqs.destroy();
}

// Child-process entry point used by `npm start`.
if (process.argv[1] && import.meta.filename === process.argv[1]) {
  const file = process.argv[2] ?? join(ROOT, '.local/service.json');
  const { definition, sqsEndpoint } = JSON.parse(readFileSync(file, 'utf8')) as { definition: ServiceDefinition; sqsEndpoint: string };
  for (const fn of definition.functions) Object.assign(process.env, definition.environment, fn.environment);
  const controller = new AbortController();
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => controller.abort());
  console.log(
    `[workers] polling ${eventSourceMappingsOf(definition).map((m) => m.queue.name).join(', ')}; streams: ${streamMappingsOf(definition).map((m) => `${m.tableName} -> ${m.fn.key}`).join(', ')}; schedules: ${schedulesOf(definition).map((s) => s.fn.key).join(', ')}`,
  );
  runWorkers(definition, sqsEndpoint, controller.signal).then(() => process.exit(0));
}
