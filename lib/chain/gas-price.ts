/** The chain's current gas price, read-only (eth_gasPrice), for functions that hold no signing key. */
import { JsonRpcProvider } from 'ethers';

/** Where the gas price comes from (a fake in unit tests). */
export interface GasPriceSource {
  /** Wei per gas the node suggests now. */
  gasPrice(): Promise<bigint>;
}

export class RpcGasPrice implements GasPriceSource {
  private readonly provider: JsonRpcProvider;

  constructor(rpcUrl: string) {
    this.provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true, batchMaxCount: 1 });
  }

  async gasPrice(): Promise<bigint> {
    return BigInt((await this.provider.send('eth_gasPrice', [])) as string);
  }
}
