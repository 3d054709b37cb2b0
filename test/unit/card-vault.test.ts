import { DecryptCommand, GenerateDataKeyCommand, InvalidCiphertextException, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signingSecrets } from '../../lib/cashout/providers.js';
import type { CashoutProvider } from '../../lib/cashout/repository.js';
import { resetConfig } from '../../lib/config/index.js';
import { statementsOf } from '../../scripts/functions.js';
import { cashoutClaimCard, cashoutProviderField, open, resetVault, seal, VaultOpenError, type Envelope } from '../../lib/security/card-vault.js';

const PAN = '5555555555554444';

describe('card vault, local key: envelopes bound to their record and field', () => {
  beforeEach(() => resetVault());

  it('opens under the context it was sealed for', async () => {
    const e = await seal(PAN, cashoutProviderField('acme', 'pan'));
    expect(e).toMatchObject({ v: 2, kek: 'local' });
    expect(await open(e, cashoutProviderField('acme', 'pan'))).toBe(PAN);
  });

  it("refuses another record's context: another provider's pan, a claim's customer pan", async () => {
    const e = await seal(PAN, cashoutProviderField('acme', 'pan'));
    await expect(open(e, cashoutProviderField('other', 'pan'))).rejects.toThrow(VaultOpenError);
    await expect(open(e, cashoutClaimCard('6f1c1f1e-0000-4000-8000-000000000001'))).rejects.toThrow(/cashout-claim 6f1c1f1e-0000-4000-8000-000000000001 pan/);
    const claimPan = await seal(PAN, cashoutClaimCard('6f1c1f1e-0000-4000-8000-000000000001'));
    await expect(open(claimPan, cashoutClaimCard('6f1c1f1e-0000-4000-8000-000000000002'))).rejects.toThrow(VaultOpenError);
  });

  it('refuses a swapped field (the pan envelope in the ipin field) and an altered envelope', async () => {
    const e = await seal(PAN, cashoutProviderField('acme', 'pan'));
    await expect(open(e, cashoutProviderField('acme', 'ipin'))).rejects.toThrow(/cashout-provider acme ipin: the envelope does not open/);
    await expect(open(e, cashoutProviderField('acme', 'webhookSecret'))).rejects.toThrow(VaultOpenError);
    const ct = Buffer.from(e.ct, 'base64');
    ct[0]! ^= 1;
    await expect(open({ ...e, ct: ct.toString('base64') }, cashoutProviderField('acme', 'pan'))).rejects.toThrow(VaultOpenError);
  });

  it('refuses a version 1 envelope, naming the record', async () => {
    const e = await seal(PAN, cashoutProviderField('acme', 'pan'));
    await expect(open({ ...e, v: 1 }, cashoutProviderField('acme', 'pan'))).rejects.toThrow(/cashout-provider acme pan: version 1 envelope/);
  });

  it("signs webhooks with the current secret; a previous one that does not open is left out, not fatal", async () => {
    const current = await seal('whsec_current', cashoutProviderField('acme', 'webhookSecret'));
    const previous = await seal('whsec_previous', cashoutProviderField('acme', 'webhookSecret'));
    const foreign = await seal('whsec_foreign', cashoutProviderField('other', 'webhookSecret'));
    const provider = { name: 'acme', webhookSecret: current, previousWebhookSecret: previous, previousSecretValidUntil: '2999-01-01T00:00:00.000Z' } as CashoutProvider;
    expect(await signingSecrets(provider)).toEqual(['whsec_current', 'whsec_previous']);
    expect(await signingSecrets({ ...provider, previousWebhookSecret: foreign })).toEqual(['whsec_current']);
    expect(await signingSecrets({ ...provider, previousWebhookSecret: { ...previous, v: 1 } })).toEqual(['whsec_current']);
    await expect(signingSecrets({ ...provider, webhookSecret: foreign })).rejects.toThrow(VaultOpenError);
  });
});

