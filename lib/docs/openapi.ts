/**
 * OpenAPI 3.1 built from the route contracts: the same zod schemas the wrapper validates with, the auth
 * schemes the wrapper runs, the families' error envelopes (./error-schemas.ts). `npm run openapi` writes it
 * to docs/openapi.json, which the docs functions serve (a test fails when the file and the contracts differ).
 * It reads the contracts' docs-only fields, which Lambda bundles do not carry (resources/esbuild-plugins.cjs):
 * it runs at build time, never in a Lambda.
 */
import * as z from 'zod/mini';
import type { ApiFamily } from '../http/handler.js';
import type { RouteContract } from '../http/route.js';
import { errorSchemaOf } from './error-schemas.js';

export interface DocumentedRoute {
  /** The function's name, used as the operationId. */
  name: string;
  route: RouteContract;
}

type JsonSchema = Record<string, unknown> & { properties?: Record<string, Record<string, unknown>>; required?: string[] };

const jsonSchema = (s: z.ZodMiniType, io: 'input' | 'output' = 'input'): JsonSchema => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
};

/** What the wrapper itself may answer on any route (body limits, contention, a broken deployment). */
export const WRAPPER_ERRORS: Record<number, string> = {
  413: 'Body larger than 16 KiB',
  415: 'Unsupported content type: send application/json or application/x-www-form-urlencoded',
  500: 'Internal error (never for bad input)',
  503: 'Too much contention on the same records, or a dependency is unavailable: retry shortly',
};

const errorSchemaName = (family: ApiFamily) => `${family.tag.replace(/[^A-Za-z]/g, '')}Error`;

function parameters(r: RouteContract) {
  const params: Record<string, unknown>[] = [];
  const path = r.params ? jsonSchema(r.params) : undefined;
  for (const [, name] of r.path.matchAll(/\{(\w+)\}/g)) {
    const schema = path?.properties?.[name!] ?? { type: 'string' };
    params.push({ name, in: 'path', required: true, schema, ...(schema.description ? { description: schema.description } : {}) });
  }
  if (r.query) {
    const q = jsonSchema(r.query);
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema, ...(schema.description ? { description: schema.description } : {}) });
    }
  }
  for (const h of r.headers ?? []) params.push({ name: h.name, in: 'header', required: h.required ?? true, description: h.description, schema: h.schema ? jsonSchema(h.schema) : { type: 'string' } });
  return params;
}

function operation({ name, route: r }: DocumentedRoute) {
  const params = parameters(r);
  const success = r.produces
    ? { description: 'Success', content: { [r.produces]: { schema: { type: 'string' } } } }
    : r.html
    ? { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } }
    : {
        description: 'Success',
        content: {
          'application/json': {
            schema: r.response ? jsonSchema(r.response, 'output') : { type: 'object' },
            ...(r.responseExample !== undefined ? { example: r.responseExample } : {}),
          },
        },
      };
  const responses: Record<string, unknown> = { [String(r.status ?? 200)]: success };
  const bodyErrors = r.body ? { 413: WRAPPER_ERRORS[413]!, 415: WRAPPER_ERRORS[415]! } : {};
  for (const [status, description] of Object.entries({ ...bodyErrors, 500: WRAPPER_ERRORS[500]!, 503: WRAPPER_ERRORS[503]!, ...r.errors })) {
    responses[status] =
      r.htmlErrors?.when === 'always'
        ? { description, content: { 'text/html': { schema: { type: 'string' } } } }
        : { description, content: { 'application/json': { schema: { $ref: `#/components/schemas/${errorSchemaName(r.family)}` } } } };
  }
  return {
    operationId: name,
    tags: [r.family.tag],
    summary: r.summary,
    ...(r.description ? { description: r.description } : {}),
    security: r.auth.security,
    ...(r.auth.scope ? { 'x-required-scope': r.auth.scope } : {}),
    'x-auth': r.auth.kind,
    ...(params.length ? { parameters: params } : {}),
    ...(r.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchema(r.body), ...(r.requestExample !== undefined ? { example: r.requestExample } : {}) },
              'application/x-www-form-urlencoded': { schema: jsonSchema(r.body) },
            },
          },
        }
      : {}),
    responses,
  };
}

const TAGS: Record<string, string> = {
  'Partner cashback': 'Obyte-compatible cashback for partners (merchants, payment processors, POS): partner + partner_key in the body, JSON or form.',
  'Cashback cards': 'Loyalty apps run cashback cards: X-App-Id + X-Api-Key with scopes; X-Member-Token (after an OTP) for member actions.',
  'Cash-out claims': 'Cash-out providers register, generate claim links for their customers and receive signed webhooks.',
  'Payments service': "Users' and participants' coins: identity tickets (authenticateit_identity_ticket); moderators decide by signed links.",
  Textcoins: 'Cashback mailed to an email address, claimed to an Ethereum address from the link.',
  Docs: 'This document and its reference page.',
};

export function openApiDocument(routes: DocumentedRoute[], serverUrl = '/') {
  const paths: Record<string, Record<string, unknown>> = {};
  const securitySchemes: Record<string, unknown> = {};
  const errorSchemas: Record<string, unknown> = {};
  const tags = new Set<string>();
  for (const d of [...routes].sort((a, b) => a.route.path.localeCompare(b.route.path) || a.route.method.localeCompare(b.route.method))) {
    (paths[d.route.path] ??= {})[d.route.method.toLowerCase()] = operation(d);
    Object.assign(securitySchemes, d.route.auth.securitySchemes);
    errorSchemas[errorSchemaName(d.route.family)] = jsonSchema(errorSchemaOf(d.route.family));
    tags.add(d.route.family.tag);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rewards payments platform',
      version: '0.1.0',
      description:
        "Partner cashback (Obyte-compatible), cashback cards (/api/v1/cashback), cash-out claims (/cashout) and the payments service's user coins. Cashback-card amounts are JSON numbers with the card currency's decimals, computed from exact minor units. Partner cashback amounts of the cashback token are integers in its smallest unit (18 decimals) and are written as exact JSON integers: parse them with a big-integer aware JSON parser. Payments-service coin amounts are decimal strings in the token's smallest unit.",
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
    },
    servers: [{ url: serverUrl }],
    tags: [...tags].sort().map((name) => ({ name, description: TAGS[name] ?? name })),
    paths,
    components: { securitySchemes, schemas: errorSchemas },
  };
}

export type OpenApiDocument = ReturnType<typeof openApiDocument>;
