/**
 * The deployment's functions, generated from the code: every `functions/<domain>/<endpoint>.ts` exports its
 * route contract (`route`) and every `functions/<domain>/workers/<name>.ts` its worker declaration
 * (`worker`). From those come the serverless function definitions (handler, route or schedule, timeout,
 * the environment of the configuration it uses and an IAM role granting exactly that), the OpenAPI
 * document and the README's route index. serverless.yml reads them through resources/functions.cjs.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sectionVariables } from '../lib/config/index.js';
import { QUEUE_ENV, queuesOf, sectionsOf, type QueueName, type Use } from '../lib/config/uses.js';
import type { RouteContract } from '../lib/http/route.js';
import type { WorkerDeclaration } from '../lib/queue/worker.js';
import { VAULT_CONTEXT_KEYS, VAULT_PURPOSES } from '../lib/security/card-vault.js';

export const ROOT = join(import.meta.dirname, '..');

export interface DiscoveredFunction {
  /** The function's name in serverless.yml (its CloudFormation resource is `<Name>LambdaFunction`). */
  name: string;
  /** `functions/cards/earn.handler` */
  handler: string;
  file: string;
  route?: RouteContract;
  worker?: WorkerDeclaration;
}

const pascal = (s: string) => s.replace(/(^|[-_/])(\w)/g, (_, __, c: string) => c.toUpperCase());

