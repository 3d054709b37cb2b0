/**
 * Docs-only data stays out of the Lambda bundles: route contracts' summaries, response schemas, examples and
 * error descriptions, schemas' OpenAPI metadata, the families' error envelopes (resources/esbuild-plugins.cjs,
 * lib/docs/error-schemas.ts). The bundles are built as `serverless package` builds them
 * (scripts/lambda-build.ts) and still answer as their contracts say.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { transform } from 'esbuild';
import * as z from 'zod/mini';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorSchemas } from '../../lib/docs/error-schemas.js';
import type { RouteContract } from '../../lib/http/route.js';
import { buildLambda, lambdaBuildOptions } from '../../scripts/lambda-build.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

const ROOT = join(import.meta.dirname, '../..');
const require = createRequire(import.meta.url);
const ts = require('typescript5') as typeof import('typescript5');
const { stripDocs, DOCS_ONLY, RUNTIME } = require('../../resources/esbuild-plugins.cjs') as {
  stripDocs(source: string, fileName?: string): { code: string; removed: string[]; warnings: string[] };
  DOCS_ONLY: Set<string>;
  RUNTIME: Set<string>;
};

type Handler = (event: ReturnType<typeof httpEvent>, context: typeof lambdaContext) => Promise<APIGatewayProxyStructuredResultV2>;

const sourceFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));

/** The string leaves of an example. */
const strings = (value: unknown): string[] =>
  typeof value === 'string' ? [value] : value && typeof value === 'object' ? Object.values(value).flatMap(strings) : [];

/** The descriptions a schema documents (its OpenAPI metadata). */
const descriptions = (schema: z.ZodMiniType): string[] => {
  const out: string[] = [];
  const walk = (node: unknown) => {
    if (!node || typeof node !== 'object') return;
    for (const [k, v] of Object.entries(node)) (k === 'description' && typeof v === 'string' ? out.push(v) : walk(v));
  };
  walk(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }));
  return out;
};

describe('which route contract fields a Lambda keeps', () => {
  const routeTs = readFileSync(join(ROOT, 'lib/http/route.ts'), 'utf8');
  const file = ts.createSourceFile('route.ts', routeTs, ts.ScriptTarget.Latest, true);

  it('every RouteContract field is either runtime or docs-only (a new field must be classified in the plugin)', () => {
    const contract = file.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === 'RouteContract') as import('typescript5').InterfaceDeclaration;
    const fields = contract.members.map((m) => (m.name as import('typescript5').Identifier).text).sort();
    expect(fields).toEqual([...DOCS_ONLY, ...RUNTIME].sort());
    expect([...DOCS_ONLY].filter((f) => RUNTIME.has(f))).toEqual([]);
  });

  it('the wrapper reads no docs-only field, and no handler reads one from its contract', () => {
    const read = new Set<string>();
    const visit = (node: import('typescript5').Node) => {
      if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'contract') read.add(node.name.text);
      if (ts.isVariableDeclaration(node) && ts.isObjectBindingPattern(node.name) && node.initializer && ts.isIdentifier(node.initializer) && node.initializer.text === 'contract') {
        for (const e of node.name.elements) read.add(((e.propertyName ?? e.name) as import('typescript5').Identifier).text);
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
    expect([...read].length).toBeGreaterThan(5);
    expect([...read].filter((f) => DOCS_ONLY.has(f))).toEqual([]);
    expect([...read].filter((f) => !RUNTIME.has(f))).toEqual([]);

    // `route.response` in a type (typeof route.response) is fine: types are erased.
    const docsReads: string[] = [];
    for (const path of sourceFiles(join(ROOT, 'functions'))) {
      const source = ts.createSourceFile(path, readFileSync(path, 'utf8'), ts.ScriptTarget.Latest, true);
      const walk = (node: import('typescript5').Node) => {
        if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && /^route$|Route$/.test(node.expression.text) && DOCS_ONLY.has(node.name.text)) {
          docsReads.push(`${relative(ROOT, path)}: ${node.getText(source)}`);
        }
        ts.forEachChild(node, walk);
      };
      walk(source);
    }
    expect(docsReads).toEqual([]);
  });
});

