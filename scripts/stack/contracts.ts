/**
 * Compiles the contracts under contracts/ with solc-js (cached by source hash) and deploys them to a local
 * chain: one ERC-20 per network (main and test, each minted to its own treasury) and the disburser that
 * pays batches. The same deployment serves `npm start`, the test run and the bench.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, parseUnits } from 'ethers';

const require = createRequire(import.meta.url);
const CONTRACTS = join(import.meta.dirname, '../../contracts');

/** anvil's first well-known development account: the local main-network treasury and deployer. Never use outside local. */
export const ANVIL_TREASURY_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
/** anvil's third development account: the local testnet treasury (its own wallet, nonces and token). */
export const ANVIL_TEST_TREASURY_KEY = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';

export interface Artifact {
  abi: unknown[];
  bytecode: string;
}

export function compileContract(name: 'RewardToken' | 'Disburser', cacheDir: string): Artifact {
  const source = readFileSync(join(CONTRACTS, `${name}.sol`), 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cached = join(cacheDir, `${name}.${hash}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Artifact;
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { [`${name}.sol`]: { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'paris', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts[`${name}.sol`][name];
  const artifact = { abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object };
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, JSON.stringify(artifact));
  return artifact;
}

export interface ChainDeployment {
  tokenAddress: string;
  testTokenAddress: string;
  disburserAddress: string;
}

async function deploy(deployer: NonceManager, artifact: Artifact, args: unknown[]): Promise<string> {
  const factory = new ContractFactory(artifact.abi as never, artifact.bytecode, deployer);
  const contract = await factory.deploy(...args);
  await contract.waitForDeployment();
  return contract.getAddress();
}

/** Deploys whatever of the local chain's contracts `existing` does not already have code for. */
export async function ensureContracts(rpcUrl: string, cacheDir: string, existing: Partial<ChainDeployment> = {}, keys = { main: ANVIL_TREASURY_KEY, test: ANVIL_TEST_TREASURY_KEY }): Promise<ChainDeployment> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  // One nonce manager per deployer across its deployments (the provider caches nonce reads briefly).
  const main = new NonceManager(new Wallet(keys.main, provider));
  const test = new NonceManager(new Wallet(keys.test, provider));
  const has = async (address?: string) => !!address && (await provider.getCode(address)) !== '0x';
  try {
    const token = compileContract('RewardToken', cacheDir);
    const supply = parseUnits('1000000000', 18);
    return {
      tokenAddress: (await has(existing.tokenAddress)) ? existing.tokenAddress! : await deploy(main, token, ['Reward Token', 'RWD', supply]),
      testTokenAddress: (await has(existing.testTokenAddress)) ? existing.testTokenAddress! : await deploy(test, token, ['Reward Test Token', 'tRWD', supply]),
      disburserAddress: (await has(existing.disburserAddress)) ? existing.disburserAddress! : await deploy(main, compileContract('Disburser', cacheDir), []),
    };
  } finally {
    provider.destroy();
  }
}
