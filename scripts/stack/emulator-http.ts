/** What the local emulators (Stripe, Coinbase, Poloniex) share of plain node:http serving. */
import type { IncomingMessage } from 'node:http';

/** The request's body as text; refused beyond `limit` bytes (1 MiB). */
export function readBody(req: IncomingMessage, limit = 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) return reject(new Error('body too large'));
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
