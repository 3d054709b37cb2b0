/**
 * Request bodies: JSON or form-urlencoded (real POS clients post forms), bounded in size. JSON numbers are
 * never rounded: one a float cannot hold exactly reaches the schemas as a `JsonNumber` with its source text.
 */
import { DuplicateKeyError, parseJson } from '../json.js';
import { ApiError, badRequest } from './errors.js';

export const MAX_BODY_BYTES = 16 * 1024;

export interface RawRequest {
  body?: string | null;
  isBase64Encoded?: boolean;
  headers?: Record<string, string | undefined>;
}

/** A request header by name in any letter case, trimmed; undefined when absent or blank. */
export function header(headers: Record<string, string | undefined> | undefined, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers ?? {})) if (k.toLowerCase() === wanted) return v?.trim() || undefined;
  return undefined;
}

export function parseBody(req: RawRequest, maxBytes = MAX_BODY_BYTES): Record<string, unknown> {
  if (!req.body) return {};
  const raw = req.isBase64Encoded ? Buffer.from(req.body, 'base64') : Buffer.from(req.body, 'utf8');
  if (raw.length > maxBytes) throw new ApiError(413, 'payload_too_large', `request body is larger than ${maxBytes} bytes`);
  const text = raw.toString('utf8');
  const type = (header(req.headers, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  const looksJson = /^\s*[{[]/.test(text);
  if (type === 'application/x-www-form-urlencoded' || (!type && !looksJson)) return parseForm(text);
  if (type === 'application/json' || type.endsWith('+json') || (!type && looksJson) || type === 'text/plain') {
    let parsed: unknown;
    try {
      parsed = parseJson(text);
    } catch (err) {
      throw err instanceof DuplicateKeyError ? duplicate(err.key) : badRequest('malformed JSON body');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('the JSON body must be an object');
    return parsed as Record<string, unknown>;
  }
  throw new ApiError(415, 'unsupported_media_type', `unsupported content type ${type}: send application/json or application/x-www-form-urlencoded`);
}

const duplicate = (key: string) => badRequest(`parameter ${key} is given more than once`);

function parseForm(text: string): Record<string, unknown> {
  // A Map, not an object: `constructor` or `__proto__` are field names like any other (fromEntries defines own properties).
  const fields = new Map<string, string>();
  for (const [k, v] of new URLSearchParams(text)) {
    if (fields.has(k)) throw duplicate(k);
    fields.set(k, v);
  }
  return Object.fromEntries(fields);
}

/** Forms send optional fields as empty strings; treat those (and nulls) as absent. */
export function withoutEmptyFields(body: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== '' && v !== null));
}
