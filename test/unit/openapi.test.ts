import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { openApiDocument } from '../../lib/docs/openapi.js';

const root = join(import.meta.dirname, '../..');

function declaredRoutes(): string[] {
  const routes: string[] = [];
  for (const domain of readdirSync(join(root, 'functions'))) {
    const file = join(root, 'functions', domain, 'functions.yml');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const fn of Object.values(parse(text) as Record<string, { events?: { httpApi?: { method: string; path: string } }[] }>)) {
      for (const e of fn.events ?? []) if (e.httpApi) routes.push(`${e.httpApi.method.toLowerCase()} ${e.httpApi.path}`);
    }
  }
  return routes;
}

describe('OpenAPI document', () => {
  it('documents every route declared in serverless.yml, and nothing else', () => {
    const doc = openApiDocument();
    const documented = Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m} ${path}`));
    const declared = declaredRoutes();
    expect(declared.length).toBeGreaterThan(3);
    expect(documented.sort()).toEqual(declared.sort());
  });

  it('includes the request schema built from the zod validators', () => {
    const op = openApiDocument().paths['/new_purchase']!.post as { requestBody: { content: Record<string, { schema: { required: string[]; properties: Record<string, unknown> } }> } };
    const schema = op.requestBody.content['application/x-www-form-urlencoded']!.schema;
    expect(schema.required).toEqual(expect.arrayContaining(['partner', 'partner_key', 'customer', 'order_id', 'address', 'currency', 'currency_amount']));
    expect(Object.keys(schema.properties)).toContain('purchase_unit');
  });
});
