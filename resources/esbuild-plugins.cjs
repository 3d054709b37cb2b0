// The esbuild plugins of every Lambda bundle. serverless-esbuild loads this file (custom.esbuild.plugins in
// serverless.yml, for `serverless package/deploy` and serverless offline) and so does scripts/lambda-build.ts
// (the bench, the tests), so the figures measured are those of the bundles deployed.
//
// strip-docs: the OpenAPI document is generated at build time (npm run openapi) and served from
// docs/openapi.json; a Lambda never reads what only the document needs. When esbuild loads one of our source
// files (not node_modules), this plugin blanks
//  - the docs-only fields of every route contract (the object literal passed to `defineRoute(...)`, wherever
//    it is called): summary, description, response schema, examples, error descriptions.
//    The response schemas and examples they referenced are then tree-shaken (the schema modules build each
//    schema in a no-side-effects call for that: see lib/cards/schema.ts);
//  - the OpenAPI metadata of zod schemas, `.register(z.globalRegistry, {...})`: register() only records the
//    metadata for z.toJSONSchema and returns the schema itself, so validation is unchanged.
// Files are parsed with the TypeScript compiler API (typescript5: typescript 7 has no JavaScript API). Removed
// text is replaced by spaces (line breaks kept), so lines and columns, hence source maps, are the source's.
const { readFile } = require('node:fs/promises');
const { join, relative, sep } = require('node:path');

const ROOT = join(__dirname, '..');

/**
 * Route contract fields read only by the OpenAPI document (lib/docs/openapi.ts) or the deployment's generator
 * (scripts/functions.ts: `alsoAt`), never by the wrapper (routeHandler).
 */
const DOCS_ONLY = new Set(['summary', 'description', 'response', 'requestExample', 'responseExample', 'errors', 'alsoAt']);
/**
 * Kept: what routeHandler reads (family, auth, params, query, body, emptyFieldsAbsent, headers: their schemas
 * check the values sent, uses, htmlErrors),
 * and the route's identity and success shape (method, path, html, produces, status), a few bytes
 * each. test/unit/lambda-bundle-docs.test.ts checks that the two lists cover RouteContract and that the
 * wrapper reads no docs-only field.
 */
const RUNTIME = new Set(['method', 'path', 'family', 'auth', 'params', 'query', 'body', 'emptyFieldsAbsent', 'headers', 'uses', 'htmlErrors', 'html', 'produces', 'status']);

/** The generator reads what is stripped: a Lambda that imports it would serve an empty document. */
const GENERATOR = join(ROOT, 'lib', 'docs', 'openapi.ts');

let ts;
const typescript = () => (ts ??= require('typescript5'));

const propertyName = (t, p) => (p.name && (t.isIdentifier(p.name) || t.isStringLiteral(p.name)) ? p.name.text : undefined);

/** `x.register(z.globalRegistry, ...)` (or `globalRegistry` imported by name). */
const isGlobalRegistration = (t, call) => {
  const callee = call.expression;
  if (!t.isPropertyAccessExpression(callee) || callee.name.text !== 'register') return false;
  const registry = call.arguments[0];
  return !!registry && ((t.isPropertyAccessExpression(registry) && registry.name.text === 'globalRegistry') || (t.isIdentifier(registry) && registry.text === 'globalRegistry'));
};

/**
 * `source` without its docs-only data: the docs-only fields of its route contracts and its zod schemas'
 * OpenAPI metadata. `removed` names what went (route fields by name, `register` per registration);
 * `warnings` what could not be checked (a spread or computed key in a contract, a non-literal contract, a
 * field neither runtime nor docs-only), which is kept.
 */
