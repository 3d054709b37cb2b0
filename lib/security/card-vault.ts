/**
 * Encryption at rest of card data (PAN, IPIN) and webhook secrets: AES-256-GCM envelopes.
 * In AWS each envelope has its own data key from KMS (GenerateDataKey), stored encrypted beside the
 * ciphertext; locally one key from the stack's secrets file encrypts everything. Plaintext is never
 * stored or logged; callers decrypt only at the moment of use (a payment, a signature).
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { cardVaultConfig, ConfigError } from '../config/index.js';

export interface Envelope {
  v: 1;
  /** `local` or the KMS key id. */
  kek: string;
  /** The data key encrypted by KMS (base64); absent for the local key. */
  edk?: string;
  iv: string;
  ct: string;
  tag: string;
}

interface DataKeyProvider {
  newKey(): Promise<{ plaintext: Buffer; encrypted?: string; kek: string }>;
  open(envelope: Envelope): Promise<Buffer>;
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
    async newKey() {
      const out = await kms.send(new GenerateDataKeyCommand({ KeyId: keyId, KeySpec: 'AES_256' }));
      return { plaintext: Buffer.from(out.Plaintext!), encrypted: Buffer.from(out.CiphertextBlob!).toString('base64'), kek: keyId };
    },
    async open(envelope) {
      const out = await kms.send(new DecryptCommand({ CiphertextBlob: Buffer.from(envelope.edk!, 'base64'), KeyId: envelope.kek }));
      return Buffer.from(out.Plaintext!);
    },
  };
}

let provider: Promise<DataKeyProvider> | undefined;
const keys = () => (provider ??= cardVaultConfig().CARD_ENCRYPTION === 'kms' ? kmsKeys() : Promise.resolve(localKeys()));

export async function seal(plaintext: string): Promise<Envelope> {
  const { plaintext: key, encrypted, kek } = await (await keys()).newKey();
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const ct = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return { v: 1, kek, ...(encrypted ? { edk: encrypted } : {}), iv: iv.toString('base64'), ct: ct.toString('base64'), tag: cipher.getAuthTag().toString('base64') };
}

export async function open(envelope: Envelope): Promise<string> {
  const key = await (await keys()).open(envelope);
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(envelope.iv, 'base64'));
  decipher.setAuthTag(Buffer.from(envelope.tag, 'base64'));
  return Buffer.concat([decipher.update(Buffer.from(envelope.ct, 'base64')), decipher.final()]).toString('utf8');
}

/** Tests switch configuration. */
export function resetVault(): void {
  provider = undefined;
}
