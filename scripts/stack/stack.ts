/**
 * The whole platform on loopback: DynamoDB Local, fauxqs (SQS), maildev (SMTP + web), anvil with our ERC-20,
 * the Stripe, Poloniex and Coinbase emulators, serverless offline (HTTP) and the queue/schedule workers. Used by `npm start` and by the test run.
 */
import { randomBytes } from 'node:crypto';
import { issuerJwks, keyIdOf, newIssuerKeys } from '../../lib/identity/tickets.js';
import { HDNodeWallet } from 'ethers';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ANVIL_TEST_TREASURY_KEY, ANVIL_TREASURY_KEY, ensureContracts, type ChainDeployment } from './contracts.js';
import { freePorts, isPortFree, requireJava, StackError, startChild, stopAll, waitForPort, type Child } from './process.js';
import { createResources, printServerless, ROOT, type ServiceDefinition } from './resources.js';

export interface StackPorts {
  api: number;
  lambda: number;
  dynamodb: number;
  sqs: number;
  smtp: number;
  mailWeb: number;
  rpc: number;
  stripe: number;
  /** Left out: a free port. */
  poloniex?: number;
  /** Left out: a free port. */
  coinbase?: number;
}

export const DEFAULT_PORTS: StackPorts = { api: 3000, lambda: 3002, dynamodb: 8000, sqs: 4566, smtp: 1025, mailWeb: 1080, rpc: 8545, stripe: 12111, poloniex: 12112, coinbase: 12120 };

export interface StackOptions {
  dataDir: string;
  ports: StackPorts;
  /** Keep DynamoDB and chain state in dataDir between runs. */
  persist: boolean;
  /** Variables over the stack's own (the test run turns caches off so a change is seen at once). */
  env?: Record<string, string>;
  log?: (line: string) => void;
}

export interface StackInfo extends ChainDeployment {
  apiUrl: string;
  mailUrl: string;
  rpcUrl: string;
  stripeUrl: string;
  poloniexUrl: string;
  coinbaseUrl: string;
  dynamodbUrl: string;
  sqsUrl: string;
  smtp: { host: string; port: number };
  env: Record<string, string>;
  definition: ServiceDefinition;
}

const bin = (path: string) => join(ROOT, 'node_modules', path);

/** The local Poloniex account's API key (its secret is a local secret). */
const LOCAL_POLONIEX_KEY = 'LOCALPOL-0000TEST';
/** The local Coinbase OAuth client and platform API key (their secrets are local secrets). */
const LOCAL_COINBASE_CLIENT_ID = 'local-coinbase-client';
const LOCAL_COINBASE_API_KEY = 'local-coinbase-api-key';

/** Per-checkout secrets for the local stage, made once and kept in dataDir. */
const SECRET_NAMES = ['textcoinLinkSecret', 'moderationLinkSecret', 'retailCodeSecret', 'memberTokenSecret', 'memberCodeSecret', 'cardDataKey', 'poloniexApiSecret', 'coinbaseClientSecret', 'coinbaseApiSecret', 'identityPrivateKey', 'identityPublicKey', 'identityKeyId', 'depositMnemonic', 'depositXpub'] as const;

/** Local secrets, generated once per data directory (a secret added later is generated on the next start). */
function localSecrets(dataDir: string): Record<(typeof SECRET_NAMES)[number], string> {
  const file = join(dataDir, 'secrets.json');
  const secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  const missing = SECRET_NAMES.filter((name) => !secrets[name]);
  for (const name of missing) if (!name.startsWith('identity') && !name.startsWith('deposit')) secrets[name] = randomBytes(32).toString('base64url');
  // The deposit HD wallet: the functions get only its xpub; the mnemonic stays here (sweeping is an operator's job).
  if (missing.some((name) => name.startsWith('deposit'))) {
    const wallet = HDNodeWallet.createRandom(undefined, "m/44'/60'/0'/0");
    Object.assign(secrets, { depositMnemonic: wallet.mnemonic!.phrase, depositXpub: wallet.neuter().extendedKey });
  }
  // The identity service's ticket-signing key pair (the admin CLI issues tickets with the private half).
  if (missing.includes('identityPrivateKey') || missing.includes('identityPublicKey')) Object.assign(secrets, (({ privateKey, publicKey, kid }) => ({ identityPrivateKey: privateKey, identityPublicKey: publicKey, identityKeyId: kid }))(newIssuerKeys()));
  // Data directories from before key ids keep their key pair: its kid is the key's thumbprint.
  else if (missing.includes('identityKeyId')) secrets.identityKeyId = keyIdOf(secrets.identityPublicKey!);
  if (missing.length) writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets as Record<(typeof SECRET_NAMES)[number], string>;
}

