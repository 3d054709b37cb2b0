/**
 * Admin CLI, prints JSON. Against the local stack it reads .local/env.json; in AWS set TABLE_NAME,
 * AWS_REGION and the queue names in the environment.
 *   npm run admin -- partner create --name NAME
 *   npm run admin -- partner rotate-key --name NAME
 *   npm run admin -- partner deposit --name NAME --amount TOKENS [--network main|test] [--ref REF]
 *   npm run admin -- partner balance --name NAME [--network main|test]
 *   npm run admin -- fund add --amount TOKENS [--network main|test] [--ref REF]
 *   npm run admin -- fund balance [--network main|test]
 *   npm run admin -- rates set USD=1 EUR=0.92 ...      (price of one token in each currency)
 *   npm run admin -- rates get
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const envFile = join(import.meta.dirname, '../.local/env.json');
if (!process.env.TABLE_NAME && existsSync(envFile)) Object.assign(process.env, JSON.parse(readFileSync(envFile, 'utf8')), { LOG_LEVEL: 'warn' });

const { depositPartnerFunds, fundBalance, fundDistribution, partnerBalance, tokens } = await import('../lib/admin/index.js');
const { createPartner, rotatePartnerKey } = await import('../lib/partners/index.js');
const { setRates } = await import('../lib/rates/index.js');
const { ratesRepo } = await import('../lib/db/repositories/rates.js');
const { formatUnits, TOKEN_DECIMALS } = await import('../lib/ledger/money.js');
const { stringify } = await import('../lib/http/json.js');

const [area, action, ...rest] = process.argv.slice(2);
const flags: Record<string, string> = {};
const positional: string[] = [];
for (let i = 0; i < rest.length; i++) {
  const a = rest[i]!;
  if (a.startsWith('--')) flags[a.slice(2)] = rest[++i] ?? '';
  else positional.push(a);
}
const need = (name: string) => {
  const v = flags[name];
  if (!v) throw new Error(`--${name} is required`);
  return v;
};
const network = (flags.network ?? 'main') as 'main' | 'test';
if (network !== 'main' && network !== 'test') throw new Error('--network must be main or test');
const amountOut = (v: bigint) => ({ amount: v.toString(), tokens: formatUnits(v, TOKEN_DECIMALS) });

async function run(): Promise<unknown> {
  switch (`${area} ${action}`) {
    case 'partner create':
      return { ...(await createPartner(need('name'))), note: 'the key is shown only now; it is stored hashed' };
    case 'partner rotate-key':
      return { ...(await rotatePartnerKey(need('name'))), note: 'the key is shown only now; it is stored hashed' };
    case 'partner deposit': {
      const r = await depositPartnerFunds(network, need('name'), tokens(need('amount')), flags.ref ?? randomUUID());
      return { network, partner: flags.name, ...r, amount: amountOut(r.amount), balance: amountOut(await partnerBalance(network, need('name'))) };
    }
    case 'partner balance':
      return { network, partner: need('name'), balance: amountOut(await partnerBalance(network, need('name'))) };
    case 'fund add': {
      const r = await fundDistribution(network, tokens(need('amount')), flags.ref ?? randomUUID());
      return { network, ...r, amount: amountOut(r.amount), balance: amountOut(await fundBalance(network)) };
    }
    case 'fund balance':
      return { network, balance: amountOut(await fundBalance(network)) };
    case 'rates set': {
      const rates = Object.fromEntries(positional.map((p) => p.split('=') as [string, string]));
      await setRates(rates);
      return { rates: await ratesRepo.get() };
    }
    case 'rates get':
      return { rates: await ratesRepo.get() };
    default:
      throw new Error('usage: see the header of scripts/admin.ts or README.md (Admin CLI)');
  }
}

try {
  console.log(stringify(await run()).replace(/^/, ''));
} catch (err) {
  console.error(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
}
