/** The one DynamoDB document client. Numbers come back as decimal strings so money never passes through a float. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { coreConfig } from '../config/index.js';

let client: DynamoDBDocumentClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  if (!client) {
    const cfg = coreConfig();
    const base = new DynamoDBClient({
      region: cfg.AWS_REGION,
      ...(cfg.DYNAMODB_ENDPOINT
        ? { endpoint: cfg.DYNAMODB_ENDPOINT, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
        : {}),
      maxAttempts: 3,
    });
    client = DynamoDBDocumentClient.from(base, {
      marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
      unmarshallOptions: { wrapNumbers: (value: string) => value },
    });
  }
  return client;
}

export function tableName(): string {
  return coreConfig().TABLE_NAME;
}

/** Tests swap endpoints between runs. */
export function resetDdb(): void {
  client = undefined;
}

/** DynamoDB numbers are read as strings (see unmarshallOptions); these turn them into what the code wants. */
export const num = (v: unknown): number => (v === undefined || v === null ? 0 : Number(v));
export const big = (v: unknown): bigint => (v === undefined || v === null ? 0n : BigInt(String(v)));

/** Items inside SDK errors (failed conditions) arrive as raw attribute values. */
export function unmarshallRaw(item: unknown): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object') return undefined;
  return unmarshall(item as never, { wrapNumbers: (value: string) => value });
}