describe('card vault, KMS: the context is the data key\'s EncryptionContext', () => {
  const kmsMock = mockClient(KMSClient);
  /** A stand-in for KMS: a data key decrypts only under the EncryptionContext it was generated with. */
  const issued = new Map<string, { key: Uint8Array; context: string }>();

  beforeEach(() => {
    Object.assign(process.env, { CARD_ENCRYPTION: 'kms', CARD_KMS_KEY_ID: 'alias/unit-card-data' });
    resetConfig();
    resetVault();
    kmsMock.reset();
    issued.clear();
    kmsMock.on(GenerateDataKeyCommand).callsFake((input: GenerateDataKeyCommand['input']) => {
      const key = new Uint8Array(randomBytes(32));
      const blob = randomBytes(48);
      issued.set(blob.toString('base64'), { key, context: JSON.stringify(input.EncryptionContext ?? {}) });
      return { Plaintext: key, CiphertextBlob: new Uint8Array(blob), KeyId: input.KeyId };
    });
    kmsMock.on(DecryptCommand).callsFake((input: DecryptCommand['input']) => {
      const found = issued.get(Buffer.from(input.CiphertextBlob!).toString('base64'));
      if (!found || found.context !== JSON.stringify(input.EncryptionContext ?? {})) throw new InvalidCiphertextException({ message: 'invalid ciphertext', $metadata: {} });
      return { Plaintext: found.key, KeyId: input.KeyId };
    });
  });
  afterEach(() => {
    delete process.env.CARD_ENCRYPTION;
    delete process.env.CARD_KMS_KEY_ID;
    resetConfig();
    resetVault();
  });

  it('sends the EncryptionContext with GenerateDataKey and Decrypt', async () => {
    const e: Envelope = await seal(PAN, cashoutProviderField('acme', 'pan'));
    expect(e).toMatchObject({ v: 2, kek: 'alias/unit-card-data', edk: expect.any(String) });
    expect(await open(e, cashoutProviderField('acme', 'pan'))).toBe(PAN);
    const context = { purpose: 'cashout-provider', id: 'acme', field: 'pan' };
    expect(kmsMock.commandCalls(GenerateDataKeyCommand).map((c) => c.args[0].input)).toEqual([{ KeyId: 'alias/unit-card-data', KeySpec: 'AES_256', EncryptionContext: context }]);
    expect(kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext)).toEqual([context]);
  });

  it("KMS refuses the data key under another record's context or field: a VaultOpenError", async () => {
    const e = await seal(PAN, cashoutProviderField('acme', 'pan'));
    await expect(open(e, cashoutProviderField('other', 'pan'))).rejects.toThrow(/cashout-provider other pan: KMS refused the data key/);
    await expect(open(e, cashoutProviderField('acme', 'ipin'))).rejects.toThrow(VaultOpenError);
    expect(kmsMock.commandCalls(DecryptCommand).map((c) => c.args[0].input.EncryptionContext)).toEqual([
      { purpose: 'cashout-provider', id: 'other', field: 'pan' },
      { purpose: 'cashout-provider', id: 'acme', field: 'ipin' },
    ]);
  });

  it("the functions' role lets KMS make and open data keys only under contexts of the vault's shape", async () => {
    const [statement] = statementsOf(['cardVault']).filter((st) => st.Action.includes('kms:Decrypt'));
    const condition = statement!.Condition!;
    const allowedKeys = condition['ForAllValues:StringEquals']!['kms:EncryptionContextKeys'] as string[];
    const allowedPurposes = condition.StringEquals!['kms:EncryptionContext:purpose'] as string[];
    expect(condition.Null).toEqual({ 'kms:EncryptionContextKeys': 'false' });
    await seal(PAN, cashoutProviderField('acme', 'webhookSecret'));
    await seal(PAN, cashoutClaimCard('6f1c0c7e-0b1a-4a4e-9d7e-3f1b2c3d4e5f'));
    for (const call of kmsMock.commandCalls(GenerateDataKeyCommand)) {
      const context = call.args[0].input.EncryptionContext!;
      expect(Object.keys(context).every((k) => allowedKeys.includes(k))).toBe(true);
      expect(allowedPurposes).toContain(context.purpose);
    }
    expect(kmsMock.commandCalls(GenerateDataKeyCommand)).toHaveLength(2);
  });
});
