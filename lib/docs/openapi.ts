/** OpenAPI 3.1, generated from the same zod schemas the handlers validate with. */
import * as z from 'zod/mini';
import { routes, type RouteDoc } from './routes.js';

const jsonSchema = (s: z.ZodMiniType) => {
  const { $schema: _drop, ...rest } = z.toJSONSchema(s, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

function operation(r: RouteDoc) {
  const params: Record<string, unknown>[] = [...r.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: 'path', required: true, schema: { type: 'string' } }));
  if (r.query) {
    const q = jsonSchema(r.query) as { properties?: Record<string, Record<string, unknown>>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema, ...(schema.description ? { description: schema.description } : {}) });
    }
  }
  for (const h of r.headers ?? []) params.push({ name: h.name, in: 'header', required: true, description: h.description, schema: { type: 'string' } });
  const ok = r.html
    ? { description: 'HTML page', content: { 'text/html': { schema: { type: 'string' } } } }
    : {
        description: 'Success',
        content: { 'application/json': { schema: r.response ? jsonSchema(r.response) : { type: 'object' }, ...(r.responseExample ? { example: r.responseExample } : {}) } },
      };
  const responses: Record<string, unknown> = { 200: ok };
  for (const [status, description] of Object.entries(r.errors ?? {})) {
    responses[status] = { description, content: { 'application/json': { schema: r.errorSchema ? jsonSchema(r.errorSchema) : { type: 'object' } } } };
  }
  return {
    tags: [r.tag],
    summary: r.summary,
    ...(r.scope ? { 'x-required-scope': r.scope, security: [{ appId: [], apiKey: [] }] } : {}),
    ...(r.description ? { description: r.description } : {}),
    ...(params.length ? { parameters: params } : {}),
    ...(r.request
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: jsonSchema(r.request), ...(r.requestExample ? { example: r.requestExample } : {}) },
              'application/x-www-form-urlencoded': { schema: jsonSchema(r.request) },
            },
          },
        }
      : {}),
    responses,
  };
}

export function openApiDocument(serverUrl = '/') {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) (paths[r.path] ??= {})[r.method] = operation(r);
  return {
    openapi: '3.1.0',
    info: {
      title: 'Rewards payments platform',
      version: '0.1.0',
      description:
        'Partner cashback (Obyte-compatible) and cashback cards (/api/v1/cashback). Cashback-card amounts are JSON numbers with the card currency\'s decimals, computed from exact minor units. Partner cashback amounts of the cashback token are integers in its smallest unit (18 decimals) and are written as exact JSON integers: parse them with a big-integer aware JSON parser.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      securitySchemes: {
        appId: { type: 'apiKey', in: 'header', name: 'X-App-Id', description: 'Cashback cards API: the app id.' },
        apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key', description: 'Cashback cards API: a key of the app; each key has scopes (cashback_read, cashback_write, card_read).' },
      },
    },
  };
}
