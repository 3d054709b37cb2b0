/**
 * Checks the CloudFormation template `serverless package` produced: under the 500-resource limit, every
 * Ref/GetAtt resolves, every work queue has a DLQ, and every worker's timeout is below its queue's
 * visibility timeout. Exits non-zero with the reasons when something is off.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Resource = { Type: string; Properties?: Record<string, unknown> };
const file = join(import.meta.dirname, '../.serverless/cloudformation-template-update-stack.json');
const template = JSON.parse(readFileSync(file, 'utf8')) as { Resources: Record<string, Resource>; Outputs?: unknown };
const resources = template.Resources;
const problems: string[] = [];
const PSEUDO = new Set(['AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackId', 'AWS::NoValue']);

const count = Object.keys(resources).length;
if (count >= 500) problems.push(`${count} resources: CloudFormation allows at most 500`);

function walk(node: unknown, where: string): void {
  if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
  if (!node || typeof node !== 'object') return;
  for (const [k, v] of Object.entries(node)) {
    if (k === 'Ref' && typeof v === 'string' && !PSEUDO.has(v) && !resources[v]) problems.push(`${where}: Ref to unknown ${v}`);
    if (k === 'Fn::GetAtt') {
      const target = Array.isArray(v) ? v[0] : String(v).split('.')[0];
      if (!resources[target as string]) problems.push(`${where}: GetAtt of unknown ${target}`);
    }
    walk(v, `${where}.${k}`);
  }
}
walk(template, 'template');

const target = (v: unknown) => {
  const att = (v as Record<string, unknown>)?.['Fn::GetAtt'];
  return Array.isArray(att) ? String(att[0]) : undefined;
};
const queues = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
const onFailureTargets = Object.values(resources).map((r) => target((r.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } })?.OnFailure?.Destination));
const dlqIds = new Set([...queues.map(([, r]) => target((r.Properties?.RedrivePolicy as Record<string, unknown>)?.deadLetterTargetArn)), ...onFailureTargets].filter(Boolean));
for (const [id, r] of queues) {
  if (dlqIds.has(id)) continue;
  const redrive = r.Properties?.RedrivePolicy as Record<string, unknown> | undefined;
  if (!redrive?.deadLetterTargetArn || !redrive.maxReceiveCount) problems.push(`queue ${id} has no dead-letter queue (RedrivePolicy)`);
}

const mappings = Object.entries(resources).filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping');
for (const [id, m] of mappings) {
  const fn = resources[target(m.Properties?.FunctionName) ?? ''];
  const source = m.Properties?.EventSourceArn as Record<string, string[]>;
  if (source?.['Fn::GetAtt']?.[1] === 'StreamArn') {
    const destination = (m.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } })?.OnFailure?.Destination;
    if (!destination) problems.push(`${id}: stream mapping has no on-failure destination`);
    if (!((m.Properties?.FunctionResponseTypes as string[]) ?? []).includes('ReportBatchItemFailures')) problems.push(`${id}: no ReportBatchItemFailures`);
    continue;
  }
  const queue = resources[target(m.Properties?.EventSourceArn) ?? ''];
  if (!fn || !queue) {
    problems.push(`${id}: function or queue missing`);
    continue;
  }
  const timeout = Number(fn.Properties?.Timeout ?? 6);
  const visibility = Number(queue.Properties?.VisibilityTimeout ?? 30);
  if (timeout >= visibility) problems.push(`${id}: worker timeout ${timeout}s is not below the queue visibility timeout ${visibility}s`);
  if (!((m.Properties?.FunctionResponseTypes as string[]) ?? []).includes('ReportBatchItemFailures')) problems.push(`${id}: no ReportBatchItemFailures`);
}
const workers = Object.keys(resources).filter((id) => /Worker.*LambdaFunction$/.test(id));
for (const w of workers) {
  if (!mappings.some(([, m]) => target(m.Properties?.FunctionName) === w)) problems.push(`${w} has no event source mapping`);
}

console.log(`template: ${count} resources, ${queues.length} queues (${dlqIds.size} DLQs), ${mappings.length} event source mappings`);
if (problems.length) {
  console.error(problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(1);
}
console.log('template checks passed');
