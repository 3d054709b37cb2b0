/**
 * Reads the resolved serverless configuration (`serverless print`), so the local stack builds the very
 * table, queues, event source mappings and schedules that resources/ and functions/ declare for AWS.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, UpdateTableCommand, UpdateTimeToLiveCommand, type CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { parse as parseYaml } from 'yaml';
import { localAws } from './local-aws.js';

export const ROOT = join(import.meta.dirname, '../..');

type Cfn = { Type: string; Properties: Record<string, unknown> };
export interface FunctionDef {
  key: string;
  handler: string;
  timeout: number;
  environment: Record<string, string>;
  events: Record<string, unknown>[];
}

export interface ServiceDefinition {
  /** Every variable any function is given (each function gets only its own: `functions[].environment`). */
  environment: Record<string, string>;
  functions: FunctionDef[];
  resources: Record<string, Cfn>;
}

export function printServerless(env: NodeJS.ProcessEnv, stage = 'local'): ServiceDefinition {
  const out = spawnSync(process.execPath, [join(ROOT, 'node_modules/serverless/bin/serverless.js'), 'print', '--stage', stage, '--format', 'json'], {
    cwd: ROOT,
    env: { ...process.env, ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (out.status !== 0) throw new Error(`serverless print failed: ${out.stderr || out.stdout}`);
  const config = JSON.parse(out.stdout.slice(out.stdout.indexOf('{')));
  const providerTimeout = Number(config.provider.timeout ?? 6);
  const functionEnvironments = Object.values(config.functions as Record<string, { environment?: Record<string, string> }>).map((f) => f.environment ?? {});
  return {
    environment: Object.assign({}, config.provider.environment, ...functionEnvironments),
    resources: config.resources?.Resources ?? {},
    functions: Object.entries(config.functions as Record<string, Record<string, unknown>>).map(([key, f]) => ({
      key,
      handler: String(f.handler),
      timeout: Number(f.timeout ?? providerTimeout),
      environment: (f.environment as Record<string, string>) ?? {},
      events: (f.events as Record<string, unknown>[]) ?? [],
    })),
  };
}

/** serverless names a function's CloudFormation resource `<PascalKey>LambdaFunction`. */
export const functionLogicalId = (key: string) => `${key.charAt(0).toUpperCase()}${key.slice(1).replace(/[-_](\w)/g, (_, c: string) => c.toUpperCase())}LambdaFunction`;

const getAttTarget = (v: unknown): string | undefined => {
  const att = (v as { 'Fn::GetAtt'?: [string, string] | string })?.['Fn::GetAtt'];
  return Array.isArray(att) ? att[0] : typeof att === 'string' ? att.split('.')[0] : undefined;
};

export interface QueueDef {
  logicalId: string;
  name: string;
  visibilityTimeout: number;
  dlqLogicalId?: string;
  maxReceiveCount?: number;
}

export function queuesOf(def: ServiceDefinition): QueueDef[] {
  return Object.entries(def.resources)
    .filter(([, r]) => r.Type === 'AWS::SQS::Queue')
    .map(([logicalId, r]) => {
      const redrive = r.Properties.RedrivePolicy as { deadLetterTargetArn?: unknown; maxReceiveCount?: number } | undefined;
      return {
        logicalId,
        name: String(r.Properties.QueueName),
        visibilityTimeout: Number(r.Properties.VisibilityTimeout ?? 30),
        dlqLogicalId: redrive ? getAttTarget(redrive.deadLetterTargetArn) : undefined,
        maxReceiveCount: redrive?.maxReceiveCount,
      };
    });
}

export interface MappingDef {
  queue: QueueDef;
  fn: FunctionDef;
  batchSize: number;
  batchWindowSeconds: number;
  /** Concurrent invocations the mapping allows (ScalingConfig.MaximumConcurrency); one when unset. */
  maxConcurrency: number;
  reportBatchItemFailures: boolean;
}

const getAttAttribute = (v: unknown): string | undefined => {
  const att = (v as { 'Fn::GetAtt'?: [string, string] })?.['Fn::GetAtt'];
  return Array.isArray(att) ? att[1] : undefined;
};
const isStreamMapping = (r: Cfn) => getAttAttribute(r.Properties.EventSourceArn) === 'StreamArn';

export function eventSourceMappingsOf(def: ServiceDefinition): MappingDef[] {
  const queues = queuesOf(def);
  return Object.values(def.resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && !isStreamMapping(r))
    .map((r) => {
      const queueId = getAttTarget(r.Properties.EventSourceArn);
      const fnId = getAttTarget(r.Properties.FunctionName);
      const queue = queues.find((q) => q.logicalId === queueId);
      const fn = def.functions.find((f) => functionLogicalId(f.key) === fnId);
      if (!queue || !fn) throw new Error(`event source mapping ${queueId} -> ${fnId} names an unknown queue or function`);
      return {
        queue,
        fn,
        batchSize: Number(r.Properties.BatchSize ?? 10),
        batchWindowSeconds: Number(r.Properties.MaximumBatchingWindowInSeconds ?? 0),
        maxConcurrency: Number((r.Properties.ScalingConfig as { MaximumConcurrency?: number } | undefined)?.MaximumConcurrency ?? 1),
        reportBatchItemFailures: ((r.Properties.FunctionResponseTypes as string[]) ?? []).includes('ReportBatchItemFailures'),
      };
    });
}

export interface StreamMappingDef {
  tableName: string;
  fn: FunctionDef;
  batchSize: number;
  startingPosition: 'TRIM_HORIZON' | 'LATEST';
  /** EventBridge-style filter patterns (exact-value matching is what we use). */
  filters: Record<string, unknown>[];
}

export function streamMappingsOf(def: ServiceDefinition): StreamMappingDef[] {
  return Object.values(def.resources)
    .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping' && isStreamMapping(r))
    .map((r) => {
      const table = def.resources[getAttTarget(r.Properties.EventSourceArn) ?? ''];
      const fn = def.functions.find((f) => functionLogicalId(f.key) === getAttTarget(r.Properties.FunctionName));
      if (!table || !fn) throw new Error('stream event source mapping names an unknown table or function');
      const filters = ((r.Properties.FilterCriteria as { Filters?: { Pattern: string }[] })?.Filters ?? []).map((f) => JSON.parse(f.Pattern) as Record<string, unknown>);
      return {
        tableName: String(table.Properties.TableName),
        fn,
        batchSize: Number(r.Properties.BatchSize ?? 100),
        startingPosition: (r.Properties.StartingPosition as 'TRIM_HORIZON' | 'LATEST') ?? 'LATEST',
        filters,
      };
    });
}

/** Lambda event filtering, for the patterns we use: every key present, every leaf value listed (exactly, or `{"prefix"}`). */
export function matchesFilter(record: unknown, pattern: unknown): boolean {
  if (Array.isArray(pattern)) return pattern.some((v) => (v && typeof v === 'object' && 'prefix' in v ? typeof record === 'string' && record.startsWith(String(v.prefix)) : v === record));
  if (!pattern || typeof pattern !== 'object') return pattern === record;
  if (!record || typeof record !== 'object') return false;
  return Object.entries(pattern).every(([k, v]) => matchesFilter((record as Record<string, unknown>)[k], v));
}

export function schedulesOf(def: ServiceDefinition): { fn: FunctionDef; everyMs: number }[] {
  const unitMs: Record<string, number> = { minute: 60_000, minutes: 60_000, hour: 3_600_000, hours: 3_600_000, day: 86_400_000, days: 86_400_000 };
  return def.functions.flatMap((fn) =>
    fn.events.flatMap((e) => {
      const schedule = e.schedule as string | { rate: string | string[] } | undefined;
      if (!schedule) return [];
      const rate = typeof schedule === 'string' ? schedule : [schedule.rate].flat()[0]!;
      const m = /^rate\((\d+)\s+(\w+)\)$/.exec(rate);
      return m ? [{ fn, everyMs: Number(m[1]) * unitMs[m[2]!]! }] : [];
    }),
  );
}

export function httpRoutesOf(def: ServiceDefinition): { method: string; path: string; fn: string }[] {
  return def.functions.flatMap((fn) =>
    fn.events.flatMap((e) => {
      const http = e.httpApi as { method: string; path: string } | undefined;
      return http ? [{ method: http.method.toLowerCase(), path: http.path, fn: fn.key }] : [];
    }),
  );
}

/** Creates the table (with TTL) and the queues (DLQs first) declared in resources/, when missing. */
export async function createResources(def: ServiceDefinition, endpoints: { dynamodb: string; sqs: string }): Promise<void> {
  const ddb = new DynamoDBClient(localAws(endpoints.dynamodb));
  const sqs = new SQSClient(localAws(endpoints.sqs));
  try {
    for (const r of Object.values(def.resources).filter((x) => x.Type === 'AWS::DynamoDB::Table')) {
      const p = r.Properties;
      const TableName = String(p.TableName);
      const existing = await ddb.send(new DescribeTableCommand({ TableName })).then(
        (o) => o.Table,
        () => undefined,
      );
      const stream = p.StreamSpecification as { StreamViewType: string } | undefined;
      if (existing) {
        // A table kept in .local/ from an older checkout: bring its stream and indexes in line with resources/.
        if (stream && !existing.StreamSpecification?.StreamEnabled) {
          await ddb.send(new UpdateTableCommand({ TableName, StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType as 'NEW_IMAGE' } }));
        }
        await addMissingIndexes(ddb, TableName, existing.GlobalSecondaryIndexes ?? [], p);
        continue;
      }
      await ddb.send(
        new CreateTableCommand({
          TableName,
          BillingMode: 'PAY_PER_REQUEST',
          ...(stream ? { StreamSpecification: { StreamEnabled: true, StreamViewType: stream.StreamViewType } } : {}),
          AttributeDefinitions: p.AttributeDefinitions,
          KeySchema: p.KeySchema,
          GlobalSecondaryIndexes: p.GlobalSecondaryIndexes,
        } as CreateTableCommandInput),
      );
      const ttl = p.TimeToLiveSpecification as { AttributeName: string; Enabled: boolean } | undefined;
      if (ttl?.Enabled) await ddb.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: ttl }));
    }
    const queues = queuesOf(def);
    const arns = new Map<string, string>();
    const ordered = [...queues].sort((a, b) => Number(!!a.dlqLogicalId) - Number(!!b.dlqLogicalId));
    for (const q of ordered) {
      const dlqArn = q.dlqLogicalId ? arns.get(q.dlqLogicalId) : undefined;
      const attributes: Record<string, string> = { VisibilityTimeout: String(q.visibilityTimeout) };
      if (dlqArn) attributes.RedrivePolicy = JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: String(q.maxReceiveCount ?? 5) });
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: q.name, Attributes: attributes }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['QueueArn'] }));
      arns.set(q.logicalId, Attributes!.QueueArn!);
    }
  } finally {
    ddb.destroy();
    sqs.destroy();
  }
}

