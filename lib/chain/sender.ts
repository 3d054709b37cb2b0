/**
 * The treasury wallet of one network, as the chain engine needs it: sign (never choosing a nonce itself),
 * broadcast recorded bytes and say what the node answered, read receipts with each batch leg's outcome,
 * and read the wallet's nonce count at a given block. Nothing here waits for a block.
 */
import { Interface, JsonRpcProvider, MaxUint256, Transaction, Wallet, getAddress, id } from 'ethers';
import { networkChain, type NetworkChain } from '../config/index.js';
import type { Network } from '../db/keys.js';

const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function approve(address spender, uint256 amount) returns (bool)',
  'function allowance(address owner, address spender) view returns (uint256)',
]);
const DISBURSER = new Interface(['function disburse(address token, address[] to, uint256[] amounts)', 'event LegFailed(uint256 indexed leg)']);
const LEG_FAILED = id('LegFailed(uint256)');

/** Gas limits: generous (only gas used is paid); a batch leg is a transferFrom to a possibly new holder. */
export const GAS = { transfer: 100_000n, approve: 80_000n, fill: 21_000n, batchBase: 100_000n, batchLeg: 45_000n } as const;

export interface Fees {
  maxFeePerGas: bigint;
  maxPriorityFeePerGas: bigint;
}

export interface Leg {
  to: string;
  amount: bigint;
}

/** What to sign: the legs of a payout transaction, the disburser's allowance, or a fill of the nonce. */
export type Payload = { kind: 'transfer'; leg: Leg } | { kind: 'batch'; legs: Leg[] } | { kind: 'approve' } | { kind: 'fill' };

export interface SignedTx {
  hash: string;
  rawTx: string;
}

export interface MinedTx {
  hash: string;
  ok: boolean;
  blockNumber: number;
  gasUsed: bigint;
  /** Indexes of batch legs the token refused (the Disburser's LegFailed events). */
  failedLegs: number[];
}

/**
 * What a node said to a broadcast. `accepted`/`known`: it has the transaction. `nonce-taken`: the nonce is
 * already used on chain. `underpriced`: another transaction with the nonce is in its pool. `rejected`: the
 * transaction itself is unacceptable (it can never be mined as signed). `unavailable`: try again later.
 */
export type BroadcastOutcome = 'accepted' | 'known' | 'nonce-taken' | 'underpriced' | 'rejected' | 'unavailable';

export interface ChainSender {
  readonly network: Network;
  readonly address: string;
  fees(): Promise<Fees>;
  sign(payload: Payload, nonce: number, fees: Fees): Promise<SignedTx>;
  broadcast(rawTx: string): Promise<{ outcome: BroadcastOutcome; message?: string }>;
  receipt(hash: string): Promise<MinedTx | undefined>;
  /** Whether the node has the transaction (mined or in its pool). */
  isKnown(hash: string): Promise<boolean>;
  head(): Promise<number>;
  /** The wallet's transaction count as of a block (nonces below it are used). */
  nonceAt(block: number | 'latest'): Promise<number>;
  disburserAllowance(): Promise<bigint>;
  /** Blocks a receipt must be buried under (1 = mined) before it is final. */
  readonly confirmations: number;
}

export function classifyBroadcastError(message: string): BroadcastOutcome {
  if (/already known|already imported|known transaction|already exists/i.test(message)) return 'known';
  if (/nonce too low|nonce has already been used|NONCE_EXPIRED|nonce.*(is )?lower than/i.test(message)) return 'nonce-taken';
  if (/underpriced|REPLACEMENT_UNDERPRICED|replacement fee too low/i.test(message)) return 'underpriced';
  if (/intrinsic gas too low|exceeds block gas limit|gas limit reached|invalid sender|invalid signature|invalid chain id|oversized data|max fee per gas less than block base fee|tip higher than max fee/i.test(message)) return 'rejected';
  return 'unavailable';
}

const errorText = (err: unknown): string => {
  const e = err as { message?: string; error?: { message?: string }; info?: { error?: { message?: string } }; shortMessage?: string };
  return [e?.info?.error?.message, e?.error?.message, e?.shortMessage, e?.message].filter(Boolean).join(' | ');
};

export class EvmSender implements ChainSender {
  readonly network: Network;
  readonly address: string;
  readonly confirmations: number;
  private readonly provider: JsonRpcProvider;
  private readonly wallet: Wallet;
  private readonly token: string;
  private readonly disburser: string;
  private chainId: bigint | undefined;
  private feeCache: { at: number; fees: Fees } | undefined;
  private readonly gas: Record<keyof typeof GAS, bigint>;