export async function startStack(opts: StackOptions): Promise<StackInfo> {
  const log = opts.log ?? (() => {});
  const { ports, dataDir } = opts;
  const logDir = join(dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  requireJava();
  for (const [name, port] of Object.entries(ports)) {
    if (!(await isPortFree(port))) {
      throw new StackError(`port ${port} (${name}) is busy: stop whatever uses it (\`lsof -i :${port}\`) or an earlier \`npm start\`, then run again.`);
    }
  }

  const emulator = bin('amplify-dynamodb-simulator/emulator');
  const dynamo = startChild(
    'dynamodb',
    'java',
    ['-Djava.library.path=./DynamoDBLocal_lib', '-jar', 'DynamoDBLocal.jar', '-port', String(ports.dynamodb), ...(opts.persist ? ['-sharedDb', '-dbPath', join(dataDir, 'dynamodb')] : ['-sharedDb', '-inMemory'])],
    { cwd: emulator, logDir },
  );
  if (opts.persist) mkdirSync(join(dataDir, 'dynamodb'), { recursive: true });
  const fauxqs = startChild('fauxqs', process.execPath, [bin('fauxqs/dist/cli.js')], { env: { FAUXQS_PORT: String(ports.sqs), FAUXQS_HOST: '127.0.0.1' }, logDir });
  const maildev = startChild('maildev', process.execPath, [bin('maildev/dist/bin/maildev.js'), '--smtp', String(ports.smtp), '--web', String(ports.mailWeb), '--ip', '127.0.0.1', '--web-ip', '127.0.0.1'], { logDir });
  const anvil = startChild(
    'anvil',
    process.execPath,
    [bin('@foundry-rs/anvil/bin.mjs'), '--port', String(ports.rpc), '--host', '127.0.0.1', ...(opts.persist ? ['--state', join(dataDir, 'anvil-state.json'), '--state-interval', '5'] : [])],
    { logDir },
  );
  // The emulator keeps its state in memory: customers and charges do not outlive the stack, even with persist.
  const stripe = startChild('stripe', process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/stack/stripe-emulator.ts'), String(ports.stripe)], { cwd: ROOT, logDir });
  // The platform's Poloniex account, in memory: it accepts the local key and secret only (given in its environment, never on its command line).
  const secrets = localSecrets(dataDir);
  const poloniexPort = ports.poloniex ?? (await freePorts(1))[0]!;
  const poloniexEnv = { POLONIEX_API_KEY: LOCAL_POLONIEX_KEY, POLONIEX_API_SECRET: secrets.poloniexApiSecret, POLONIEX_CURRENCY: 'RWD' };
  const poloniex = startChild('poloniex', process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/stack/poloniex-emulator.ts'), String(poloniexPort)], { cwd: ROOT, env: poloniexEnv, logDir });
  // Coinbase (OAuth for users, the platform's wallet for sends), in memory: it knows the local client and API key only.
  const coinbasePort = ports.coinbase ?? (await freePorts(1))[0]!;
  const coinbaseEnv = { COINBASE_CLIENT_ID: LOCAL_COINBASE_CLIENT_ID, COINBASE_CLIENT_SECRET: secrets.coinbaseClientSecret, COINBASE_API_KEY: LOCAL_COINBASE_API_KEY, COINBASE_API_SECRET: secrets.coinbaseApiSecret, COINBASE_ACCOUNT_CURRENCY: 'USDC' };
  const coinbase = startChild('coinbase', process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/stack/coinbase-emulator.ts'), String(coinbasePort)], { cwd: ROOT, env: coinbaseEnv, logDir });
  const started: [Child, number][] = [
    [dynamo, ports.dynamodb],
    [fauxqs, ports.sqs],
    [maildev, ports.mailWeb],
    [anvil, ports.rpc],
    [stripe, ports.stripe],
    [poloniex, poloniexPort],
    [coinbase, coinbasePort],
  ];
  await Promise.all(started.map(([child, port]) => waitForPort(port, child, 60_000, logDir)));
  log(`infrastructure up: DynamoDB Local :${ports.dynamodb}, fauxqs :${ports.sqs}, maildev :${ports.smtp}/:${ports.mailWeb}, anvil :${ports.rpc}, stripe :${ports.stripe}, poloniex :${poloniexPort}, coinbase :${coinbasePort}`);

  const rpcUrl = `http://127.0.0.1:${ports.rpc}`;
  const stateFile = join(dataDir, 'stack.json');
  const previous = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as Partial<ChainDeployment>) : {};
  const contracts = await ensureContracts(rpcUrl, join(dataDir, 'contracts'), previous);
  const { tokenAddress } = contracts;
  log(`ERC-20 at ${tokenAddress} (testnet token ${contracts.testTokenAddress}), disburser at ${contracts.disburserAddress}`);

  const apiUrl = `http://localhost:${ports.api}`;
  const env: Record<string, string> = {
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'local',
    AWS_SECRET_ACCESS_KEY: 'local',
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamodb}`,
    SQS_ENDPOINT: `http://127.0.0.1:${ports.sqs}`,
    PUBLIC_BASE_URL: apiUrl,
    RPC_URL: rpcUrl,
    TOKEN_ADDRESS: tokenAddress,
    TREASURY_PRIVATE_KEY: ANVIL_TREASURY_KEY,
    DISBURSER_ADDRESS: contracts.disburserAddress,
    // The testnet: its own token and treasury on the same anvil (never the main network's token).
    TEST_RPC_URL: rpcUrl,
    TEST_TOKEN_ADDRESS: contracts.testTokenAddress,
    TEST_TREASURY_PRIVATE_KEY: ANVIL_TEST_TREASURY_KEY,
    TEST_DISBURSER_ADDRESS: contracts.disburserAddress,
    CHAIN_CONFIRMATIONS: '1',
    TEST_CHAIN_CONFIRMATIONS: '1',
    MAIL_TRANSPORT: 'smtp',
    SMTP_HOST: '127.0.0.1',
    SMTP_PORT: String(ports.smtp),
    MAIL_FROM: 'Rewards <no-reply@rewards.local>',
    TEXTCOIN_LINK_SECRET: secrets.textcoinLinkSecret,
    MODERATION_LINK_SECRET: secrets.moderationLinkSecret,
    RETAIL_CODE_SECRET: secrets.retailCodeSecret,
    MEMBER_TOKEN_SECRET: secrets.memberTokenSecret,
    MEMBER_CODE_SECRET: secrets.memberCodeSecret,
    CARD_DATA_KEY: secrets.cardDataKey,
    IDENTITY_JWKS: issuerJwks([{ publicKey: secrets.identityPublicKey, kid: secrets.identityKeyId }]),
    DEPOSIT_XPUB: secrets.depositXpub,
    // The emulator accepts any test-mode key; it is no secret.
    STRIPE_API_URL: `http://127.0.0.1:${ports.stripe}`,
    STRIPE_SECRET_KEY: 'sk_test_local',
    POLONIEX_API_URL: `http://127.0.0.1:${poloniexPort}`,
    ...poloniexEnv,
    COINBASE_API_URL: `http://127.0.0.1:${coinbasePort}`,
    COINBASE_AUTHORIZE_URL: `http://127.0.0.1:${coinbasePort}/oauth/authorize`,
    ...coinbaseEnv,
    OFFLINE_HTTP_PORT: String(ports.api),
    OFFLINE_LAMBDA_PORT: String(ports.lambda),
    ...opts.env,
  };
  const definition = printServerless(env);
  await createResources(definition, { dynamodb: env.DYNAMODB_ENDPOINT!, sqs: env.SQS_ENDPOINT! });
  log('table and queues created from resources/');

  // serverless-esbuild leaves earlier builds behind; a stale bundle would shadow the new one.
  rmSync(join(ROOT, '.esbuild'), { recursive: true, force: true });
  const offline = startChild(
    'offline',
    process.execPath,
    [bin('serverless/bin/serverless.js'), 'offline', 'start', '--stage', 'local'],
    { cwd: ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off' }, logDir },
  );
  const serviceFile = join(dataDir, 'service.json');
  writeFileSync(serviceFile, JSON.stringify({ definition, sqsEndpoint: env.SQS_ENDPOINT }));
  startChild('workers', process.execPath, ['--import', 'tsx', join(ROOT, 'scripts/stack/workers.ts'), serviceFile], { cwd: ROOT, env, logDir });
  await waitForPort(ports.api, offline, 180_000, logDir);
  log(`serverless offline on ${apiUrl}`);

  return {
    apiUrl,
    mailUrl: `http://localhost:${ports.mailWeb}`,
    rpcUrl,
    stripeUrl: env.STRIPE_API_URL!,
    poloniexUrl: env.POLONIEX_API_URL!,
    coinbaseUrl: env.COINBASE_API_URL!,
    ...contracts,
    dynamodbUrl: env.DYNAMODB_ENDPOINT!,
    sqsUrl: env.SQS_ENDPOINT!,
    smtp: { host: '127.0.0.1', port: ports.smtp },
    env,
    definition,
  };
}

export { stopAll as stopStack, StackError };
