/**
 * The demo cash-out provider's webhook endpoint for `npm start`: verifies each delivery's Standard Webhooks
 * signature with the provider's secret, logs what it got (console and .local/logs/webhooks.log), and answers
 * 204 when the signature holds, 400 when it does not.
 */
import { appendFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { verifyWebhook } from '../../lib/cashout/webhooks.js';

export function startWebhookReceiver(port: number, secret: () => string, logFile: string): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(' ') : v]));
      const valid = req.method === 'POST' && verifyWebhook(secret(), headers, body);
      const line = JSON.stringify({ time: new Date().toISOString(), webhookId: headers['webhook-id'], signatureValid: valid, body: safeJson(body) });
      appendFileSync(logFile, line + '\n');
      console.log(`  [webhook receiver] ${line}`);
      res.statusCode = valid ? 204 : 400;
      res.end();
    });
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve(server));
  });
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
