/**
 * A client generated from docs/openapi.json with openapi-typescript compiles against the document: typed
 * requests and answers for a route of each family, every documented success example assignable to its
 * generated type, and wrong fields rejected (@ts-expect-error must find an error, or the compile fails).
 *
 * openapi-typescript builds its output with the TypeScript 5 compiler API (its peer dependency); this repo's
 * `typescript` is 7, the native compiler, which has no such API. package.json installs TypeScript 5 as
 * `typescript5` and lets openapi-typescript's peer be ours (overrides), and the generator runs here with its
 * own imports of `typescript` resolved to `typescript5` (a module resolve hook). The client is then compiled
 * with the repo's `tsc`.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { OPENAPI_FILE } from '../../scripts/openapi.js';

const ROOT = join(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const HOOK = `export async function resolve(specifier, context, next) {
  const fromGenerator = specifier === 'typescript' && context.parentURL?.includes('/node_modules/openapi-typescript/');
  return next(fromGenerator ? 'typescript5' : specifier, context);
}
`;

/** Every operation's documented success example, as an assignment to the generated type of that answer. */
function exampleAssignments(): string[] {
  type Operation = { responses: Record<string, { content?: Record<string, { example?: unknown }> }> };
  const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).flatMap(([method, op]) =>
      Object.entries(op.responses).flatMap(([status, res]) => {
        const example = res.content?.['application/json']?.example;
        if (!status.startsWith('2') || example === undefined) return [];
        return [`export const example_${method}_${path.replace(/\W/g, '_')}: Answer<paths[${JSON.stringify(path)}][${JSON.stringify(method)}], ${status}> = ${JSON.stringify(example)};`];
      }),
    ),
  );
}

const CLIENT = `import type { paths } from './api';

type Method = 'get' | 'post' | 'put' | 'delete';
type Op<P extends keyof paths, M extends Method> = NonNullable<paths[P][M]>;
type JsonBody<O> = O extends { requestBody: { content: { 'application/json': infer B } } } ? B : undefined;
type Query<O> = O extends { parameters: { query: infer Q } } ? Q : undefined;
export type Answer<O, S extends number = 200> = O extends { responses: { [K in S]: { content: { 'application/json': infer R } } } } ? R : never;

/** A minimal typed client: the path and method decide what the body, query and answer are. */
export async function call<P extends keyof paths, M extends Method>(
  base: string,
  path: P,
  method: M,
  input: { body?: JsonBody<Op<P, M>>; query?: Query<Op<P, M>>; headers?: Record<string, string> },
): Promise<Answer<Op<P, M>>> {
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(input.query ?? {})) url.searchParams.set(k, String(v));
  const res = await fetch(url, {
    method: method.toUpperCase(),
    headers: { 'content-type': 'application/json', ...input.headers },
    body: input.body === undefined ? undefined : JSON.stringify(input.body),
  });
  return (await res.json()) as Answer<Op<P, M>>;
}

// Partner cashback: POST /new_purchase.
type NewPurchase = paths['/new_purchase']['post'];
const purchase: JsonBody<NewPurchase> = {
  partner: 'demo-shop',
  partner_key: 'pk_demo',
  customer: 'customer-42',
  order_id: 'order-1001',
  address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  currency: 'USD',
  currency_amount: '25.50',
};
// @ts-expect-error: currency is one of the documented codes
export const wrongCurrency: JsonBody<NewPurchase> = { ...purchase, currency: 'JPY' };
// @ts-expect-error: partner_key is required
export const keyless: JsonBody<NewPurchase> = { partner: 'demo-shop', customer: 'c', order_id: 'o', address: 'a@b.c', currency: 'USD', currency_amount: 1 };
export const purchased: Answer<NewPurchase> = { result: 'ok', cashback_amount: 3570000000000000000, unit: 'kYbc5KGKB/KnjynYePEF4cpumKmOz22xVKSVWbmtZ0M=' };
export const purchaseFailed: Answer<NewPurchase, 400> = { result: 'error', error: 'currency_amount must be a non-negative decimal number' };
export async function buy(base: string): Promise<string> {
  const answer = await call(base, '/new_purchase', 'post', { body: purchase });
  // @ts-expect-error: the answer has no such field
  answer.cashback;
  return answer.unit;
}

// Cashback cards: GET /api/v1/cashback/cashback/balance.
type Balance = paths['/api/v1/cashback/cashback/balance']['get'];
export const balance: Answer<Balance> = {
  success: true,
  data: { card_id: 10, member_id: 123, cashback_balance: 12.5, cashback_percentage: 5, reward_system: 'cashback', currency: 'USD', queried_at: '2025-01-15T10:30:00Z' },
};
// @ts-expect-error: a success answer says success: true
export const notSuccess: Answer<Balance> = { ...balance, success: false };
// @ts-expect-error: the balance is a number, not a string
export const stringBalance: Answer<Balance> = { success: true, data: { ...balance.data, cashback_balance: '12.50' } };
export async function cardBalance(base: string): Promise<number> {
  const answer = await call(base, '/api/v1/cashback/cashback/balance', 'get', { query: { card_id: 10, member_id: 123 }, headers: { 'x-app-id': 'app', 'x-api-key': 'key' } });
  // @ts-expect-error: the card query has no such parameter
  await call(base, '/api/v1/cashback/cashback/balance', 'get', { query: { card: 10, member_id: 123 } });
  return answer.data.cashback_balance;
}

// Payments service: POST /payments-service/user/ethereum/transfer.
type Transfer = paths['/payments-service/user/ethereum/transfer']['post'];
export const transfer: JsonBody<Transfer> = { address: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', coins: '1000', fee: '10' };
export async function send(base: string): Promise<'pending' | 'rejected' | 'success' | 'failure'> {
  const answer = await call(base, '/payments-service/user/ethereum/transfer', 'post', { body: transfer });
  const id: string = answer.id;
  // @ts-expect-error: coin amounts are decimal strings in the answer
  const coins: number = answer.coins;
  void id, coins;
  return answer.status;
}
export const transferRefused: Answer<Transfer, 401> = { error: 'authentication failed', error_data: null, error_id: 'payments-unauthorized', error_object: null };
// @ts-expect-error: the payments envelope's error_object is always null
export const withObject: Answer<Transfer, 401> = { ...transferRefused, error_object: {} };

// @ts-expect-error: no such route
export type Nowhere = paths['/no/such/route'];

// Every documented success example has the generated type of its answer.
${exampleAssignments().join('\n')}
`;

