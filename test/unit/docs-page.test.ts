import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { acceptsGzip, handler as assets, route as assetsRoute } from '../../functions/docs/assets.js';
import { handler as docs } from '../../functions/docs/page.js';
import { route as openapiRoute } from '../../functions/docs/openapi.js';
import { SCALAR_FILE, SCALAR_PATH } from '../../lib/docs/page.js';
import { httpEvent, lambdaContext } from '../fixtures/events.js';

const ROOT = join(import.meta.dirname, '../..');
const RENDERER = readFileSync(join(ROOT, 'node_modules/@scalar/api-reference/dist/browser/standalone.js'), 'utf8');

type Handler = (event: ReturnType<typeof httpEvent>, context: typeof lambdaContext) => Promise<APIGatewayProxyStructuredResultV2>;

const getAsset = (file: string, headers: Record<string, string> = {}, handler: Handler = assets) =>
  handler({ ...httpEvent('GET', `/docs/assets/${file}`, undefined, headers), routeKey: 'GET /docs/assets/{file}', pathParameters: { file } }, lambdaContext);

/** The URLs a page loads or links: src and href attributes, CSS url(), and any absolute URL in its text. */
function urlsOf(html: string): string[] {
  return [...html.matchAll(/\s(?:src|href|data-url)="([^"]*)"/g), ...html.matchAll(/url\(([^)]*)\)/g), ...html.matchAll(/(?:https?:)?\/\/[\w.-]+/g)].map((m) => m[1] ?? m[0]);
}

describe('GET /docs', () => {
  it('answers the Scalar page, loading only this origin’s script and document', async () => {
    const res = await docs(httpEvent('GET', '/docs'), lambdaContext);
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-type']).toMatch(/^text\/html/);
    const html = res.body!;
    const urls = urlsOf(html);
    expect(urls.sort()).toEqual([SCALAR_PATH, '/openapi.json', '/openapi.json'].sort());
    for (const url of urls) expect(url, url).toMatch(/^\/(?!\/)/); // same origin: a path, never //host or a scheme
    // The renderer and the document it renders are this API's own routes.
    expect(SCALAR_PATH).toBe(assetsRoute.path.replace('{file}', SCALAR_FILE));
    expect(html).toContain(`data-url="${openapiRoute.path}"`);
    // No inline script: every <script> loads a file or is inert data.
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBe(2);
    for (const [, tag = '', body = ''] of scripts) {
      expect(/\ssrc="/.test(tag) || /type="application\/json"/.test(tag), tag).toBe(true);
      expect(body.trim()).toBe('');
    }
    // Scalar fetches nothing from elsewhere: no web fonts, no telemetry.
    const config = JSON.parse(html.match(/data-configuration="([^"]*)"/)![1]!.replaceAll('&quot;', '"')) as Record<string, unknown>;
    expect(config).toMatchObject({ withDefaultFonts: false, telemetry: false });
  });

  it('sets a CSP that runs same-origin scripts only and connects to this origin only', async () => {
    const res = await docs(httpEvent('GET', '/docs'), lambdaContext);
    const csp = Object.fromEntries(
      String(res.headers?.['content-security-policy'])
        .split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name!, values]),
    );
    expect(csp['default-src']).toEqual(["'none'"]);
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['connect-src']).toEqual(["'self'"]);
    for (const [directive, sources] of Object.entries(csp)) {
      for (const source of sources) expect(source, directive).toMatch(/^('self'|'none'|'unsafe-inline'|data:)$/);
    }
    expect(csp['style-src']).toEqual(["'self'", "'unsafe-inline'"]);
  });
});

describe('GET /docs/assets/{file}', () => {
  it('serves the renderer as JavaScript, cached for good', async () => {
    const res = await getAsset(SCALAR_FILE);
    expect(res.statusCode).toBe(200);
    expect(res.headers).toMatchObject({ 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=31536000, immutable', vary: 'accept-encoding' });
    expect(res.headers?.['content-encoding']).toBeUndefined();
    expect(res.isBase64Encoded).toBeFalsy();
    expect(res.body).toContain('createApiReference');
    expect(res.body).not.toContain('sourceMappingURL');
    expect(res.body!.length).toBeGreaterThan(RENDERER.length - 100);
    expect(Buffer.byteLength(res.body!)).toBeLessThan(6_000_000); // Lambda's answer limit
  });

  it('gzips for clients that accept it, base64 for API Gateway', async () => {
    const plain = await getAsset(SCALAR_FILE);
    const res = await getAsset(SCALAR_FILE, { 'accept-encoding': 'gzip, deflate, br, zstd' });
    expect(res.statusCode).toBe(200);
    expect(res.headers?.['content-encoding']).toBe('gzip');
    expect(res.isBase64Encoded).toBe(true);
    const bytes = Buffer.from(res.body!, 'base64');
    expect(bytes.length).toBeLessThan(Buffer.byteLength(plain.body!) / 2);
    expect(gunzipSync(bytes).toString('utf8')).toBe(plain.body);
  });

  it('answers 404 for any other file', async () => {
    for (const file of ['scalar-0.0.1.js', 'standalone.js', '..%2Fpackage.json']) {
      const res = await getAsset(file);
      expect(res.statusCode, file).toBe(404);
      expect(JSON.parse(res.body!)).toMatchObject({ code: 'not_found' });
    }
  });

  it('reads Accept-Encoding', () => {
    expect(acceptsGzip('gzip')).toBe(true);
    expect(acceptsGzip('br;q=1.0, gzip;q=0.8, *;q=0.1')).toBe(true);
    expect(acceptsGzip('*')).toBe(true);
    expect(acceptsGzip('gzip;q=0, br')).toBe(false);
    expect(acceptsGzip('identity')).toBe(false);
    expect(acceptsGzip(undefined)).toBe(false);
  });
});

describe('the Lambda bundles (serverless.yml’s esbuild options)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'docs-bundles-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const options = (parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8'), { logLevel: 'silent' }) as { custom: { esbuild: Record<string, unknown> } }).custom.esbuild;
  const bundle = async (entry: string) => {
    const { outputFiles } = await build({
      entryPoints: [join(ROOT, entry)],
      bundle: true,
      write: false,
      minify: options.minify as boolean,
      platform: 'node',
      target: options.target as string,
      format: 'esm',
      mainFields: options.mainFields as string[],
      banner: options.banner as { js: string },
      ...(options.loader ? { loader: options.loader as Record<string, 'text'> } : {}),
      external: options.exclude as string[],
      logLevel: 'error',
    });
    return outputFiles[0]!.text;
  };

  it('the assets function carries the renderer inline and serves it from the bundle', async () => {
    const code = await bundle('functions/docs/assets.ts');
    expect(code.length).toBeGreaterThan(RENDERER.length);
    expect(code.length).toBeLessThan(RENDERER.length + 400_000);
    const file = join(dir, 'assets.mjs');
    writeFileSync(file, code);
    const { handler } = (await import(pathToFileURL(file).href)) as { handler: Handler };
    const res = await getAsset(SCALAR_FILE, {}, handler);
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe((await getAsset(SCALAR_FILE)).body);
  }, 30_000);

  it('the page function stays small: the renderer is not in it', async () => {
    const code = await bundle('functions/docs/page.ts');
    expect(code.length).toBeLessThan(150 * 1024);
    expect(code).not.toContain('createApiReference');
  });
});
