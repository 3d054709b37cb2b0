/**
 * Earn metadata: the client's own JSON object about a purchase, bounded (size, depth, key count and key
 * length) and kept exactly as sent. It is stored as its JSON text: a string holds any JSON (numbers beyond
 * DynamoDB's 38 digits or its exponent range, any key) that DynamoDB's own types cannot.
 */
import { parseJson, stringify } from '../json.js';
import { JsonNumber } from '../ledger/money.js';

export const METADATA_LIMITS = { bytes: 2048, depth: 5, keys: 50, keyLength: 64 } as const;

/** The JSON text of metadata; a number the body parser kept as its source text (JsonNumber) is written as that text. */
export const metadataText = (metadata: Record<string, unknown>): string => stringify(metadata);

/** Metadata from its stored text, numbers read exactly as metadataText wrote them. */
export const metadataFromText = (text: string) => parseJson(text) as Record<string, unknown>;

/** Why metadata is refused, or undefined. The top-level object is depth 1; an array counts as a level. */
export function metadataProblem(metadata: Record<string, unknown>): string | undefined {
  const { bytes, depth, keys, keyLength } = METADATA_LIMITS;
  let count = 0;
  // Depth first: it bounds the walk and the JSON.stringify below.
  const walk = (value: unknown, level: number): string | undefined => {
    if (value === null || typeof value !== 'object' || value instanceof JsonNumber) return undefined;
    if (level > depth) return `metadata must nest at most ${depth} levels deep`;
    if (!Array.isArray(value)) {
      for (const key of Object.keys(value)) {
        if (key.length < 1 || key.length > keyLength) return `metadata keys must be 1 to ${keyLength} characters`;
        if (++count > keys) return `metadata must have at most ${keys} keys`;
      }
    }
    for (const child of Array.isArray(value) ? value : Object.values(value)) {
      const problem = walk(child, level + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  const problem = walk(metadata, 1);
  if (problem) return problem;
  if (Buffer.byteLength(metadataText(metadata), 'utf8') > bytes) return `metadata must be at most ${bytes} bytes of JSON`;
  return undefined;
}
