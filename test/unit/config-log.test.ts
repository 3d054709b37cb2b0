import { afterEach, describe, expect, it } from 'vitest';
import { chainConfig, coreConfig, resetConfig } from '../../lib/config/index.js';
import { redact } from '../../lib/log/index.js';

describe('config', () => {
  afterEach(() => resetConfig());

  it('names the missing variable', () => {
    const saved = process.env.TABLE_NAME;
    delete process.env.TABLE_NAME;
    try {
      resetConfig();
      expect(() => coreConfig()).toThrow('TABLE_NAME is not set');
    } finally {
      process.env.TABLE_NAME = saved;
    }
  });

  it('says what is wrong with a malformed value', () => {
    Object.assign(process.env, { RPC_URL: 'http://x', TOKEN_ADDRESS: 'nope', TREASURY_PRIVATE_KEY: '0x' + '1'.repeat(64) });
    expect(() => chainConfig()).toThrow('TOKEN_ADDRESS must be a 0x address');
  });
});

describe('log redaction', () => {
  it('hides secrets at any depth and keeps the rest', () => {
    expect(redact({ partner: 'p', partner_key: 'pk_x', nested: { apiKey: 'k', pan: '4111', list: [{ token: 't' }] } })).toEqual({
      partner: 'p',
      partner_key: '[redacted]',
      nested: { apiKey: '[redacted]', pan: '[redacted]', list: [{ token: '[redacted]' }] },
    });
  });
});