function stripDocs(source, fileName = 'source.ts') {
  const removed = [];
  const warnings = [];
  if (!/\bdefineRoute\s*\(|\bglobalRegistry\b/.test(source)) return { code: source, removed, warnings };
  const t = typescript();
  const file = t.createSourceFile(fileName, source, t.ScriptTarget.Latest, true, /x$/.test(fileName) ? t.ScriptKind.TSX : t.ScriptKind.TS);
  /** [start, end, where its line breaks go (they stay in place when undefined)] */
  const cuts = [];
  const statementOf = (node) => (node.parent === file ? node : statementOf(node.parent));
  const where = (node) => {
    const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
    return `${line + 1}:${character + 1}`;
  };
  const contract = (literal) => {
    for (const p of literal.properties) {
      const key = t.isSpreadAssignment(p) ? undefined : propertyName(t, p);
      if (key === undefined) {
        warnings.push(`${where(p)}: ${t.isSpreadAssignment(p) ? 'a spread' : 'a computed key'} in a route contract: its docs-only fields stay in the bundle`);
      } else if (DOCS_ONLY.has(key)) {
        // The property with its leading comments and its comma: what is left is still a valid literal.
        const next = t.skipTrivia(source, p.getEnd());
        cuts.push([p.getFullStart(), source[next] === ',' ? next + 1 : p.getEnd()]);
        removed.push(key);
        continue; // nothing inside is kept
      } else if (!RUNTIME.has(key)) {
        warnings.push(`${where(p)}: route contract field "${key}" is neither runtime nor docs-only: kept (classify it in resources/esbuild-plugins.cjs)`);
      }
      visit(p);
    }
  };
  const visit = (node) => {
    if (t.isCallExpression(node)) {
      const callee = node.expression;
      const name = t.isIdentifier(callee) ? callee.text : t.isPropertyAccessExpression(callee) ? callee.name.text : undefined;
      if (name === 'defineRoute') {
        const arg = node.arguments[0];
        if (arg && t.isObjectLiteralExpression(arg)) {
          visit(callee);
          contract(arg);
          return;
        }
        warnings.push(`${where(node)}: defineRoute's argument is not an object literal: its docs-only fields stay in the bundle`);
      } else if (isGlobalRegistration(t, node)) {
        // `.register(...)` from the end of the schema it is called on: the expression is that schema. Its line
        // breaks move after the statement: one before a following `as` would end the expression there.
        cuts.push([callee.expression.getEnd(), node.getEnd(), statementOf(node).getEnd()]);
        removed.push('register');
        visit(callee.expression);
        return;
      }
    }
    t.forEachChild(node, visit);
  };
  visit(file);
  let code = source;
  const moved = new Map();
  for (const [start, end, linesTo] of cuts.sort((a, b) => b[0] - a[0])) {
    const text = code.slice(start, end);
    code = code.slice(0, start) + (linesTo === undefined ? text.replace(/[^\n\r]/g, ' ') : ' '.repeat(text.length)) + code.slice(end);
    if (linesTo !== undefined) moved.set(linesTo, (moved.get(linesTo) ?? 0) + (text.match(/\n/g) ?? []).length);
  }
  for (const [at, lines] of [...moved].sort((a, b) => b[0] - a[0])) code = code.slice(0, at) + '\n'.repeat(lines) + code.slice(at);
  return { code, removed, warnings };
}

const stripDocsPlugin = {
  name: 'strip-docs',
  setup(build) {
    build.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
      if (args.namespace !== 'file' || args.path.split(sep).includes('node_modules')) return undefined;
      if (args.path === GENERATOR) {
        return { errors: [{ text: `${relative(ROOT, GENERATOR)} is in a Lambda bundle, whose route contracts and schemas carry no docs: serve docs/openapi.json (see resources/esbuild-plugins.cjs)` }] };
      }
      const source = await readFile(args.path, 'utf8');
      const { code, removed, warnings } = stripDocs(source, args.path);
      if (!removed.length && !warnings.length) return undefined;
      return {
        contents: code,
        loader: /x$/.test(args.path) ? 'tsx' : 'ts',
        warnings: warnings.map((text) => ({ text: `${relative(ROOT, args.path)}:${text}` })),
      };
    });
  },
};

module.exports = [stripDocsPlugin];
// For the tests.
module.exports.stripDocs = stripDocs;
module.exports.DOCS_ONLY = DOCS_ONLY;
module.exports.RUNTIME = RUNTIME;
