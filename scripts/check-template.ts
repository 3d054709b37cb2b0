/**
 * Checks what `serverless package` produced: the root template and every nested stack under CloudFormation's
 * 500-resource limit (with the headroom in functions and routes printed), every Ref/GetAtt resolving, every
 * work queue with a DLQ, every worker's timeout below its queue's visibility timeout, and one IAM role per
 * function granting exactly what the function's route contract or worker declaration uses (plus writing
 * its own logs). Exits non-zero with the reasons when something is off.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { discoverFunctions, statementsOf } from './functions.js';

type Resource = { Type: string; Properties?: Record<string, unknown>; DependsOn?: unknown };
type Template = { Resources: Record<string, Resource>; Parameters?: Record<string, unknown>; Outputs?: Record<string, { Value: unknown }> };

const LIMIT = 500;
const dir = join(import.meta.dirname, '../.serverless');
const root = JSON.parse(readFileSync(join(dir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
const nested = Object.fromEntries(
  readdirSync(dir)
    .filter((f) => /^cloudformation-template-.+-nested-stack\.json$/.test(f))
    .map((f) => [`${f.replace(/^cloudformation-template-|-nested-stack\.json$/g, '')}NestedStack`, JSON.parse(readFileSync(join(dir, f), 'utf8')) as Template]),
);
const stacks: [string, Template][] = [['root', root], ...Object.entries(nested)];
const problems: string[] = [];
const PSEUDO = new Set(['AWS::Region', 'AWS::AccountId', 'AWS::StackName', 'AWS::Partition', 'AWS::URLSuffix', 'AWS::StackId', 'AWS::NoValue']);

// --- limits and references ---
for (const [name, t] of stacks) {
  const count = Object.keys(t.Resources).length;
  if (count >= LIMIT) problems.push(`${name}: ${count} resources, CloudFormation allows ${LIMIT}`);
  const known = (id: string) => Boolean(t.Resources[id] || t.Parameters?.[id]);
  const walk = (node: unknown, where: string): void => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${where}[${i}]`));
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) {
      if (k === 'Ref' && typeof v === 'string' && !PSEUDO.has(v) && !known(v)) problems.push(`${name} ${where}: Ref to unknown ${v}`);
      if (k === 'Fn::GetAtt') {
        const [target, attribute] = Array.isArray(v) ? (v as string[]) : String(v).split('.');
        if (!t.Resources[target!]) problems.push(`${name} ${where}: GetAtt of unknown ${target}`);
        const output = attribute?.startsWith('Outputs.') ? attribute.slice(8) : undefined;
        if (output && nested[target!] && !nested[target!]!.Outputs?.[output]) problems.push(`${name} ${where}: ${target} has no output ${output}`);
      }
      walk(v, `${where}.${k}`);
    }
  };
  walk(t.Resources, 'Resources');
  walk(t.Outputs, 'Outputs');
}

// Every resource by logical id, and a nested stack output resolved to what it exports.
const all = new Map<string, Resource>(stacks.flatMap(([, t]) => Object.entries(t.Resources)));
function targetOf(v: unknown): string | undefined {
  const att = (v as Record<string, unknown>)?.['Fn::GetAtt'];
  if (!Array.isArray(att)) return undefined;
  const [id, attribute] = att as [string, string];
  if (nested[id] && attribute.startsWith('Outputs.')) return targetOf(nested[id]!.Outputs?.[attribute.slice(8)]?.Value);
  return id;
}

// --- queues and their consumers ---
const queues = Object.entries(root.Resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
const onFailureTargets = [...all.values()].map((r) => targetOf((r.Properties?.DestinationConfig as { OnFailure?: { Destination?: unknown } })?.OnFailure?.Destination));
const dlqIds = new Set([...queues.map(([, r]) => targetOf((r.Properties?.RedrivePolicy as Record<string, unknown>)?.deadLetterTargetArn)), ...onFailureTargets].filter(Boolean));
for (const [id, r] of queues) {
  if (dlqIds.has(id)) continue;
  const redrive = r.Properties?.RedrivePolicy as Record<string, unknown> | undefined;
  if (!redrive?.deadLetterTargetArn || !redrive.maxReceiveCount) problems.push(`queue ${id} has no dead-letter queue (RedrivePolicy)`);
}

const mappings = [...all.entries()].filter(([, r]) => r.Type === 'AWS::Lambda::EventSourceMapping');
for (const [id, m] of mappings) {
  const fn = all.get(targetOf(m.Properties?.FunctionName) ?? '');
  if (!((m.Properties?.FunctionResponseTypes as string[]) ?? []).includes('ReportBatchItemFailures')) problems.push(`${id}: no ReportBatchItemFailures`);
  const source = m.Properties?.EventSourceArn as Record<string, string[]>;
  if (source?.['Fn::GetAtt']?.[1] === 'StreamArn') {
    if (!(m.Properties?.DestinationConfig as { OnFailure?: unknown })?.OnFailure) problems.push(`${id}: stream mapping has no on-failure destination`);
    continue;
  }
  const queue = all.get(targetOf(m.Properties?.EventSourceArn) ?? '');
  if (!fn || !queue) {
    problems.push(`${id}: function or queue missing`);
    continue;
  }
  const timeout = Number(fn.Properties?.Timeout ?? 6);
  const visibility = Number(queue.Properties?.VisibilityTimeout ?? 30);
  if (timeout >= visibility) problems.push(`${id}: worker timeout ${timeout}s is not below the queue visibility timeout ${visibility}s`);
}

// --- one role per function, granting what it uses ---
const functions = await discoverFunctions();
const logicalId = (name: string) => `${name.charAt(0).toUpperCase()}${name.slice(1)}LambdaFunction`;
const lambdas = [...all.entries()].filter(([, r]) => r.Type === 'AWS::Lambda::Function');
const roleUsers = new Map<string, string[]>();
const isLogs = (s: { Action: string[] }) => s.Action.every((a) => a.startsWith('logs:'));
// Parameters passed into nested stacks stand for the root's resources: compare by what they stand for.
const normalise = (v: unknown): unknown =>
  JSON.parse(
    JSON.stringify(v)
      .replace(/\{"Ref":"(\w+?)StreamArnParameter"\}/g, '{"Fn::GetAtt":["$1","StreamArn"]}')
      .replace(/\{"Ref":"(\w+?)ArnParameter"\}/g, '{"Fn::GetAtt":["$1","Arn"]}'),
  );
for (const [id, fn] of lambdas) {
  const declared = functions.find((f) => logicalId(f.name) === id);
  if (!declared) {
    problems.push(`${id}: no route contract or worker declaration`);
    continue;
  }
  const roleId = targetOf(fn.Properties?.Role);
  const role = all.get(roleId ?? '');
  if (!roleId || !role) {
    problems.push(`${id}: no role of its own`);
    continue;
  }
  roleUsers.set(roleId, [...(roleUsers.get(roleId) ?? []), id]);
  const granted = ((role.Properties?.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[]) ?? []).flatMap((p) => p.PolicyDocument.Statement);
  const expected = statementsOf(declared.route?.uses ?? declared.worker!.uses);
  const extra = granted.filter((g) => !isLogs(g) && !expected.some((e) => JSON.stringify(normalise(g)) === JSON.stringify(normalise(e))));
  const missing = expected.filter((e) => !granted.some((g) => JSON.stringify(normalise(g)) === JSON.stringify(normalise(e))));
  for (const s of extra) problems.push(`${roleId} grants ${s.Action.join(',')} that ${declared.name} does not use`);
  for (const s of missing) problems.push(`${roleId} lacks ${s.Action.join(',')} that ${declared.name} uses`);
  for (const s of granted.filter(isLogs)) {
    if (!JSON.stringify(s).includes(`/aws/lambda/`) || !JSON.stringify(s).endsWith(`${declared.name}:*:*",{}]}]}`)) problems.push(`${roleId}: logs access beyond its own log group`);
  }
}
for (const [roleId, users] of roleUsers) if (users.length > 1) problems.push(`${roleId} is shared by ${users.join(', ')}`);
for (const [id, r] of all) {
  if (r.Type !== 'AWS::IAM::Role' || roleUsers.has(id)) continue;
  // serverless's default role: no function uses it; it may only write logs.
  const statements = ((r.Properties?.Policies as { PolicyDocument: { Statement: { Action: string[] }[] } }[]) ?? []).flatMap((p) => p.PolicyDocument.Statement);
  if (!statements.every(isLogs)) problems.push(`${id}: attached to no function yet grants ${statements.flatMap((s) => s.Action).join(',')}`);
}

// --- headroom ---
const routes = Object.values(root.Resources).filter((r) => r.Type === 'AWS::ApiGatewayV2::Route').length;
const rootPerRoute = 2; // a route and its integration stay in the root stack
const largestNested = Math.max(...Object.values(nested).map((t) => Object.keys(t.Resources).length));
const perFunction = Object.values(nested).reduce((n, t) => n + Object.keys(t.Resources).length, 0) / Math.max(1, lambdas.length);
const nestedCount = Object.keys(nested).length;
console.log(
  `template: root ${Object.keys(root.Resources).length}/${LIMIT} resources, ${nestedCount} nested stacks (largest ${largestNested}/${LIMIT}), ${lambdas.length} functions (${routes} routes), ${queues.length} queues (${dlqIds.size} DLQs), ${mappings.length} event source mappings`,
);
const moreRoutes = Math.floor((LIMIT - Object.keys(root.Resources).length) / rootPerRoute);
const moreFunctions = Math.floor((nestedCount * LIMIT) / perFunction) - lambdas.length;
console.log(`headroom: ${moreRoutes} more HTTP routes in the root stack; nested stacks hold about ${moreFunctions} more functions (~${perFunction.toFixed(1)} resources each, evenly hashed) -> room for ${lambdas.length + Math.min(moreRoutes, moreFunctions)} functions`);
if (problems.length) {
  console.error(problems.map((p) => `  - ${p}`).join('\n'));
  process.exit(1);
}
console.log('template checks passed');
