/**
 * The middy wrapper behind every HTTP Lambda: parses the body (JSON or form) of routes that take one, runs the handler,
 * maps every failure to the API family's own envelope, never leaks a stack trace, and logs one
 * structured line per request with secrets redacted. Logs name the route template and the request id,
 * never the raw path: paths carry claim codes and moderation links.
 */
import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { ConfigError } from '../config/index.js';
import { DomainError } from '../errors.js';
import { ContentionError } from '../db/errors.js';
import { log } from '../log/index.js';
import { parseBody } from './body.js';
import type { Answer } from './error-tables.js';
import { ApiError } from './errors.js';
import { stringify } from '../json.js';
import { pageHeaders } from '../html.js';

export interface ApiFamily {
  name: string;
  /** The family's section (tag) in the OpenAPI document. */
  tag: string;
  errorBody(err: ApiError): unknown;
  /** The answer to each domain failure the family's routes can meet. */
  errors: Readonly<Record<string, Answer>>;
  /** The error for input that fails its schema (`field` is the first failing field's path); a 400 `bad_request` listing each field by default. */
  invalidInput?(field: string, message: string, details: { field: string; message: string }[]): ApiError;
}

export interface HttpRequest {
  body: Record<string, unknown>;
  path: Record<string, string | undefined>;
  query: Record<string, string | undefined>;
  headers: Record<string, string | undefined>;
  event: APIGatewayProxyEventV2;
}

export interface HttpResult {
  status?: number;
  body?: unknown;
  /** An HTML page instead of JSON. */
  html?: string;
  /** Anything else (a script, an image): its bytes as text, or base64 when `base64`. */
  file?: { body: string; contentType: string; base64?: boolean };
  headers?: Record<string, string>;
}

export type RouteHandler = (req: HttpRequest) => Promise<HttpResult>;

/** The family's answer to a failure: its status and wire code for a domain failure; a 500 for anything unexpected. */
export function toApiError(family: ApiFamily, err: unknown): ApiError {
  if (err instanceof ApiError) return err;
  if (err instanceof DomainError) {
    const answer = family.errors[err.code];
    if (answer !== undefined) {
      const [status, code] = typeof answer === 'number' ? [answer, err.code] : answer;
      return new ApiError(status, code, err.message, err.details);
    }
    log.error('a domain failure this family does not answer', { family: family.name, code: err.code });
  }
  if (err instanceof ContentionError) return new ApiError(503, 'busy', 'too many concurrent requests for the same records, retry shortly');
  if (err instanceof ConfigError) return new ApiError(500, 'misconfigured', 'service misconfigured');
  return new ApiError(500, 'internal', 'internal error');
}

/** A page's headers unless its route gives its own (a page with inline scripts allows them by hash). */
const PAGE_HEADERS = pageHeaders();

export function render(result: HttpResult): APIGatewayProxyStructuredResultV2 {
  if (result.file) {
    return {
      statusCode: result.status ?? 200,
      headers: { 'content-type': result.file.contentType, 'x-content-type-options': 'nosniff', ...result.headers },
      body: result.file.body,
      isBase64Encoded: result.file.base64 ?? false,
    };
  }
  if (result.html !== undefined) {
    return {
      statusCode: result.status ?? 200,
      headers: { 'content-type': 'text/html; charset=utf-8', ...PAGE_HEADERS, ...result.headers },
      body: result.html,
    };
  }
  return {
    statusCode: result.status ?? 200,
    headers: { 'content-type': 'application/json', ...result.headers },
    body: stringify(result.body ?? {}),
  };
}

/** `readsBody: false` for routes that take no body: one sent anyway is ignored, never refused (413, 415, 400). */
export function httpHandler(family: ApiFamily, handle: RouteHandler, { readsBody = true }: { readsBody?: boolean } = {}) {
  const run = async (event: APIGatewayProxyEventV2, context: Context): Promise<APIGatewayProxyStructuredResultV2> => {
    const started = Date.now();
    const method = event.requestContext?.http?.method ?? 'POST';
    const route = event.routeKey && event.routeKey !== '$default' ? event.routeKey : `${method} (no route)`;
    const requestId = context?.awsRequestId ?? event.requestContext?.requestId;
    let status = 500;
    try {
      const req: HttpRequest = {
        body: !readsBody || method === 'GET' || method === 'HEAD' ? {} : parseBody(event),
        path: event.pathParameters ?? {},
        query: event.queryStringParameters ?? {},
        headers: event.headers ?? {},
        event,
      };
      const response = render(await handle(req));
      status = response.statusCode ?? 200;
      return response;
    } catch (err) {
      const apiError = toApiError(family, err);
      status = apiError.status;
      if (status >= 500) log.error('request failed', { family: family.name, route, requestId, error: err, stack: (err as Error)?.stack });
      return render({ status, body: family.errorBody(apiError) });
    } finally {
      log.info('request', { family: family.name, route, requestId, status, ms: Date.now() - started });
    }
  };
  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>().handler(run);
}
