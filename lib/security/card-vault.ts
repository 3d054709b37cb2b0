/**
 * Encryption at rest of card data (PAN, IPIN) and webhook secrets: AES-256-GCM envelopes.
 * In AWS each envelope has its own data key from KMS (GenerateDataKey), stored encrypted beside the
 * ciphertext; locally one key from the stack's secrets file encrypts everything. Plaintext is never
 * stored or logged; callers decrypt only at the moment of use (a payment, a signature).
 *
 * Every envelope is bound to the record and field it belongs to (its `VaultContext`): the context is the
 * GCM additional authenticated data and, with KMS, the EncryptionContext of the data key. An envelope
 * copied into another record or field does not open there (KMS refuses its data key; GCM its tag).
 *
 * Version 1 envelopes (sealed before this binding) are refused with an error naming the record: they
 * only exist in local data directories from before, and opening them without a context would keep an
 * unbound path for any copied v1 envelope. Seal the record anew (a provider's profile) or delete the
 * local data directory.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { cardVaultConfig, ConfigError } from '../config/index.js';

/** What an envelope belongs to: the record (by kind and id) and the field. It is not secret (KMS logs it). */
export type VaultContext =
  /** A cash-out provider (by name): its paying card and its webhook signing secret (the previous one is the former current one, moved unchanged). */
  | { purpose: 'cashout-provider'; id: string; field: 'pan' | 'ipin' | 'webhookSecret' }
  /** A cash-out claim (by uuid): the customer's card. */
  | { purpose: 'cashout-claim'; id: string; field: 'pan' }
  /** A user's bank cash-out account (by user and uuid, the record's key): its account number. */
  | { purpose: 'cashout-account'; id: string; field: 'account' }
  /** A user's Coinbase OAuth tokens (access and refresh, one JSON), bound to user and Coinbase account. */
  | { purpose: 'coinbase-tokens'; id: string; field: 'tokens' };

export interface Envelope {
  /** 2: bound to its VaultContext. 1: from before the binding, no longer opened. */
  v: 1 | 2;
  /** `local` or the KMS key id. */
  kek: string;
  /** The data key encrypted by KMS (base64); absent for the local key. */
  edk?: string;
  iv: string;
  ct: string;
  tag: string;
}

/** An envelope that does not open under the context given: sealed for another record or field, tampered, or version 1. */
export class VaultOpenError extends Error {
  override name = 'VaultOpenError';
}

/** Every purpose an envelope may have: the deployment lets KMS open data keys only under these (scripts/functions.ts). */
export const VAULT_PURPOSES = ['cashout-provider', 'cashout-claim', 'cashout-account', 'coinbase-tokens'] as const satisfies readonly VaultContext['purpose'][];
/** The keys of every encryption context (see encryptionContext). */
export const VAULT_CONTEXT_KEYS = ['purpose', 'id', 'field'] as const;

export const cashoutProviderField = (name: string, field: 'pan' | 'ipin' | 'webhookSecret'): VaultContext => ({ purpose: 'cashout-provider', id: name, field });
export const cashoutClaimCard = (uuid: string): VaultContext => ({ purpose: 'cashout-claim', id: uuid, field: 'pan' });
export const cashoutAccountNumber = (user: string, uuid: string): VaultContext => ({ purpose: 'cashout-account', id: `${user}/${uuid}`, field: 'account' });
export const coinbaseTokens = (user: string, coinbaseId: string): VaultContext => ({ purpose: 'coinbase-tokens', id: `${user}/${coinbaseId}`, field: 'tokens' });

const describeContext = (c: VaultContext) => `${c.purpose} ${c.id} ${c.field}`;

/** The KMS EncryptionContext (a string map). */
const encryptionContext = (c: VaultContext): Record<string, string> => ({ purpose: c.purpose, id: c.id, field: c.field });

/** The GCM additional data: the context, unambiguously serialised. */
const additionalData = (c: VaultContext) => Buffer.from(JSON.stringify(['card-vault', 2, c.purpose, c.id, c.field]), 'utf8');

interface DataKeyProvider {
  newKey(context: VaultContext): Promise<{ plaintext: Buffer; encrypted?: string; kek: string }>;
  open(envelope: Envelope, context: VaultContext): Promise<Buffer>;
}

function localKeys(): DataKeyProvider {
  const raw = cardVaultConfig().CARD_DATA_KEY;
  if (!raw) throw new ConfigError('Invalid cashout configuration: CARD_DATA_KEY is not set');
  const key = Buffer.from(raw, raw.includes('-') || raw.includes('_') ? 'base64url' : 'base64');
  return { newKey: async () => ({ plaintext: key, kek: 'local' }), open: async () => key };
}

async function kmsKeys(): Promise<DataKeyProvider> {
  const keyId = cardVaultConfig().CARD_KMS_KEY_ID;
  if (!keyId) throw new ConfigError('Invalid cashout configuration: CARD_KMS_KEY_ID is not set');
  const { KMSClient, GenerateDataKeyCommand, DecryptCommand } = await import('@aws-sdk/client-kms');
  const kms = new KMSClient({});
  return {
    async newKey(context) {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256', EncryptionContext: encryptionContext(context) }));
      return { plaintext: Buffer.from(out.Plaintext!), encrypted: Buffer.from(out.CiphertextBlob!).toString('base64'), kek: keyId };
    },
    async open(envelope, context) {
      if (!envelope.edk) throw new VaultOpenError(`${describeContext(context)}: the envelope has no KMS data key`);
      try {
        const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.edk, 'base64'), KeyId: envelope.kek, EncryptionContext: encryptionContext(context) }));
        return Buffer.from(out.Plaintext!);
      } catch (err) {
        // KMS answers a data key asked for under another context (or not ours) as an invalid ciphertext.
        if ((err as Error).name === 'InvalidCiphertextException') throw new VaultOpenError(`${describeContext(context)}: KMS refused the data key (sealed for another record or field)`);
        throw err;
      }
    },
  };
}

let provider: Promise<DataKeyProvider> | undefined;
const keys = () => (provider ??= cardVaultConfig().CARD_ENCRYPTION === 'kms' ? kmsKeys() : Promise.resolve(localKeys()));

export async function seal(plaintext: string, context: VaultContext): Promise<Envelope> {
  const { plaintext: key, encrypted, kek } = await (await keys()).newKey(context);
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(additionalData(context));
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 2, kek, ...(encrypted ? { edk: encrypted } : {}), iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

/** The plaintext of `envelope`, which must have been sealed for `context`; a VaultOpenError otherwise. */
export async function open(envelope: Envelope, context: VaultContext): Promise<string> {
  if (envelope.v !== 2) {
    throw new VaultOpenError(`${describeContext(context)}: version ${envelope.v} envelope, sealed before envelopes were bound to their record: seal it anew (or delete the local data directory)`);
  }
  const key = await (await keys()).open(envelope, context);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
    decipher.setAAD(additionalData(context));
    decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]).toString('utf8');
  } catch {
    throw new VaultOpenError(`${describeContext(context)}: the envelope does not open (sealed for another record or field, or altered)`);
  }
}

/** Tests switch configuration. */
export function resetVault(): void {
  provider = undefined;
}
