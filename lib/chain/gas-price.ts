/**
 * The chain's current gas price, read-only (eth_gasPrice), for functions that hold no signing key. One JSON-RPC
 * call over fetch: quote routes read it, and ethers' provider would add ~250 KB to each of their bundles.
 */

/** Where the gas price comes from (a fake in unit tests). */
export interface GasPriceSource {
  /** Wei per gas the node suggests now. */
  gasPrice(): Promise<bigint>;
}

const RPC_TIMEOUT_MS = 3000;

export class RpcGasPrice implements GasPriceSource {
  constructor(private readonly rpcUrl: string) {}

  async gasPrice(): Promise<bigint> {
    const res = await fetch(this.rpcUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_gasPrice', params: [] }),
      signal: AbortSignal.timeout(RPC_TIMEOUT_MS),
    });
    if (!res.ok) throw new Error(`eth_gasPrice: HTTP ${res.status}`);
    const answer = (await res.json()) as { result?: unknown; error?: { message?: string } };
    if (typeof answer.result !== 'string' || !/^0x[0-9a-fA-F]+$/.test(answer.result)) throw new Error(`eth_gasPrice: ${answer.error?.message ?? 'no quantity in the answer'}`);
    return BigInt(answer.result);
  }
}
