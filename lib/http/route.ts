/**
 * Route contracts: one declaration per endpoint (method, path, API family, auth, input schemas, response
 * schema and examples, error statuses, what the function uses), next to its handler. The wrapper built from
 * a contract checks the function's configuration once, authenticates the caller, validates path, query and
 * body, runs the handler with typed input, and answers every failure in the family's envelope (or as an HTML
 * page for browser routes). The OpenAPI document and the deployment's function definitions are generated
 * from the same contracts.
 */
import type { Wire } from '../json.js';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod/mini';
import { declaredRunner, type Use } from '../config/uses.js';
import { header, withoutEmptyFields } from './body.js';
import { ApiError, badRequest } from './errors.js';
import { httpHandler, toApiError, type ApiFamily, type HttpRequest, type HttpResult } from './handler.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'DELETE';

export type AuthKind = 'none' | 'partnerKey' | 'appKey' | 'memberToken' | 'providerKey' | 'identityTicket' | 'terminalDevice' | 'userOrTerminal' | 'systemRole' | 'signedLink';

/** How a route knows its caller. Domains define their schemes (they own the credentials); the wrapper only runs them. */
export interface AuthScheme<Caller> {
  kind: AuthKind;
  /** OpenAPI security requirements (an empty list: public) and the schemes they name. */
  security: Record<string, string[]>[];
  securitySchemes: Record<string, Record<string, unknown>>;
  /** Cards API key scope, shown in the document. */
  scope?: string;
  authenticate(req: HttpRequest): Caller | Promise<Caller>;
}

export const publicRoute: AuthScheme<undefined> = { kind: 'none', security: [], securitySchemes: {}, authenticate: () => undefined };

/** The credential is the signed code in the path, verified by the domain (it knows the link's key and its single use). */
export const signedLink: AuthScheme<undefined> = { kind: 'signedLink', security: [], securitySchemes: {}, authenticate: () => undefined };

export interface DocumentedHeader {
  name: string;
  description: string;
  /** Documented as required unless false. */
  required?: boolean;
  /**
   * Its JSON Schema in the document (a plain string when absent). When given, the wrapper checks a value sent
   * with it (bad_<name in snake case>, the schema's message) before the handler runs.
   */
  schema?: z.ZodMiniType;
}

export interface RouteContract<Params = unknown, Query = unknown, Body = unknown, Caller = unknown, Response = unknown> {
  method: HttpMethod;
  path: string;
  /** The same endpoint under a spelling clients also send (a trailing slash): routed to this function too, not documented apart. */
  alsoAt?: string;
  family: ApiFamily;
  auth: AuthScheme<Caller>;
  summary: string;
  description?: string;
  params?: z.ZodMiniType<Params, any>;
  query?: z.ZodMiniType<Query, any>;
  body?: z.ZodMiniType<Body, any>;
  /** Forms send optional fields as empty strings: treat those (and nulls) as absent before validating. */
  emptyFieldsAbsent?: boolean;
  /** Headers the route reads besides its auth scheme's (documented only). */
  headers?: DocumentedHeader[];
  /** The JSON answer; `html` routes answer a page instead. */
  response?: z.ZodMiniType<Response, any>;
  html?: boolean;
  /** The media type of a success that is neither JSON nor HTML (the handler answers a `file`). */
  produces?: string;
  /** Success status when it is not 200 (documented; the handler sets it). */
  status?: number;
  requestExample?: unknown;
  responseExample?: unknown;
  /** Error statuses with what each means. */
  errors: Record<number, string>;
  /** What the function touches: configuration sections, queues, keys. Drives its environment and IAM role. */
  uses: readonly Use[];
  /**
   * Failures answered as an HTML page (browser routes): 'always', or 'forms' for routes that answer JSON to
   * API clients and pages to browser form posts; `page` renders one (lib/html.ts `errorPage` is the plain
   * one). JSON routes never bundle page rendering.
   */
  htmlErrors?: { when: 'always' | 'forms'; page: (err: ApiError, request: { path: Record<string, string | undefined> }) => Promise<HttpResult> | HttpResult };
}

