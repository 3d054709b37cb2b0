/** Read-only ERC-20 access with ethers v6 (balances, Transfer events) for functions that hold no signing key; sending is lib/chain/sender.ts. */
import { Contract, Interface, JsonRpcProvider, getAddress, id } from 'ethers';

const ERC20 = new Interface([
  'function balanceOf(address owner) view returns (uint256)',
  'event Transfer(address indexed from, address indexed to, uint256 value)',
]);

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
