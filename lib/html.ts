/** Minimal server-rendered pages: escaped text, inline CSS, no external assets, usable on a phone. */
import { createHash } from 'node:crypto';

/**
 * The security headers of a page. Inline scripts run only by the hash of their known text (an injected script
 * never does); pages are never framed, cached or named in a Referer (their URLs carry claim codes and
 * moderation links).
 */
export function pageHeaders(inlineScripts: readonly string[] = []): Record<string, string> {
  const hashes = inlineScripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
  return {
    'content-security-policy': [
      "default-src 'none'",
      "style-src 'unsafe-inline'",
      `script-src ${hashes.length ? hashes.join(' ') : "'none'"}`,
      "connect-src 'self'",
      "form-action 'self'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  };
}

export function escapeHtml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** The plain page for a failure of a browser route: a title from the status and the message. */
export function errorPage(err: { status: number; message: string }): { status: number; html: string } {
  const title = err.status === 410 ? 'Link expired' : err.status === 404 ? 'Not found' : 'Cannot continue';
  return { status: err.status, html: page(title, `<h1>${escapeHtml(title)}</h1><p class="error">${escapeHtml(err.message)}</p>`) };
}

export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:34rem;margin:0 auto;padding:1.5rem;color:#1b1b1f;line-height:1.5}
h1{font-size:1.4rem}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
input{width:100%;box-sizing:border-box;padding:.7rem;font-size:1rem;border:1px solid #999;border-radius:.4rem}
button{margin-top:1rem;width:100%;padding:.8rem;font-size:1rem;border:0;border-radius:.4rem;background:#1d4ed8;color:#fff}
.amount{font-size:2rem;font-weight:700}.muted{color:#555}.error{color:#b91c1c}code,pre{background:#f3f3f5;padding:.1rem .3rem;border-radius:.2rem;overflow-x:auto}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem;text-align:left;vertical-align:top}
</style></head><body>${body}</body></html>`;
}
