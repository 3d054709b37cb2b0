/**
 * A private chain for the chain engine's tests and the bench: its own anvil (so mining can be paused and
 * transactions dropped without touching the stack's chain), both networks' tokens and the disburser
 * deployed, and a streamless table and a queue of its own on the DynamoDB and SQS the environment points
 * at. `runCrashMatrix` kills the engine at every step and checks that every payout is paid exactly once.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { Contract, JsonRpcProvider, Wallet } from 'ethers';
import type { SQSEvent } from 'aws-lambda';
import { resetConfig } from '../lib/config/index.js';
import { resetDdb } from '../lib/db/client.js';
import { accountIds, type Network } from '../lib/db/keys.js';
import { chainRepo } from '../lib/chain/repository.js';
import { payoutsRepo, type Payout } from '../lib/payouts/repository.js';
import { transactWrite } from '../lib/db/transact.js';
import { entryItems, getBalance } from '../lib/ledger/index.js';
import { EvmSender, setChainSender, type ChainSender } from '../lib/chain/sender.js';
import { chainStatus, resolveNetwork, sendPayouts, type EngineHooks, type EngineOptions } from '../lib/payouts/settle.js';
import { resetSqs } from '../lib/queue/publisher.js';
import { networkChain } from '../lib/config/index.js';
import { ensureContracts, type ChainDeployment } from './stack/contracts.js';
import { localAws } from './stack/local-aws.js';
import { freePorts, startChild, waitForPort, type Child } from './stack/process.js';
import { createStreamlessTable, ROOT } from './stack/resources.js';
import { toSqsEvent } from './stack/workers.js';

/** anvil's sixth and seventh development accounts: the lab's treasuries (its chain is its own anyway). */
export const LAB_MAIN_KEY = '0x8b3a350cf5c34c9194ca85829a2df0ec3153be0318b5e2d3348e872092edffba';
export const LAB_TEST_KEY = '0x92db14e403b83dfe3df233f83dfa3a0d7096f21ca9b0d6d6b8d88b2b4ec1564e';

