import { escapeHtml, page } from '../http/html.js';
import { openApiDocument } from './openapi.js';

type Schema = { properties?: Record<string, { type?: string; description?: string; enum?: unknown[] }>; required?: string[] };

function fields(schema: Schema | undefined): string {
  if (!schema?.properties) return '';
  const rows = Object.entries(schema.properties)
    .map(([name, p]) => {
      const required = schema.required?.includes(name) ? 'required' : 'optional';
      const type = p.enum ? p.enum.join(' | ') : (p.type ?? 'string | number');
      return `<tr><td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(type)}</td><td>${required}</td><td>${escapeHtml(p.description ?? '')}</td></tr>`;
    })
    .join('');
  return `<table><tr><th>field</th><th>type</th><th></th><th>description</th></tr>${rows}</table>`;
}

export function docsPage(): string {
  const doc = openApiDocument();
  const sections = Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, raw]) => {
      const op = raw as {
        summary: string;
        description?: string;
        requestBody?: { content: Record<string, { schema: Schema; example?: unknown }> };
        responses: Record<string, { description: string; content?: Record<string, { example?: unknown }> }>;
      };
      const body = op.requestBody?.content['application/json'];
      const ok = op.responses['200']?.content?.['application/json']?.example;
      const errors = Object.entries(op.responses)
        .filter(([s]) => s !== '200')
        .map(([s, r]) => `<li><code>${s}</code> ${escapeHtml(r.description)}</li>`)
        .join('');
      return `<section><h2><code>${method.toUpperCase()} ${escapeHtml(path)}</code></h2><p>${escapeHtml(op.summary)}</p>
${op.description ? `<p class="muted">${escapeHtml(op.description)}</p>` : ''}
${body ? `<h3>Request</h3>${fields(body.schema)}${body.example ? `<pre>${escapeHtml(JSON.stringify(body.example, null, 2))}</pre>` : ''}` : ''}
${ok ? `<h3>Response</h3><pre>${escapeHtml(JSON.stringify(ok, null, 2))}</pre>` : ''}
${errors ? `<h3>Errors</h3><ul>${errors}</ul>` : ''}</section>`;
    }),
  );
  return page(doc.info.title, `<h1>${escapeHtml(doc.info.title)}</h1><p>${escapeHtml(doc.info.description)}</p><p><a href="/openapi.json">openapi.json</a></p>${sections.join('')}`);
}
