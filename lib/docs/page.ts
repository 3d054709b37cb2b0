/**
 * The API reference page (GET /docs): Scalar's standalone renderer, served by our own functions so the page
 * works with no internet. The page itself is a few hundred bytes: it names the document (/openapi.json) and
 * loads the renderer from GET /docs/assets/{file} (functions/docs/assets.ts), under a CSP that runs
 * same-origin scripts only and connects to this origin only.
 */
import scalarPackage from '../../node_modules/@scalar/api-reference/package.json' with { type: 'json' };
import operations from '../../docs/operations.json' with { type: 'json' };
import { escapeHtml } from '../html.js';

/** The renderer's file name carries its version, so it is cached for good and a new version is a new URL. */
export const SCALAR_FILE = `scalar-${scalarPackage.version}.js`;
export const SCALAR_PATH = `/docs/assets/${SCALAR_FILE}`;
export const DOCUMENT_PATH = '/openapi.json';

/**
 * Scalar's configuration: nothing fetched from elsewhere (no web fonts, no telemetry, none of the hosted
 * services' buttons: "open in the client", MCP, the AI agent). The try-it client sends to the document's
 * server, `/`, which Scalar resolves against the document's URL: the stack that serves this page.
 */
export const SCALAR_CONFIGURATION = {
  withDefaultFonts: false,
  telemetry: false,
  hideClientButton: true,
  showDeveloperTools: 'never',
  documentDownloadType: 'json',
  mcp: { disabled: true },
  agent: { disabled: true },
} as const;

/**
 * Scripts from this origin only, and no inline ones (the configuration is a data attribute). Scalar injects
 * its stylesheet as a <style> element and sets style attributes, hence 'unsafe-inline' for styles (styles
 * only; they cannot run code). Fonts and images: this origin and data: URLs (icons). Requests (the document,
 * the try-it client): this origin.
 */
export const DOCS_PAGE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export function docsPage(): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Rewards payments platform: API reference</title></head>
<body><noscript><p>The API reference needs JavaScript. The document itself: <a href="${DOCUMENT_PATH}">${DOCUMENT_PATH}</a></p>
<ul>${operations.map((o) => `<li><code>${escapeHtml(`${o.method} ${o.path}`)}</code> ${escapeHtml(o.summary)}</li>`).join('')}</ul></noscript>
<script id="api-reference" type="application/json" data-url="${DOCUMENT_PATH}" data-configuration="${escapeHtml(JSON.stringify(SCALAR_CONFIGURATION))}"></script>
<script src="${SCALAR_PATH}"></script>
</body></html>`;
}