  /** `gas` overrides limits (tests make transactions that run out of gas or that no node accepts). */
  constructor(cfg: NetworkChain, gas: Partial<Record<keyof typeof GAS, bigint>> = {}) {
    this.gas = { ...GAS, ...gas };
    this.network = cfg.network;
    this.confirmations = cfg.confirmations;
    this.provider = new JsonRpcProvider(cfg.rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    this.wallet = new Wallet(cfg.treasuryKey);
    this.address = this.wallet.address;
    this.token = getAddress(cfg.tokenAddress);
    this.disburser = getAddress(cfg.disburserAddress);
  }

  /** The node's fee suggestion, reused for 5 s: a burst of sends asks once. */
  async fees(): Promise<Fees> {
    if (this.feeCache && Date.now() - this.feeCache.at < 5000) return this.feeCache.fees;
    const f = await this.provider.getFeeData();
    const fees = { maxFeePerGas: f.maxFeePerGas ?? 2_000_000_000n, maxPriorityFeePerGas: f.maxPriorityFeePerGas ?? 1_000_000_000n };
    this.feeCache = { at: Date.now(), fees };
    return fees;
  }

  async sign(payload: Payload, nonce: number, fees: Fees): Promise<SignedTx> {
    this.chainId ??= (await this.provider.getNetwork()).chainId;
    const call =
      payload.kind === 'transfer'
        ? { to: this.token, data: ERC20.encodeFunctionData('transfer', [getAddress(payload.leg.to), payload.leg.amount]), gasLimit: this.gas.transfer }
        : payload.kind === 'batch'
          ? {
              to: this.disburser,
              data: DISBURSER.encodeFunctionData('disburse', [this.token, payload.legs.map((l) => getAddress(l.to)), payload.legs.map((l) => l.amount)]),
              gasLimit: this.gas.batchBase + this.gas.batchLeg * BigInt(payload.legs.length),
            }
          : payload.kind === 'approve'
            ? { to: this.token, data: ERC20.encodeFunctionData('approve', [this.disburser, MaxUint256]), gasLimit: this.gas.approve }
            : { to: this.address, data: '0x', gasLimit: this.gas.fill };
    const rawTx = await this.wallet.signTransaction({ ...call, value: 0n, nonce, chainId: this.chainId, type: 2, ...fees });
    return { rawTx, hash: Transaction.from(rawTx).hash! };
  }

  async broadcast(rawTx: string): Promise<{ outcome: BroadcastOutcome; message?: string }> {
    try {
      await this.provider.send('eth_sendRawTransaction', [rawTx]);
      return { outcome: 'accepted' };
    } catch (err) {
      const message = errorText(err);
      return { outcome: classifyBroadcastError(message), message };
    }
  }

  async receipt(hash: string): Promise<MinedTx | undefined> {
    const r = await this.provider.getTransactionReceipt(hash);
    if (!r) return undefined;
    const failedLegs = r.logs.filter((l) => l.address.toLowerCase() === this.disburser.toLowerCase() && l.topics[0] === LEG_FAILED).map((l) => Number(BigInt(l.topics[1]!)));
    return { hash, ok: r.status === 1, blockNumber: r.blockNumber, gasUsed: r.gasUsed, failedLegs };
  }

  async isKnown(hash: string): Promise<boolean> {
    return (await this.provider.getTransaction(hash)) !== null;
  }

  head(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  nonceAt(block: number | 'latest'): Promise<number> {
    return this.provider.getTransactionCount(this.address, block);
  }

  async disburserAllowance(): Promise<bigint> {
    const out = await this.provider.call({ to: this.token, data: ERC20.encodeFunctionData('allowance', [this.address, this.disburser]) });
    return BigInt(out);
  }

  destroy(): void {
    this.provider.destroy();
  }
}

const senders = new Map<Network, ChainSender>();

/** The warm sender of a network (built from its chain settings on first use). */
export function chainSender(network: Network): ChainSender {
  let s = senders.get(network);
  if (!s) senders.set(network, (s = new EvmSender(networkChain(network))));
  return s;
}

/** Tests swap senders (a crashing or flaky one) for a network. */
export function setChainSender(network: Network, sender: ChainSender | undefined): void {
  if (sender) senders.set(network, sender);
  else senders.delete(network);
}
