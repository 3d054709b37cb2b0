/** Compiles contracts/RewardToken.sol with solc-js (cached by source hash) and deploys it to a local chain. */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ContractFactory, JsonRpcProvider, NonceManager, Wallet, parseUnits } from 'ethers';

const require = createRequire(import.meta.url);
const SOURCE = join(import.meta.dirname, '../../contracts/RewardToken.sol');

/** anvil's first well-known development account: the local treasury and deployer. Never use outside local. */
export const ANVIL_TREASURY_KEY = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';

export interface Artifact {
  abi: unknown[];
  bytecode: string;
}

export function compileToken(cacheDir: string): Artifact {
  const source = readFileSync(SOURCE, 'utf8');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const cached = join(cacheDir, `RewardToken.${hash}.json`);
  if (existsSync(cached)) return JSON.parse(readFileSync(cached, 'utf8')) as Artifact;
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'RewardToken.sol': { content: source } },
    settings: { optimizer: { enabled: true, runs: 200 }, evmVersion: 'paris', outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } } },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === 'error');
  if (errors.length) throw new Error(`solc: ${errors.map((e: { formattedMessage: string }) => e.formattedMessage).join('\n')}`);
  const contract = output.contracts['RewardToken.sol'].RewardToken;
  const artifact = { abi: contract.abi, bytecode: '0x' + contract.evm.bytecode.object };
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(cached, JSON.stringify(artifact));
  return artifact;
}

/** Deploys a fresh token unless `existing` already has code on this chain. */
export async function ensureToken(rpcUrl: string, cacheDir: string, existing?: string): Promise<string> {
  const provider = new JsonRpcProvider(rpcUrl, undefined, { staticNetwork: true });
  try {
    if (existing && (await provider.getCode(existing)) !== '0x') return existing;
    const artifact = compileToken(cacheDir);
    const deployer = new NonceManager(new Wallet(ANVIL_TREASURY_KEY, provider));
    const factory = new ContractFactory(artifact.abi as never, artifact.bytecode, deployer);
    const token = await factory.deploy('Reward Token', 'RWD', parseUnits('1000000000', 18));
    await token.waitForDeployment();
    return await token.getAddress();
  } finally {
    provider.destroy();
  }
}