describe('a client generated with openapi-typescript', () => {
  it('leaves `tsc` the repo’s TypeScript 7', () => {
    // Both packages have a `tsc` bin. A clean install links TypeScript 7's; an `npm install` that adds or
    // updates only typescript5 relinks it to 5.
    const version = execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['--version'], { encoding: 'utf8' });
    expect(version, 'node_modules/.bin/tsc is typescript5’s: run `npm rebuild typescript`').toMatch(/^Version 7\./);
  });

  it('compiles against docs/openapi.json with the repo’s tsc', () => {
    writeFileSync(join(dir, 'typescript5-hook.mjs'), HOOK);
    writeFileSync(join(dir, 'typescript5.mjs'), "import { register } from 'node:module';\nregister('./typescript5-hook.mjs', import.meta.url);\n");
    execFileSync(process.execPath, ['--import', join(dir, 'typescript5.mjs'), join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), OPENAPI_FILE, '--output', join(dir, 'api.d.ts')], {
      stdio: 'pipe',
    });
    expect(readFileSync(join(dir, 'api.d.ts'), 'utf8')).toContain('"/new_purchase": {');

    writeFileSync(join(dir, 'client.ts'), CLIENT);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: { target: 'ES2022', module: 'ESNext', moduleResolution: 'Bundler', lib: ['ES2022', 'DOM'], types: [], strict: true, noUncheckedIndexedAccess: true, noEmit: true, skipLibCheck: false },
        files: ['client.ts', 'api.d.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules/typescript/bin/tsc');
    expect(execFileSync(process.execPath, [tsc, '--version'], { encoding: 'utf8' })).toMatch(/^Version 7\./);
    let output = '';
    try {
      execFileSync(process.execPath, [tsc, '--noEmit', '-p', dir], { encoding: 'utf8', stdio: 'pipe' });
    } catch (err) {
      output = `${(err as { stdout?: string }).stdout ?? ''}${(err as { stderr?: string }).stderr ?? ''}` || String(err);
    }
    expect(output, 'tsc errors in the generated client').toBe('');
    expect(CLIENT.match(/^export const example_/gm)?.length ?? 0).toBeGreaterThan(10);
  }, 30_000);
});