describe('the plugin (stripDocs)', () => {
  it('blanks the docs-only fields wherever defineRoute is called, keeping lines and valid code', async () => {
    const source = [
      "import * as z from 'zod/mini';",
      "import { defineRoute } from './route.js';",
      'export function makeRoute(path: string) {',
      '  return defineRoute({',
      "    method: 'POST',",
      '    path,',
      "    summary: `Make ${path}`,",
      '    /** What it answers. */',
      '    response: z.object({ ok: z.literal(true) }),',
      "    responseExample: { ok: 'EXAMPLE-MARKER' },",
      "    uses: ['cashback'],",
      "    errors: { 400: 'ERROR-MARKER' }",
      '  });',
      '}',
      'export const id = z',
      '  .string()',
      "  .register(z.globalRegistry, { description: 'DESCRIPTION-MARKER' }) as unknown as z.ZodMiniType<string>;",
      "export const other = { summary: 'kept: not a contract' };",
    ].join('\n');
    const { code, removed, warnings } = stripDocs(source, 'make.ts');
    expect(removed.sort()).toEqual(['errors', 'register', 'response', 'responseExample', 'summary']);
    expect(warnings).toEqual([]);
    expect(code.split('\n')).toHaveLength(source.split('\n').length);
    expect(code).not.toMatch(/MARKER|Make \$|What it answers/);
    expect(code).toContain("uses: ['cashback']");
    expect(code).toContain("{ summary: 'kept: not a contract' }");
    // Still TypeScript; the schema is the expression cast (a line break before `as` would end it).
    await expect(transform(code, { loader: 'ts' })).resolves.toBeDefined();
    expect(code.split('\n')[3]).toBe('  return defineRoute({');
  });

  it('warns about what it cannot check, and keeps it', () => {
    const { removed, warnings } = stripDocs("const base = { summary: 's' };\nexport const route = defineRoute({ ...base, method: 'GET', extra: 1 });\nexport const r2 = defineRoute(base);\n");
    expect(removed).toEqual([]);
    expect(warnings).toEqual([expect.stringContaining('a spread'), expect.stringContaining('"extra"'), expect.stringContaining('not an object literal')]);
  });

  it('strips every source file of ours without a warning, into valid TypeScript', async () => {
    const files = [...sourceFiles(join(ROOT, 'functions')), ...sourceFiles(join(ROOT, 'lib'))];
    let contracts = 0;
    for (const path of files) {
      const source = readFileSync(path, 'utf8');
      const { code, removed, warnings } = stripDocs(source, path);
      expect(warnings, relative(ROOT, path)).toEqual([]);
      if (!removed.length) continue;
      if (removed.includes('summary')) contracts++;
      expect(code.split('\n').length, relative(ROOT, path)).toBe(source.split('\n').length);
      await transform(code, { loader: 'ts', sourcefile: path });
    }
    expect(contracts).toBeGreaterThan(30);
  });
});

describe('Lambda bundles (as serverless package builds them)', () => {
  // Under node_modules, so the bundle's external imports (@aws-sdk) resolve as they do in the Lambda runtime.
  const dir = join(ROOT, 'node_modules/.cache');
  let out: string;
  const options = lambdaBuildOptions();
  beforeAll(() => {
    mkdirSync(dir, { recursive: true });
    out = mkdtempSync(join(dir, 'lambda-bundle-docs-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  const cases = [
    {
      entry: 'functions/cashout/claim-status.ts',
      family: 'cashout',
      // A uuid longer than a uuid: refused by the path schema, before any read.
      event: () => ({ ...httpEvent('GET', `/cashout/claim/${'x'.repeat(40)}/status`), routeKey: 'GET /cashout/claim/{uuid}/status', pathParameters: { uuid: 'x'.repeat(40) } }),
    },
    {
      entry: 'functions/purchases/new-purchase.ts',
      family: 'partner-cashback',
      // No credentials: refused by the partner credentials schema, before any read.
      event: () => ({ ...httpEvent('POST', '/new_purchase', { customer: 'c', order_id: 'o' }), routeKey: 'POST /new_purchase' }),
    },
  ];

  for (const c of cases) {
    it(`${c.entry}: none of its contract's docs, and it still validates in its family's envelope`, async () => {
      const { route } = (await import(pathToFileURL(join(ROOT, c.entry)).href)) as { route: RouteContract };
      const outfile = join(out, `${relative(join(ROOT, 'functions'), c.entry).replace(/[/.]/g, '-')}.mjs`);
      const { metafile } = await buildLambda(join(ROOT, c.entry), outfile, options);
      const code = readFileSync(outfile, 'utf8');

      const docs = [route.summary, ...strings(route.responseExample).filter((s) => s.length >= 8), ...descriptions(route.response!)];
      expect(docs.length).toBeGreaterThan(2);
      for (const text of docs) expect(code.includes(text), `"${text}" is in the bundle`).toBe(false);
      // What is in the bundle (the files that give it bytes).
      const inputs = Object.entries(Object.values(metafile.outputs).find((o) => o.entryPoint)!.inputs).flatMap(([f, i]) => (i.bytesInOutput > 0 ? [f] : []));
      expect(inputs).toContain(relative(ROOT, join(ROOT, c.entry)));
      expect(inputs.filter((f) => f.startsWith('lib/docs/'))).toEqual([]);
      // The schemas' metadata registry is not even reached.
      expect(inputs.filter((f) => f.endsWith('zod/v4/core/registries.js'))).toEqual([]);

      const { handler } = (await import(pathToFileURL(outfile).href)) as { handler: Handler };
      const res = await handler(c.event(), lambdaContext);
      expect(res.statusCode).toBe(400);
      const body = JSON.parse(res.body ?? '') as unknown;
      expect(errorSchemas[c.family]!.safeParse(body).success, JSON.stringify(body)).toBe(true);
    }, 20_000);
  }

  it('the docs function serves docs/openapi.json as generated: the document is data, not stripped contracts', async () => {
    const outfile = join(out, 'docs-openapi.mjs');
    await buildLambda(join(ROOT, 'functions/docs/openapi.ts'), outfile, options);
    const { handler } = (await import(pathToFileURL(outfile).href)) as { handler: Handler };
    const res = await handler({ ...httpEvent('GET', '/openapi.json'), routeKey: 'GET /openapi.json' }, lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body ?? '')).toEqual(JSON.parse(readFileSync(join(ROOT, 'docs/openapi.json'), 'utf8')));
  }, 20_000);

  it('refuses to bundle the generator, which would document nothing from stripped contracts', async () => {
    await expect(buildLambda(join(ROOT, 'lib/docs/openapi.ts'), join(out, 'generator.mjs'), { ...options, logLevel: 'silent' })).rejects.toThrow(/lib\/docs\/openapi\.ts is in a Lambda bundle/);
  });
});
