/** The one DynamoDB document client. Numbers come back as decimal strings so money never passes through a float. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
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

/** Items inside SDK errors (failed conditions) arrive as raw attribute values. */
export function unmarshallRaw(item: unknown): Record<string, unknown> | undefined {
  if (!item || typeof item !== 'object') return undefined;
  return unmarshall(item as never, { wrapNumbers: (value: string) => value });
}

/** Strongly consistent reads of many items by key (any number, 100 per call, unprocessed keys retried); missing ones are left out. */
export async function batchGet(itemKeys: Record<string, string>[]): Promise<Record<string, unknown>[]> {
  const found: Record<string, unknown>[] = [];
  const unique = [...new Map(itemKeys.map((k) => [`${k.PK}\u0000${k.SK}`, k])).values()];
  for (let i = 0; i < unique.length; i += 100) {
    let request: Record<string, { Keys: Record<string, string>[]; ConsistentRead: boolean }> | undefined = {
      [tableName()]: { Keys: unique.slice(i, i + 100), ConsistentRead: true },
    };
    while (request && Object.keys(request).length > 0) {
      const out = await ddb().send(new BatchGetCommand({ RequestItems: request }));
      found.push(...(out.Responses?.[tableName()] ?? []));
      request = out.UnprocessedKeys as typeof request;
    }
  }
  return found;
}

/**
 * Every item a query matches, page after page, in the query's order; with `max`, at most that many (pages are
 * sized to what is still wanted). The table is ours: give the key condition, index and options.
 */
export async function queryAll(input: Omit<QueryCommandInput, 'TableName' | 'ExclusiveStartKey' | 'Limit'>, max?: number): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(
      new QueryCommand({ ...input, TableName: tableName(), ExclusiveStartKey: start, ...(max !== undefined ? { Limit: Math.min(1000, max - items.length) } : {}) }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start && (max === undefined || items.length < max));
  return max === undefined ? items : items.slice(0, max);
}
