/**
 * GET /docs/assets/{file}: the API reference's renderer, Scalar's standalone browser bundle
 * (@scalar/api-reference, ~4.3 MB, ~1.3 MB gzipped), served by its own function so no other bundle carries it
 * and /docs needs no CDN. Its name carries its version: cached for a year, immutable.
 */
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import * as z from 'zod/mini';
import { SCALAR_FILE } from '../../lib/docs/page.js';
import { fail } from '../../lib/docs/failures.js';
import { header } from '../../lib/http/body.js';
import { docsFamily } from '../../lib/http/families.js';
import { defineRoute, publicRoute, routeHandler } from '../../lib/http/route.js';

export const route = defineRoute({
  method: 'GET',
  path: '/docs/assets/{file}',
  family: docsFamily,
  auth: publicRoute,
  summary: 'The API reference page’s renderer (JavaScript)',
  description: 'Answers `text/javascript` (gzip when accepted). The only file is the one /docs names, `scalar-<version>.js`.',
  params: z.object({ file: z.string().register(z.globalRegistry, { description: 'The file /docs names.' }) }),
  produces: 'text/javascript',
  errors: { 404: 'No such file' },
  uses: [],
});

/**
 * The renderer's text. In the Lambda bundle (serverless-esbuild, also what serverless offline runs) esbuild
 * inlines the file as a string, from the import attribute; run from source (tsx, vitest), where Node cannot
 * import text, it is read from node_modules. The path is relative, not the package name: the package's
 * `exports` do not list the browser bundle.
 */
async function loadRenderer(): Promise<string> {
  const text = import.meta.url.endsWith('.ts')
    ? await readFile(new URL('../../node_modules/@scalar/api-reference/dist/browser/standalone.js', import.meta.url), 'utf8')
    : // @ts-expect-error: a text import has no declaration (only under a bundler; see above)
      ((await import('../../node_modules/@scalar/api-reference/dist/browser/standalone.js', { with: { type: 'text' } })) as { default: string }).default;
  // Its source map is not served: browsers would ask for it.
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
}

let renderer: Promise<string> | undefined;
let gzipped: Promise<string> | undefined;
const script = () => (renderer ??= loadRenderer());
/** Compressed once per container (~0.15 s), base64 for the API Gateway answer. */
const scriptGzip = () => (gzipped ??= script().then((text) => promisify(gzip)(text, { level: 9 })).then((b) => b.toString('base64')));

/** Whether Accept-Encoding takes gzip (`gzip`, or `*`, without q=0). */
export function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return (coding === 'gzip' || coding === '*') && (q === undefined || Number(q.slice(2)) > 0);
  });
}

export const handler = routeHandler(route, async ({ params, headers }) => {
  if (params.file !== SCALAR_FILE) throw fail('no_such_file', 'no such file');
  const gzip = acceptsGzip(header(headers, 'accept-encoding'));
  return {
    file: { body: gzip ? await scriptGzip() : await script(), contentType: 'text/javascript; charset=utf-8', base64: gzip },
    headers: { 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding', ...(gzip ? { 'content-encoding': 'gzip' } : {}) },
  };
});
