/** GET /openapi.json: the OpenAPI 3.1 document of every route, generated from the route contracts. */
import * as z from 'zod/mini';
import document from '../../docs/openapi.json' with { type: 'json' };
import { docsFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/openapi.json',
  family: docsFamily,
  auth: publicRoute,
  summary: 'This OpenAPI 3.1 document',
  response: z.looseObject({
    openapi: z.literal('3.1.0'),
    info: z.looseObject({ title: z.string(), version: z.string() }),
    paths: z.record(z.string(), z.record(z.string(), z.unknown())),
  }),
  errors: {},
  uses: [],
});

export const handler = routeHandler(route, async () => ({ body: document as z.infer<NonNullable<typeof route.response>> }));