export interface RouteInput<Params, Query, Body, Caller> {
  params: Params;
  query: Query;
  body: Body;
  caller: Caller;
  headers: Record<string, string | undefined>;
  /** The request came from an HTML form (browser routes answer pages to those). */
  fromForm: boolean;
}

export type { Wire };

export type Reply<Response> =
  | { status?: number; body: Wire<Response>; headers?: Record<string, string> }
  | { status?: number; html: string; headers?: Record<string, string> }
  | { status?: number; file: { body: string; contentType: string; base64?: boolean }; headers?: Record<string, string> };

export type RouteHandlerOf<C> = C extends RouteContract<infer P, infer Q, infer B, infer A, infer R> ? (input: RouteInput<P, Q, B, A>) => Promise<Reply<R>> : never;

/** A contract, kept as declared (its types drive the handler's input). */
/* @__NO_SIDE_EFFECTS__ */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = Record<string, never>, C = undefined, R = unknown>(
  contract: RouteContract<P, Q, B, C, R>,
): RouteContract<P, Q, B, C, R> {
  return contract;
}

const isForm = (req: HttpRequest) => (header(req.headers, 'content-type') ?? '').toLowerCase().startsWith('application/x-www-form-urlencoded');

/** The Lambda handler of a contract. */
/* @__NO_SIDE_EFFECTS__ */
export function routeHandler<P, Q, B, C, R>(contract: RouteContract<P, Q, B, C, R>, handle: (input: RouteInput<P, Q, B, C>) => Promise<Reply<NoInfer<R>>>) {
  const { family } = contract;
  const run = declaredRunner(contract.uses);
  const wrapped = httpHandler(family, (req) => run(async () => {
    const fromForm = isForm(req);
    try {
      const caller = await contract.auth.authenticate(req);
      const params = (contract.params ? parseInput(family, contract.params, req.path) : {}) as P;
      const query = (contract.query ? parseInput(family, contract.query, req.query) : {}) as Q;
      const raw = contract.emptyFieldsAbsent ? withoutEmptyFields(req.body) : req.body;
      const body = (contract.body ? parseInput(family, contract.body, raw) : {}) as B;
      checkHeaders(family, contract.headers, req.headers);
      return await handle({ params, query, body, caller, headers: req.headers, fromForm });
    } catch (err) {
      const pages = contract.htmlErrors;
      if (!pages || (pages.when === 'forms' && !fromForm)) throw err;
      const answer = toApiError(family, err);
      if (answer.status >= 500) throw err;
      return await pages.page(answer, { path: req.path });
    }
  }), { readsBody: contract.body !== undefined });
  return wrapped as (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>;
}

/** zod validation with the schema's own messages; the family decides the error's code. */
/** Declared headers with a schema: a value sent must match it (a missing one is the handler's to judge). */
function checkHeaders(family: ApiFamily, declared: DocumentedHeader[] | undefined, headers: Record<string, string | undefined>): void {
  for (const h of declared ?? []) {
    const value = h.schema ? header(headers, h.name) : undefined;
    if (value === undefined) continue;
    const result = h.schema!.safeParse(value);
    if (result.success) continue;
    const message = result.error.issues[0]!.message;
    const field = h.name.toLowerCase().replace(/\W/g, '_');
    throw family.invalidInput ? family.invalidInput(field, message, [{ field, message }]) : badRequest(message, [{ field, message }]);
  }
}

export function parseInput<T>(family: ApiFamily, schema: z.ZodMiniType<T, any>, input: unknown): T {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = issue.path.join('.');
  const message = field && !issue.message.startsWith(field) ? `${field}: ${issue.message}` : issue.message;
  const details = result.error.issues.map((i) => ({ field: i.path.join('.'), message: i.message }));
  throw family.invalidInput ? family.invalidInput(field, message, details) : badRequest(message, details);
}