/** `functions/cards/earn.ts` -> `cardsEarn`: the domain and the file, so names never collide. */
export const routeFunctionName = (file: string) => {
  const [domain, base] = relative(join(ROOT, 'functions'), file).replace(/\.ts$/, '').split('/') as [string, string];
  return `${domain}${pascal(base)}`;
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

/** Every function, in a stable order (by name). */
export async function discoverFunctions(): Promise<DiscoveredFunction[]> {
  const found: DiscoveredFunction[] = [];
  for (const file of sourceFiles(join(ROOT, 'functions'))) {
    const mod = (await import(pathToFileURL(file).href)) as { route?: RouteContract; worker?: WorkerDeclaration; handler?: unknown };
    const handler = `${relative(ROOT, file).replace(/\.ts$/, '')}.handler`;
    if (typeof mod.handler !== 'function') throw new Error(`${relative(ROOT, file)} exports no handler`);
    if (mod.route) found.push({ name: routeFunctionName(file), handler, file, route: mod.route });
    else if (mod.worker) found.push({ name: mod.worker.name, handler, file, worker: mod.worker });
    else throw new Error(`${relative(ROOT, file)} exports neither a route contract nor a worker declaration`);
  }
  const names = new Map<string, string>();
  for (const f of found) {
    if (names.has(f.name)) throw new Error(`two functions are named ${f.name}: ${names.get(f.name)} and ${f.handler}`);
    names.set(f.name, f.handler);
  }
  const routes = new Map<string, string>();
  for (const f of found.filter((x) => x.route)) {
    const key = `${f.route!.method} ${f.route!.path}`;
    if (routes.has(key)) throw new Error(`${key} is declared twice: ${routes.get(key)} and ${f.handler}`);
    routes.set(key, f.handler);
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

// --- Environment -------------------------------------------------------------------------------------

const secret = (key: string) => `{{resolve:secretsmanager:\${self:service}/\${sls:stage}:SecretString:${key}}}`;
const stageSetting = (key: string) => `\${self:custom.stageConfig.\${sls:stage}.${key}, self:custom.stageConfig.default.${key}}`;

/**
 * Where a variable's deployed value comes from when the deploying shell does not set it. Secrets are
 * CloudFormation dynamic references (resolved by CloudFormation, so packaging needs no credentials);
 * per-stage settings come from serverless.yml's custom.stageConfig. A variable not listed here and not set
 * is left out, so the function's own default applies.
 */
const DEPLOYED: Record<string, string> = {
  STAGE: '${sls:stage}',
  TABLE_NAME: '${self:custom.names.table}',
  CHAIN_TRANSFERS_QUEUE: '${self:custom.names.chainTransfersQueue}',
  MAIL_QUEUE: '${self:custom.names.mailQueue}',
  CASHOUT_PAYMENTS_QUEUE: '${self:custom.names.cashoutPaymentsQueue}',
  WEBHOOK_DELIVERIES_QUEUE: '${self:custom.names.webhookDeliveriesQueue}',
  TOPUP_CHECKS_QUEUE: '${self:custom.names.topUpChecksQueue}',
  CASHOUT_TRANSFERS_QUEUE: '${self:custom.names.cashoutTransfersQueue}',
  EXCHANGE_TRANSFERS_QUEUE: '${self:custom.names.exchangeTransfersQueue}',
  PUBLIC_BASE_URL: stageSetting('publicBaseUrl'),
  TEXTCOIN_LINK_SECRET: secret('textcoinLinkSecret'),
  MODERATION_LINK_SECRET: secret('moderationLinkSecret'),
  RETAIL_CODE_SECRET: secret('retailCodeSecret'),
  MEMBER_TOKEN_SECRET: secret('memberTokenSecret'),
  MEMBER_CODE_SECRET: secret('memberCodeSecret'),
  CARD_ENCRYPTION: stageSetting('cardEncryption'),
  CARD_KMS_KEY_ID: 'alias/${self:service}-${sls:stage}-card-data',
  MODERATORS: stageSetting('moderators'),
  DEPOSIT_XPUB: secret('depositXpub'),
  STRIPE_SECRET_KEY: secret('stripeSecretKey'),
  COINBASE_CLIENT_ID: secret('coinbaseClientId'),
  COINBASE_CLIENT_SECRET: secret('coinbaseClientSecret'),
  COINBASE_API_KEY: secret('coinbaseApiKey'),
  COINBASE_API_SECRET: secret('coinbaseApiSecret'),
  POLONIEX_API_KEY: secret('poloniexApiKey'),
  POLONIEX_API_SECRET: secret('poloniexApiSecret'),
  DEPOSIT_CONFIRMATIONS: stageSetting('depositConfirmations'),
  IDENTITY_JWKS: secret('identityJwks'),
  SMS_TRANSPORT: stageSetting('smsTransport'),
  MAIL_TRANSPORT: stageSetting('mailTransport'),
  RPC_URL: secret('rpcUrl'),
  TOKEN_ADDRESS: secret('tokenAddress'),
  TREASURY_PRIVATE_KEY: secret('treasuryPrivateKey'),
  DISBURSER_ADDRESS: secret('disburserAddress'),
  CHAIN_CONFIRMATIONS: stageSetting('chainConfirmations'),
  TEST_RPC_URL: secret('testRpcUrl'),
  TEST_TOKEN_ADDRESS: secret('testTokenAddress'),
  TEST_TREASURY_PRIVATE_KEY: secret('testTreasuryPrivateKey'),
  TEST_DISBURSER_ADDRESS: secret('testDisburserAddress'),
  TEST_CHAIN_CONFIRMATIONS: stageSetting('testChainConfirmations'),
  CHAIN_CONFIRM_DELAY_SECONDS: stageSetting('chainConfirmDelaySeconds'),
  CHAIN_DISPLACED_GRACE_SECONDS: stageSetting('chainDisplacedGraceSeconds'),
};

/** Tied to the stage being deployed, whatever the shell says. */
const FIXED = new Set(['STAGE', 'TABLE_NAME', ...Object.values(QUEUE_ENV)]);

/** Variables no function reads through a section but every function's runtime needs. */
const RUNTIME = { NODE_OPTIONS: '--enable-source-maps' };

/** A function's environment: its sections' variables, as set in the deploying shell or as deployed per stage. */
export function environmentOf(uses: readonly Use[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const variables = sectionsOf(uses).flatMap((s) => (s === 'queues' ? ['SQS_ENDPOINT'] : sectionVariables(s)));
  for (const q of [...queuesOf(uses, 'queue'), ...queuesOf(uses, 'consume')]) variables.push(QUEUE_ENV[q]);
  const out: Record<string, string> = { ...RUNTIME };
  for (const v of [...new Set(variables)].sort()) {
    if (v.startsWith('AWS_')) continue; // reserved: Lambda sets them
    const value = FIXED.has(v) ? DEPLOYED[v] : (env[v] ?? DEPLOYED[v]);
    if (value !== undefined && value !== '') out[v] = value;
  }
  return out;
}

// --- IAM -------------------------------------------------------------------------------------------

export interface Statement {
  Effect: 'Allow';
  Action: string[];
  Resource?: unknown;
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

const QUEUE_RESOURCE: Record<QueueName, string> = {
  chainTransfers: 'ChainTransfersQueue',
  mail: 'MailQueue',
  cashoutPayments: 'CashoutPaymentsQueue',
  webhookDeliveries: 'WebhookDeliveriesQueue',
  topUpChecks: 'TopUpChecksQueue',
  cashoutTransfers: 'CashoutTransfersQueue',
  exchangeTransfers: 'ExchangeTransfersQueue',
};
const arn = (logicalId: string) => ({ 'Fn::GetAtt': [logicalId, 'Arn'] });

/** The role of a function: the table, and exactly the queues, stream and keys its uses name. */
export function statementsOf(uses: readonly Use[]): Statement[] {
  const statements: Statement[] = [
    {
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query', 'dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem', 'dynamodb:ConditionCheckItem'],
      Resource: [arn('Table'), { 'Fn::Join': ['/', [arn('Table'), 'index/*']] }],
    },
  ];
  const send = queuesOf(uses, 'queue');
  if (send.length) statements.push({ Effect: 'Allow', Action: ['sqs:SendMessage', 'sqs:GetQueueUrl'], Resource: send.map((q) => arn(QUEUE_RESOURCE[q])) });
  const consume = queuesOf(uses, 'consume');
  if (consume.length) {
    statements.push({ Effect: 'Allow', Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'], Resource: consume.map((q) => arn(QUEUE_RESOURCE[q])) });
  }
  if (uses.includes('stream')) {
    statements.push({ Effect: 'Allow', Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:ListStreams'], Resource: { 'Fn::GetAtt': ['Table', 'StreamArn'] } });
  }
  if (uses.includes('outboxDlq')) statements.push({ Effect: 'Allow', Action: ['sqs:SendMessage'], Resource: arn('OutboxDLQ') });
  // Card data and webhook secrets: envelope encryption under the stage's key (resources/keys.yml).
  // Only with an encryption context of the vault's shape and purposes: a data key made or opened without one is refused by KMS.
  if (uses.includes('cardVault')) {
    statements.push({
      Effect: 'Allow',
      Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
      Resource: arn('CardDataKey'),
      Condition: {
        'ForAllValues:StringEquals': { 'kms:EncryptionContextKeys': [...VAULT_CONTEXT_KEYS] },
        Null: { 'kms:EncryptionContextKeys': 'false' },
        StringEquals: { 'kms:EncryptionContext:purpose': [...VAULT_PURPOSES] },
      },
    });
  }
  if (uses.includes('mail')) statements.push({ Effect: 'Allow', Action: ['ses:SendEmail'], Resource: '*' });
  // Member OTPs by SMS go straight to phone numbers (no topic to scope to).
  if (uses.includes('sms')) statements.push({ Effect: 'Allow', Action: ['sns:Publish'], NotResource: 'arn:aws:sns:*:*:*' });
  return statements;
}

// --- serverless.yml ---------------------------------------------------------------------------------

/** `offline`: for serverless-offline, which routes a trailing slash to the path without it (no `alsoAt` routes). */
export async function serverlessFunctions(env: NodeJS.ProcessEnv = process.env, options: { offline?: boolean } = {}): Promise<Record<string, Record<string, unknown>>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const f of await discoverFunctions()) {
    const uses = f.route?.uses ?? f.worker!.uses;
    const events = f.route
      ? [f.route.path, ...(f.route.alsoAt && !options.offline ? [f.route.alsoAt] : [])].map((path) => ({ httpApi: { method: f.route!.method, path } }))
      : f.worker!.schedule
        ? [{ schedule: f.worker!.schedule }]
        : [];
    out[f.name] = {
      handler: f.handler,
      description: (f.route ? `${f.route.method} ${f.route.path}: ${f.route.summary}` : f.worker!.description).slice(0, 256),
      ...(f.worker ? { timeout: f.worker.timeout } : {}),
      environment: environmentOf(uses, env),
      iamRoleStatements: statementsOf(uses),
      ...(events.length ? { events } : {}),
    };
  }
  return out;
}
