/**
 * ERC-20 transfers from the treasury wallet with ethers v6. The settlement state machine
 * (lib/payouts/settle.ts) records a signed transaction before broadcasting it, so after a crash it can
 * find the transaction by hash or nonce instead of sending again.
 */
import { Contract, Interface, JsonRpcProvider, Wallet, getAddress, id } from 'ethers';
import { chainConfig } from '../config/index.js';

const ERC20 = new Interface([
  'function transfer(address to, uint256 amount) returns (bool)',
  'function balanceOf(address owner) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

export interface SignedTransfer {
  nonce: number;
  hash: string;
  rawTx: string;
}

export interface TransferReceipt {
  ok: boolean;
  blockNumber: number;
  hash: string;
}

export interface ChainAdapter {
  treasuryAddress(): string;
  nonce(block: 'pending' | 'latest'): Promise<number>;
  signTransfer(to: string, amount: bigint, nonce: number): Promise<SignedTransfer>;
  broadcast(rawTx: string): Promise<void>;
  receipt(hash: string): Promise<TransferReceipt | undefined>;
  isKnown(hash: string): Promise<boolean>;
  waitForReceipt(hash: string, confirmations: number, timeoutMs: number): Promise<TransferReceipt | undefined>;
  balanceOf(address: string): Promise<bigint>;
}

export class Erc20Chain implements ChainAdapter {
  readonly provider: JsonRpcProvider;
  private readonly wallet: Wallet;
  private readonly token: Contract;
  private chainId: bigint | undefined;

  constructor(rpcUrl: string, tokenAddress: string, privateKey: string) {
    this.provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1, cacheTimeout: -1 });
    this.wallet = new Wallet(privateKey, this.provider);
    this.token = new Contract(getAddress(tokenAddress), ERC20, this.provider);
  }

  treasuryAddress(): string {
    return this.wallet.address;
  }

  nonce(block: 'pending' | 'latest'): Promise<number> {
    return this.provider.getTransactionCount(this.wallet.address, block);
  }

  async signTransfer(to: string, amount: bigint, nonce: number): Promise<SignedTransfer> {
    this.chainId ??= (await this.provider.getNetwork()).chainId;
    const data = ERC20.encodeFunctionData('transfer', [getAddress(to), amount]);
    const fee = await this.provider.getFeeData();
    const tx = await this.wallet.populateTransaction({
      to: await this.token.getAddress(),
      data,
      nonce,
      chainId: this.chainId,
      gasLimit: 100_000n,
      type: 2,
      maxFeePerGas: (fee.maxFeePerGas ?? 2_000_000_000n) * 2n,
      maxPriorityFeePerGas: fee.maxPriorityFeePerGas ?? 1_000_000_000n,
    });
    const rawTx = await this.wallet.signTransaction(tx);
    const { Transaction } = await import('ethers');
    return { nonce, rawTx, hash: Transaction.from(rawTx).hash! };
  }

  async broadcast(rawTx: string): Promise<void> {
    try {
      await this.provider.send('eth_sendRawTransaction', [rawTx]);
    } catch (err) {
      // Re-broadcasting the very same signed transaction is harmless; the node may say it already has it.
      if (/already known|already imported|known transaction/i.test(String((err as Error).message))) return;
      throw err;
    }
  }

  async receipt(hash: string): Promise<TransferReceipt | undefined> {
    const r = await this.provider.getTransactionReceipt(hash);
    return r ? { ok: r.status === 1, blockNumber: r.blockNumber, hash } : undefined;
  }

  async isKnown(hash: string): Promise<boolean> {
    return (await this.provider.getTransaction(hash)) !== null;
  }

  async waitForReceipt(hash: string, confirmations: number, timeoutMs: number): Promise<TransferReceipt | undefined> {
    const r = await this.provider.waitForTransaction(hash, confirmations, timeoutMs).catch((err) => {
      if ((err as { code?: string }).code === 'TIMEOUT') return null;
      throw err;
    });
    return r ? { ok: r.status === 1, blockNumber: r.blockNumber, hash } : undefined;
  }

  async balanceOf(address: string): Promise<bigint> {
    return (await this.token.getFunction('balanceOf')(getAddress(address))) as bigint;
  }
}

let chain: ChainAdapter | undefined;

export function getChain(): ChainAdapter {
  if (!chain) {
    const cfg = chainConfig();
    chain = new Erc20Chain(cfg.RPC_URL, cfg.TOKEN_ADDRESS, cfg.TREASURY_PRIVATE_KEY);
  }
  return chain;
}

export function setChain(c: ChainAdapter | undefined): void {
  chain = c;
}

/** Read-only token access (balances) for functions that hold no signing key. */
export class Erc20Reader {
  private readonly provider: JsonRpcProvider;
  private readonly token: Contract;

  constructor(rpcUrl: string, tokenAddress: string) {
    this.provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
    this.token = new Contract(getAddress(tokenAddress), ERC20, this.provider);
  }

  async balanceOf(address: string): Promise<bigint> {
    return (await this.token.getFunction('balanceOf')(getAddress(address))) as bigint;
  }

  blockNumber(): Promise<number> {
    return this.provider.getBlockNumber();
  }

  /** ERC-20 Transfer events of the token in [fromBlock, toBlock]. */
  async transfers(fromBlock: number, toBlock: number): Promise<TokenTransferEvent[]> {
    const logs = await this.provider.getLogs({ address: await this.token.getAddress(), topics: [TRANSFER_TOPIC], fromBlock, toBlock });
    return logs.map((l) => {
      const parsed = ERC20.parseLog({ topics: [...l.topics], data: l.data })!;
      return { txHash: l.transactionHash, logIndex: l.index, blockNumber: l.blockNumber, from: String(parsed.args[0]), to: String(parsed.args[1]), value: parsed.args[2] as bigint };
    });
  }
}

export interface TokenTransferEvent {
  txHash: string;
  logIndex: number;
  blockNumber: number;
  from: string;
  to: string;
  value: bigint;
}

const TRANSFER_TOPIC = id('Transfer(address,address,uint256)');
