/**
 * The operator's inputs of every withdrawal quote, behind one function (`withdrawalFeeInputs`):
 * - the fee options of a withdrawal type in a country: the document the operator stored
 *   (`npm run admin -- withdrawal fees set --file doc.json`), else DEFAULT_FEE_OPTIONS_DOCUMENT;
 * - gas_coins: the chain's gas price x WITHDRAWAL_GAS_PER_TRANSFER, in coins at the token's price in ETH
 *   (`coin price set eth=...`); WITHDRAWAL_GAS_COINS while no eth price is set.
 * Warm functions reuse the document WITHDRAWAL_FEES_CACHE_SECONDS and the gas price WITHDRAWAL_GAS_PRICE_CACHE_SECONDS.
 */
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ttlCache } from '../cache.js';
import { RpcGasPrice, type GasPriceSource } from '../chain/gas-price.js';
import { coinsConfig, withdrawalsConfig } from '../config/index.js';
import { ddb, tableName } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { log } from '../log/index.js';
import { ETH_PRICE_CURRENCY } from '../rates/currencies.js';
import { coinPrices } from '../rates/index.js';
import { fail } from './failures.js';
import { DEFAULT_FEE_OPTIONS_DOCUMENT, DEFAULT_FEE_TABLE, feeOptionsFor, feeTableOf, gasCoins, type FeeOptions, type FeeOptionsDocument, type FeeTable, type WithdrawalType } from './fees.js';
import { feeOptionsDocumentSchema } from './schema.js';

export interface StoredFeeOptions {
  document: FeeOptionsDocument;
  updatedAt: string;
  updatedBy: string;
}

function storedFrom(i: StoredItem): StoredFeeOptions {
  const item = fields(i, 'WithdrawalFeeOptions');
  return { document: feeOptionsDocumentSchema.parse(JSON.parse(item.str('document'))), updatedAt: item.str('updatedAt'), updatedBy: item.str('updatedBy') };
}

/** One item: the document as JSON text, so its numbers read back exactly as written. */
export const feeOptionsRepo = {
  async get(): Promise<StoredFeeOptions | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.withdrawalFeeOptions(), ConsistentRead: true }));
    return out.Item ? storedFrom(out.Item) : undefined;
  },

  /** Replaces the document whole; `createdAt` stays the first one's. */
  async put(document: FeeOptionsDocument, updatedBy: string, now = new Date().toISOString()): Promise<StoredFeeOptions> {
    await ddb().send(
      new UpdateCommand({
        TableName: tableName(),
        Key: keys.withdrawalFeeOptions(),
        UpdateExpression: 'SET #type = :type, #document = :document, updatedBy = :by, updatedAt = :now, createdAt = if_not_exists(createdAt, :now)',
        ExpressionAttributeNames: { '#type': 'type', '#document': 'document' },
        ExpressionAttributeValues: { ':type': 'WithdrawalFeeOptions', ':document': JSON.stringify(document), ':by': updatedBy, ':now': now },
      }),
    );
    return { document, updatedAt: now, updatedBy };
  },
};

export class FeeOptionsDocumentError extends Error {
  override name = 'FeeOptionsDocumentError';
}

/** Validates a document (parsed JSON) for `withdrawal fees set`; the reasons name the type and country. */
export function parseFeeOptionsDocument(raw: unknown): FeeOptionsDocument {
  const result = feeOptionsDocumentSchema.safeParse(raw);
  if (!result.success) {
    const reasons = result.error.issues.map((i) => {
      const at = i.path.join('.');
      return at && !i.message.startsWith(at) ? `${at}: ${i.message}` : i.message;
    });
    throw new FeeOptionsDocumentError(`invalid fee options document: ${reasons.join('; ')}`);
  }
  return result.data;
}

const feeTables = ttlCache<'table', FeeTable>(() => Number(withdrawalsConfig().WITHDRAWAL_FEES_CACHE_SECONDS) * 1000);
const gasPrices = ttlCache<'gasPrice', bigint>(() => Number(withdrawalsConfig().WITHDRAWAL_GAS_PRICE_CACHE_SECONDS) * 1000);
let gasSource: GasPriceSource | undefined;

/** Validates and stores the operator's document (replacing the stored one); `setBy` says who or what set it. */
export async function setFeeOptionsDocument(raw: unknown, setBy: string): Promise<StoredFeeOptions> {
  const stored = await feeOptionsRepo.put(parseFeeOptionsDocument(raw), setBy);
  feeTables.clear();
  return stored;
}

/** What `withdrawal fees get` shows: the document in force and where it comes from. */
export async function describeFeeOptions(): Promise<{ source: 'stored' | 'default'; note?: string; updatedAt?: string; updatedBy?: string; document: FeeOptionsDocument }> {
  const stored = await feeOptionsRepo.get();
  if (stored) return { source: 'stored', ...stored };
  return { source: 'default', note: 'no fee options document is stored: quotes use this built-in default (store one with `withdrawal fees set --file doc.json`)', document: DEFAULT_FEE_OPTIONS_DOCUMENT };
}

/** The fee table in force: the stored document's, else the built-in one. */
async function currentFeeTable(): Promise<FeeTable> {
  return (await feeTables.get('table', async () => {
    const stored = await feeOptionsRepo.get();
    return stored ? feeTableOf(stored.document) : DEFAULT_FEE_TABLE;
  }))!;
}

/**
 * gas_coins now: the network cost of one transfer in coins, from the chain's gas price, the gas of one transfer
 * and the token's price in ETH; WITHDRAWAL_GAS_COINS while no eth price is set. An unreadable chain is
 * chain_unavailable (nothing is quoted with a made-up gas price).
 */
export async function currentGasCoins(): Promise<bigint> {
  const config = withdrawalsConfig();
  const ethPrice = await coinPrices.price(ETH_PRICE_CURRENCY);
  if (!ethPrice) return BigInt(config.WITHDRAWAL_GAS_COINS);
  const source = (gasSource ??= new RpcGasPrice(coinsConfig().RPC_URL));
  let gasPrice: bigint;
  try {
    gasPrice = (await gasPrices.get('gasPrice', () => source.gasPrice()))!;
  } catch (err) {
    log.warn('the gas price cannot be read from the chain', { reason: (err as Error).message });
    throw fail('chain_unavailable', 'the network cost of a transfer cannot be read from the chain right now, retry shortly');
  }
  return gasCoins(gasPrice, BigInt(config.WITHDRAWAL_GAS_PER_TRANSFER), ethPrice.price);
}

/** The fee options of `type` in `country` and gas_coins: everything a quote needs besides the coins and the fiat price. */
export async function withdrawalFeeInputs(type: WithdrawalType, country: string): Promise<{ options: FeeOptions; gasCoins: bigint }> {
  const [table, gas] = await Promise.all([currentFeeTable(), currentGasCoins()]);
  return { options: feeOptionsFor(table, type, country), gasCoins: gas };
}

/** Tests: where gas prices come from (undefined: the chain at RPC_URL), with both caches emptied. */
export function setGasPriceSource(source: GasPriceSource | undefined): void {
  gasSource = source;
  clearFeeSettingsCaches();
}

export function clearFeeSettingsCaches(): void {
  feeTables.clear();
  gasPrices.clear();
}