const ERC20 = ['function balanceOf(address) view returns (uint256)', 'function transfer(address,uint256) returns (bool)'];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ChainLab extends ChainDeployment {
  rpcUrl: string;
  provider: JsonRpcProvider;
  queue: string;
  /** Engine settings a scenario may change (reapplied to process.env and the config cache). */
  configure(settings: Record<string, string>): void;
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  /** New PENDING chain payouts (credited in the ledger first), each to its own fresh address. */
  payouts(count: number, options?: { network?: Network; amount?: (i: number) => bigint; destination?: (i: number) => string; refundAccount?: string; withdrawal?: { of: string; at: string } }): Promise<Payout[]>;
  /** Runs the real chain worker over the lab queue until every given payout is settled and nothing is in flight. */
  drive(units: string[], options?: { timeoutMs?: number; workers?: number }): Promise<void>;
  /** For each payout: how many times the chain paid it (balance / amount of its fresh address) and its status. */
  outcome(payouts: Payout[], network?: Network): Promise<{ paidOnce: number; paidTwice: number; unpaid: number; stuck: number; ledgerLeft: bigint }>;
  balanceOf(address: string, network?: Network): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startChainLab(): Promise<ChainLab> {
  const [port] = await freePorts(1);
  const logDir = mkdtempSync(join(tmpdir(), 'chain-lab-'));
  const anvil: Child = startChild('anvil-lab', process.execPath, [join(ROOT, 'node_modules/@foundry-rs/anvil/bin.mjs'), '--port', String(port), '--host', '127.0.0.1'], { logDir });
  const rpcUrl = `http://127.0.0.1:${port}`;
  const deployment = await waitForPort(port!, anvil, 60_000, logDir)
    .then(() => ensureContracts(rpcUrl, join(logDir, 'contracts'), {}, { main: LAB_MAIN_KEY, test: LAB_TEST_KEY }))
    .catch(async (err: Error) => {
      await anvil.stop(); // no lab to stop later: do not leave its chain running
      throw err;
    });
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, cacheTimeout: -1 });

  const table = `chain-lab-${randomUUID().slice(0, 8)}`;
  await createStreamlessTable(process.env.DYNAMODB_ENDPOINT!, table);
  const queue = `chain-lab-${randomUUID().slice(0, 8)}`;
  const sqs = new SQSClient(localAws(process.env.SQS_ENDPOINT));
  const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: queue, Attributes: { VisibilityTimeout: '30' } }));

  const saved = { ...process.env };
  const base: Record<string, string> = {
    TABLE_NAME: table,
    CHAIN_TRANSFERS_QUEUE: queue,
    RPC_URL: rpcUrl,
    TOKEN_ADDRESS: deployment.tokenAddress,
    TREASURY_PRIVATE_KEY: LAB_MAIN_KEY,
    DISBURSER_ADDRESS: deployment.disburserAddress,
    CHAIN_CONFIRMATIONS: '1',
    TEST_RPC_URL: rpcUrl,
    TEST_TOKEN_ADDRESS: deployment.testTokenAddress,
    TEST_TREASURY_PRIVATE_KEY: LAB_TEST_KEY,
    TEST_DISBURSER_ADDRESS: deployment.disburserAddress,
    TEST_CHAIN_CONFIRMATIONS: '1',
    CHAIN_BATCH_MAX: '50',
    CHAIN_CONFIRM_DELAY_SECONDS: '0',
    CHAIN_REPLACE_AFTER_SECONDS: '180',
    CHAIN_DISPLACED_GRACE_SECONDS: '0',
  };
  const apply = (settings: Record<string, string>) => {
    Object.assign(process.env, settings);
    resetConfig();
    resetDdb();
    resetSqs();
    setChainSender('main', undefined);
    setChainSender('test', undefined);
  };
  apply(base);
  const { handler } = await import('../functions/payouts/workers/chain-transfer.js');

  const tokenOf = (network: Network) => new Contract(network === 'main' ? deployment.tokenAddress : deployment.testTokenAddress, ERC20, provider);
  const balanceOf = async (address: string, network: Network = 'main') => (await tokenOf(network).getFunction('balanceOf')(address)) as bigint;

  /** One worker: receive up to 100 messages (as the mapping's batch), invoke the handler, delete what succeeded. */
  const pollOnce = async (): Promise<number> => {
    const messages = [];
    for (let i = 0; i < 10; i++) {
      const out = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }));
      if (!out.Messages?.length) break;
      messages.push(...out.Messages);
    }
    if (!messages.length) return 0;
    const result = await handler(toSqsEvent(messages, `arn:aws:sqs:us-east-1:000000000000:${queue}`) as SQSEvent);
    const failed = new Set(result.batchItemFailures.map((f) => f.itemIdentifier));
    for (const m of messages) if (!failed.has(m.MessageId!)) await sqs.send(new DeleteMessageCommand({ QueueUrl, ReceiptHandle: m.ReceiptHandle }));
    return messages.length;
  };

  const lab: ChainLab = {
    ...deployment,
    rpcUrl,
    provider,
    queue,
    configure: (settings) => apply(settings),
    rpc: (method, params = []) => provider.send(method, params),
    balanceOf,

    async payouts(count, options = {}) {
      const network = options.network ?? 'main';
      const now = new Date().toISOString();
      const created: Payout[] = [];
      for (let i = 0; i < count; i++) {
        const destination = options.destination?.(i) ?? Wallet.createRandom().address;
        const amount = options.amount?.(i) ?? BigInt(1000 + i);
        const p: Payout = {
          unit: `lab-${randomUUID()}`,
          network,
          kind: 'chain',
          status: 'PENDING',
          destination,
          amount,
          account: accountIds.customer(network, `${destination}-${randomUUID().slice(0, 8)}`),
          source: 'chain-lab',
          ...(options.refundAccount ? { refundAccount: options.refundAccount } : {}),
          ...(options.withdrawal ? { withdrawalOf: options.withdrawal.of, withdrawalAt: options.withdrawal.at } : {}),
          createdAt: now,
          updatedAt: now,
        };
        await transactWrite([
          payoutsRepo.putNewItem(p),
          ...entryItems({
            idempotencyKey: `lab-credit:${p.unit}`,
            kind: 'lab-credit',
            postings: [
              { account: accountIds.external(network), amount: -amount, allowNegative: true },
              { account: p.account, amount },
            ],
          }),
        ]);
        created.push(p);
      }
      return created;
    },

    async drive(units, options = {}) {
      const deadline = Date.now() + (options.timeoutMs ?? 60_000);
      const { publish } = await import('../lib/queue/publisher.js');
      for (const unit of units) await publish('chainTransfers', { type: 'chain-transfer', unit });
      for (const network of ['main', 'test'] as const) await publish('chainTransfers', { type: 'chain-confirm', network });
      const workers = options.workers ?? 1;
      for (;;) {
        const handled = (await Promise.all(Array.from({ length: workers }, () => pollOnce()))).reduce((a, b) => a + b, 0);
        const states = await payoutsRepo.getMany(units);
        const open = states.filter((p) => p.status === 'PENDING' || p.status === 'SENDING').length;
        // Read-only: settling is the worker's job, from its own confirmation messages.
        const inFlight = (await Promise.all((['main', 'test'] as const).map((n) => chainStatus(n)))).reduce((s, r) => s + r.inFlight, 0);
        if (open === 0 && inFlight === 0) return;
        if (Date.now() > deadline) throw new Error(`chain lab: ${open} payouts still open and ${inFlight} transactions in flight after ${options.timeoutMs ?? 60_000} ms`);
        if (!handled) await sleep(50);
      }
    },

    async outcome(payouts, network = 'main') {
      const states = new Map((await payoutsRepo.getMany(payouts.map((p) => p.unit))).map((p) => [p.unit, p]));
      let paidOnce = 0;
      let paidTwice = 0;
      let unpaid = 0;
      let stuck = 0;
      let ledgerLeft = 0n;
      for (const p of payouts) {
        const times = (await balanceOf(p.destination, network)) / p.amount;
        if (times === 1n) paidOnce++;
        else if (times === 0n) unpaid++;
        else paidTwice++;
        const status = states.get(p.unit)?.status;
        if (status === 'PENDING' || status === 'SENDING') stuck++;
        if (status === 'CONFIRMED') ledgerLeft += await getBalance(p.account);
      }
      return { paidOnce, paidTwice, unpaid, stuck, ledgerLeft };
    },

    async stop() {
      for (const key of Object.keys(base)) process.env[key] = saved[key];
      apply({});
      provider.destroy();
      sqs.destroy();
      await anvil.stop();
    },
  };
  return lab;
}

