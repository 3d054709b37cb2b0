import { afterEach, describe, expect, it } from 'vitest';
import { networkChain, resetConfig } from '../../lib/config/index.js';
import { classifyBroadcastError } from '../../lib/chain/sender.js';

const key = (d: string) => '0x' + d.repeat(64);
const addr = (d: string) => '0x' + d.repeat(40);
const chainEnv = {
  RPC_URL: 'http://127.0.0.1:8545',
  TOKEN_ADDRESS: addr('1'),
  TREASURY_PRIVATE_KEY: key('1'),
  DISBURSER_ADDRESS: addr('d'),
  TEST_RPC_URL: 'http://127.0.0.1:8545',
  TEST_TOKEN_ADDRESS: addr('2'),
  TEST_TREASURY_PRIVATE_KEY: key('2'),
  TEST_DISBURSER_ADDRESS: addr('d'),
};

describe('chain networks', () => {
  afterEach(() => {
    for (const k of Object.keys(chainEnv)) delete process.env[k];
    resetConfig();
  });

  it('gives each network its own token, treasury and confirmations', () => {
    Object.assign(process.env, chainEnv, { CHAIN_CONFIRMATIONS: '12', TEST_CHAIN_CONFIRMATIONS: '3' });
    expect(networkChain('main')).toMatchObject({ tokenAddress: addr('1'), treasuryKey: key('1'), confirmations: 12 });
    expect(networkChain('test')).toMatchObject({ tokenAddress: addr('2'), treasuryKey: key('2'), confirmations: 3 });
  });

  it('refuses a testnet that shares the main token or treasury on the same chain', () => {
    Object.assign(process.env, chainEnv, { TEST_TOKEN_ADDRESS: addr('1') });
    expect(() => networkChain('test')).toThrow('the testnet needs its own TEST_TOKEN_ADDRESS and TEST_TREASURY_PRIVATE_KEY');
    resetConfig();
    Object.assign(process.env, chainEnv, { TEST_TREASURY_PRIVATE_KEY: key('1') });
    expect(() => networkChain('main')).toThrow('the testnet needs its own');
  });

  it('bounds the batch size by what one DynamoDB transaction can record', () => {
    Object.assign(process.env, chainEnv, { CHAIN_BATCH_MAX: '97' });
    expect(() => networkChain('main')).toThrow('CHAIN_BATCH_MAX must be 1 to 96');
    delete process.env.CHAIN_BATCH_MAX;
  });
});

describe('broadcast answers', () => {
  it.each([
    ['nonce too low', 'nonce-taken'],
    ['nonce has already been used', 'nonce-taken'],
    ['already known', 'known'],
    ['transaction already imported', 'known'],
    ['replacement transaction underpriced', 'underpriced'],
    ['intrinsic gas too low', 'rejected'],
    ['exceeds block gas limit', 'rejected'],
    ['Insufficient funds for gas * price + value', 'unavailable'],
    ['connect ECONNREFUSED 127.0.0.1:8545', 'unavailable'],
  ])('%s -> %s', (message, outcome) => {
    expect(classifyBroadcastError(message)).toBe(outcome);
  });
});