/** Adds the indexes resources/ declares that a kept table lacks (one per update, as DynamoDB allows). */
async function addMissingIndexes(ddb: DynamoDBClient, TableName: string, existing: { IndexName?: string }[], p: Record<string, unknown>): Promise<void> {
  const have = new Set(existing.map((i) => i.IndexName));
  const declared = (p.GlobalSecondaryIndexes ?? []) as NonNullable<CreateTableCommandInput['GlobalSecondaryIndexes']>;
  const attributes = p.AttributeDefinitions as CreateTableCommandInput['AttributeDefinitions'];
  for (const index of declared.filter((i) => !have.has(i.IndexName))) {
    await ddb.send(new UpdateTableCommand({ TableName, AttributeDefinitions: attributes, GlobalSecondaryIndexUpdates: [{ Create: { IndexName: index.IndexName, KeySchema: index.KeySchema, Projection: index.Projection } }] }));
  }
}

/** The table's keys and indexes as resources/table.yml declares them. */
function tableKeys(): Pick<CreateTableCommandInput, 'AttributeDefinitions' | 'KeySchema' | 'GlobalSecondaryIndexes'> {
  const doc = parseYaml(readFileSync(join(ROOT, 'resources/table.yml'), 'utf8')) as { Resources: { Table: { Properties: CreateTableCommandInput } } };
  const { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes } = doc.Resources.Table.Properties;
  return { AttributeDefinitions, KeySchema, GlobalSecondaryIndexes };
}

/** A table with the stack's keys and indexes but no stream: what is written there reaches no outbox or worker. */
export async function createStreamlessTable(endpoint: string, TableName: string): Promise<void> {
  const ddb = new DynamoDBClient(localAws(endpoint));
  try {
    await ddb.send(new CreateTableCommand({ TableName, BillingMode: 'PAY_PER_REQUEST', ...tableKeys() }));
  } finally {
    ddb.destroy();
  }
}
