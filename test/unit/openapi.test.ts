import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverFunctions, type DiscoveredFunction } from '../../scripts/functions.js';
import { generatedOpenApi, generatedOperations, generatedReadme, OPENAPI_FILE, OPERATIONS_FILE, README_FILE } from '../../scripts/openapi.js';
import { printServerless } from '../../scripts/stack/resources.js';

type Operation = {
  operationId?: string;
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
};

let functions: DiscoveredFunction[];
beforeAll(async () => {
  functions = await discoverFunctions();
});

const contractRoutes = () => functions.flatMap((f) => (f.route ? [`${f.route.method} ${f.route.path}`] : [])).sort();
const spec = () => JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation>> };

describe('route contracts, the deployment and the OpenAPI document', () => {
  it('docs/openapi.json, the docs page’s operation list and the README’s route index are what the contracts give (npm run openapi)', async () => {
    expect(readFileSync(OPENAPI_FILE, 'utf8')).toBe(await generatedOpenApi(functions));
    expect(readFileSync(OPERATIONS_FILE, 'utf8')).toBe(await generatedOperations(functions));
    expect(readFileSync(README_FILE, 'utf8')).toBe(await generatedReadme(functions));
  });

  it('the document has exactly the contracts’ routes', () => {
    const documented = Object.entries(spec().paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    expect(contractRoutes().length).toBeGreaterThan(30);
    expect(documented.sort()).toEqual(contractRoutes());
  });

  it('serverless deploys exactly the contracts’ routes, one function each, with the handler that declares them', () => {
    const deployed = printServerless({}, 'prod');
    const routes = deployed.functions.flatMap((f) => f.events.flatMap((e) => ((e as { httpApi?: { method: string; path: string } }).httpApi ? [{ f, ...(e as { httpApi: { method: string; path: string } }).httpApi }] : [])));
    // A route's second spelling (`alsoAt`) is deployed as a second route of the same function.
    const spellings = functions.flatMap((f) => (f.route?.alsoAt ? [`${f.route.method} ${f.route.alsoAt}`] : []));
    expect(spellings).toContain('GET /participants/topup/');
    expect(routes.map((r) => `${r.method} ${r.path}`).sort()).toEqual([...contractRoutes(), ...spellings].sort());
    for (const r of routes) {
      const declared = functions.find((f) => f.route?.method === r.method && (f.route.path === r.path || f.route.alsoAt === r.path))!;
      expect(r.f.handler).toBe(declared.handler);
      expect(r.f.key).toBe(declared.name);
    }
    expect(deployed.functions.map((f) => f.key).sort()).toEqual(functions.map((f) => f.name).sort());
  }, 60_000);

  it('every operation has an operationId, security, a 4xx answer and a response schema', () => {
    const ids = new Set<string>();
    for (const [path, ops] of Object.entries(spec().paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const where = `${method} ${path}`;
        expect(op.operationId, where).toMatch(/^[a-z][A-Za-z]+$/);
        expect(ids.has(op.operationId!), `${where}: duplicate operationId`).toBe(false);
        ids.add(op.operationId!);
        expect(Array.isArray(op.security), `${where}: security`).toBe(true);
        const success = Object.entries(op.responses).find(([s]) => s.startsWith('2'));
        expect(success, `${where}: a 2xx answer`).toBeDefined();
        expect(Object.values(success![1].content ?? {})[0]?.schema, `${where}: response schema`).toBeDefined();
        expect(Object.keys(op.responses).some((s) => s.startsWith('4') || s.startsWith('5')), `${where}: an error answer`).toBe(true);
      }
    }
  });

  it("every contract's examples satisfy its own schemas", () => {
    for (const f of functions.filter((x) => x.route)) {
      const r = f.route!;
      if (r.requestExample !== undefined && r.body) expect(r.body.safeParse(r.requestExample).error?.issues, `${f.name} request example`).toBeUndefined();
      if (r.responseExample !== undefined && r.response) expect(r.response.safeParse(r.responseExample).error?.issues, `${f.name} response example`).toBeUndefined();
    }
  });

  it('includes the request schema built from the zod validators', () => {
    const op = spec().paths['/new_purchase']!.post!;
    const schema = op.requestBody!.content['application/x-www-form-urlencoded']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['partner', 'partner_key', 'customer', 'order_id', 'address', 'currency', 'currency_amount']));
    expect(Object.keys(schema.properties)).toContain('purchase_unit');
  });
});