/** A sender whose next `times` signatures use the given gas limits, then behaves normally. */
export function senderWithGas(network: Network, gas: ConstructorParameters<typeof EvmSender>[1], times = 1): ChainSender {
  const normal = new EvmSender(networkChain(network));
  const odd = new EvmSender(networkChain(network), gas);
  let left = times;
  return Object.assign(Object.create(normal) as ChainSender, {
    sign: (...args: Parameters<ChainSender['sign']>) => (left-- > 0 ? odd.sign(...args) : normal.sign(...args)),
  });
}

const crash = (): never => {
  throw new Error('worker killed');
};

export interface CrashRow {
  scenario: string;
  payouts: number;
  paidOnce: number;
  paidTwice: number;
  unpaid: number;
  stuck: number;
}

/**
 * Every way a send can be interrupted or confused, each followed by normal operation (redelivery, the
 * resolver): every payout must end paid exactly once and none stuck. Returns one row per scenario.
 */
export async function runCrashMatrix(lab: ChainLab, perScenario = 3): Promise<CrashRow[]> {
  const rows: CrashRow[] = [];
  const scenario = async (name: string, act: (units: string[], payouts: Payout[]) => Promise<void>, count = perScenario) => {
    const payouts = await lab.payouts(count);
    const units = payouts.map((p) => p.unit);
    await act(units, payouts).catch((err: Error) => {
      if (err.message !== 'worker killed') throw err;
    });
    await lab.drive(units);
    const o = await lab.outcome(payouts);
    rows.push({ scenario: name, payouts: count, paidOnce: o.paidOnce, paidTwice: o.paidTwice, unpaid: o.unpaid, stuck: o.stuck });
  };
  const killedAt = (hook: keyof EngineHooks): EngineOptions => ({ hooks: { [hook]: crash } });
  const sendThenResolve = async (units: string[], options: EngineOptions) => {
    await sendPayouts(units);
    await resolveNetwork('main', options);
  };

  await scenario('killed after sign', (units) => sendPayouts(units, killedAt('afterSign')).then(() => undefined));
  await scenario('killed after record', (units) => sendPayouts(units, killedAt('afterRecord')).then(() => undefined));
  await scenario('killed after broadcast', (units) => sendPayouts(units, killedAt('afterBroadcast')).then(() => undefined));
  await scenario('killed after receipt', (units) => sendThenResolve(units, killedAt('afterReceipt')));
  await scenario('killed before finalise', (units) => sendThenResolve(units, killedAt('afterLegsSettled')));
  await scenario('duplicate deliveries', async (units) => {
    await Promise.all([sendPayouts(units), sendPayouts(units), sendPayouts([...units].reverse())]);
  });
  await scenario(
    'two concurrent workers',
    async (units) => {
      await Promise.all([sendPayouts(units.slice(0, 6)), sendPayouts(units.slice(3))]);
    },
    9,
  );
  await scenario('rpc says nonce too low', async () => {
    // Someone else (an operator's script) uses the treasury's next nonce: our transaction can never be mined.
    const sender = new EvmSender(networkChain('main'));
    const wallet = (await chainRepo.getWallet('main', sender.address))!;
    const signed = await sender.sign({ kind: 'fill' }, wallet.next, await sender.fees());
    await lab.rpc('eth_sendRawTransaction', [signed.rawTx]);
  });
  await scenario('dropped from the pool', async (units) => {
    await lab.rpc('evm_setAutomine', [false]);
    try {
      await sendPayouts(units);
      const wallet = (await chainRepo.getWallet('main', new Wallet(LAB_MAIN_KEY).address))!;
      const tx = (await chainRepo.getTx('main', wallet.address, wallet.next - 1))!;
      await lab.rpc('anvil_dropTransaction', [tx.candidates[0]!.hash]);
    } finally {
      await lab.rpc('evm_setAutomine', [true]);
    }
  });
  await scenario('pending too long: replaced with a higher fee', async (units) => {
    await lab.rpc('evm_setAutomine', [false]);
    lab.configure({ CHAIN_REPLACE_AFTER_SECONDS: '0' });
    try {
      await sendPayouts(units);
      await sleep(1100);
      await resolveNetwork('main'); // known, pending past the limit: replaced
    } finally {
      lab.configure({ CHAIN_REPLACE_AFTER_SECONDS: '180' });
      await lab.rpc('evm_setAutomine', [true]);
      await lab.rpc('evm_mine', []);
    }
  });
  await scenario('a transaction no node accepts: nonce filled, payouts sent again', async (units) => {
    await sendPayouts(units, { sender: () => senderWithGas('main', { batchBase: 20_000n, batchLeg: 0n, transfer: 20_000n }) });
  });
  await scenario('batch out of gas: reverted whole, legs sent alone', async (units) => {
    await sendPayouts(units, { sender: () => senderWithGas('main', { batchBase: 90_000n, batchLeg: 0n }) });
  });
  return rows;
}
