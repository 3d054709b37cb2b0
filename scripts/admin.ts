/**
 * Admin CLI, prints JSON. Against the local stack it reads .local/env.json; in AWS set TABLE_NAME,
 * AWS_REGION and the queue names in the environment.
 *   npm run admin -- partner create --name NAME
 *   npm run admin -- partner rotate-key --name NAME
 *   npm run admin -- partner deposit --name NAME --amount TOKENS [--network main|test] [--ref REF]
 *   npm run admin -- partner balance --name NAME [--network main|test]
 *   npm run admin -- partner limits set NAME [--per-purchase TOKENS|default] [--per-day TOKENS|default]
 *   npm run admin -- partner limits get NAME      (limits on the distribution fund, and what it took today)
 *   npm run admin -- fund add --amount TOKENS [--network main|test] [--ref REF]
 *   npm run admin -- fund balance [--network main|test]
 *   npm run admin -- coin price set aud=0.24 usd=0.16 ...   (price of one token in each currency, stamped with the time)
 *   npm run admin -- coin price get
 *   npm run admin -- rates set USD=1 EUR=0.92 ...      (alias of coin price set)
 *   npm run admin -- rates get                         (alias of coin price get)
 *   npm run admin -- coin price remove ETH ...         (prices removed: ETH back to WITHDRAWAL_GAS_COINS for gas)
 *   npm run admin -- plans get                       (the billing plans document in force, stored or built in)
 *   npm run admin -- plans set --file plans.json [--by WHO]   (validated; replaces the stored document)
 *   npm run admin -- promo create CODE --days N --uses N --expires YYYY-MM-DD   (codes match whatever their letter case)
 *   npm run admin -- promo list
 *   npm run admin -- promo disable CODE
 *   npm run admin -- participant currency set --participant URN --currency aud   (the participant's coin top-up currency)
 *   npm run admin -- participant currency get --participant URN                  (its currency, and whether it is the default)
 *   npm run admin -- app create --name NAME [--scopes cashback_read,cashback_write,card_read]
 *   npm run admin -- app add-key --app APP_ID [--scopes ...]
 *   npm run admin -- card create --app APP_ID --name NAME --percentage 5 [--currency USD] [--min 10] [--max 1000]
 *                                [--allows-pin true|false] [--pin-required true|false] [--identifier CASH-001] [--description TEXT]
 *   npm run admin -- card update --id CARD_ID [the same settings]
 *   npm run admin -- card list --app APP_ID
 *   npm run admin -- chain balance --address 0x...        (the token balance of an address on the main chain)
 *   npm run admin -- chain status [--network main|test]   (sender wallet, next nonce, in flight, oldest pending)
 *   npm run admin -- chain tx --nonce N [--network main|test]   (one nonce: its payouts and every candidate signed for it)
 *   npm run admin -- chain resolve [--network main|test]  (one resolver pass now: settle, re-broadcast, replace, fill)
 *   npm run admin -- jobs list                      (the scheduled jobs)
 *   npm run admin -- jobs run NAME                  (one scheduled job now: renewals, top-ups, sweep-payouts, ...)
 *   npm run admin -- coins reward --participant URN --user URN --coins TOKENS [--ref KEY]
 *                                (a reward from the participant's deposit to the user; billed as rewards usage)
 *   npm run admin -- user profile set --user URN [--country 036] [--level basic] [--karma 80] [--booster 1.5]
 *   npm run admin -- user profile get --user URN   (withdrawal profile: limits level, karma lock, booster)
 *   npm run admin -- withdrawal fees set --file fees.json [--by WHO]   (withdrawal fee options by type and country; validated, replaces the stored document)
 *   npm run admin -- withdrawal fees get           (the fee options in force, stored or built in)
 *   npm run admin -- retail program set --participant URN --file program.json [--by WHO]   (a participant's loyalty program; validated, replaces its settings)
 *   npm run admin -- retail program get --participant URN
 *   npm run admin -- retail card add --user URN --participant URN [--card-id ID]   (a store card; default id: a random url-safe one)
 *   npm run admin -- retail card get --card-id ID
 *   npm run admin -- ticket --user urn:authenticateit:user:ID [--participant urn:authenticateit:participant:ID] [--roles system] [--ttl 3600]
 *                                [--email E] [--given-name N] [--family-name N] [--phone-number P] [--picture URL]
 *                                (local identity tickets, signed with the stack's issuer key in .local/secrets.json)
 *   npm run admin -- device ticket issue --participant urn:authenticateit:participant:ID [--device UUID] [--ttl 31536000]
 *                                (a store terminal's device ticket, signed the same way; prints it with its device_id)
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

const envFile = join(import.meta.dirname, '../.local/env.json');
if (!process.env.TABLE_NAME && existsSync(envFile)) Object.assign(process.env, JSON.parse(readFileSync(envFile, 'utf8')), { LOG_LEVEL: 'warn' });

const { depositPartnerFunds, fundBalance, fundDistribution, partnerBalance, tokens } = await import('../lib/admin/index.js');
const { createPartner, rotatePartnerKey } = await import('../lib/partners/index.js');
const { describeFundLimits, setFundLimits } = await import('../lib/partners/limits.js');
const { describePrices, removeRates, setRates } = await import('../lib/rates/index.js');
const { formatUnits, TOKEN_DECIMALS } = await import('../lib/ledger/money.js');
const { stringify } = await import('../lib/json.js');
const cardsAdmin = await import('../lib/cards/admin.js');
const { cardView } = await import('../lib/cards/index.js');
const { cardsRepo } = await import('../lib/cards/repository/cards.js');

const argv = process.argv.slice(2);
if (argv[0] === 'ticket' && (argv[1] ?? '--').startsWith('--')) argv.splice(1, 0, 'issue'); // `ticket --user ...`
if (argv[0] === 'coin' && argv[1] === 'price') argv.splice(0, 3, 'rates', argv[2] ?? ''); // `coin price set` is `rates set`
const [area, action, ...rest] = argv;
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

const scopes = () => (flags.scopes ? flags.scopes.split(',') : ['cashback_read', 'cashback_write', 'card_read']) as ('cashback_read' | 'cashback_write' | 'card_read')[];
const bool = (name: string) => (flags[name] === undefined ? undefined : flags[name] === 'true');
const cardSettings = () => ({
  ...(flags.name !== undefined ? { name: flags.name } : {}),
  ...(flags.percentage !== undefined ? { cashbackPercentage: flags.percentage } : {}),
  ...(flags.currency !== undefined ? { currency: flags.currency } : {}),
  ...(flags.min !== undefined ? { minAmount: flags.min } : {}),
  ...(flags.max !== undefined ? { maxAmount: flags.max === 'none' ? null : flags.max } : {}),
  ...(flags.identifier !== undefined ? { uniqueIdentifier: flags.identifier } : {}),
  ...(flags.description !== undefined ? { description: flags.description } : {}),
  ...(bool('allows-pin') !== undefined ? { allowsPinRedemption: bool('allows-pin') } : {}),
  ...(bool('pin-required') !== undefined ? { pinRequired: bool('pin-required') } : {}),
});

/** Every scheduled worker (`functions/<domain>/workers/*.ts` with a schedule), by its name and its file's name. */
async function scheduledJobs() {
  const { readdirSync } = await import('node:fs');
  const root = join(import.meta.dirname, '../functions');
  const jobs = [];
  for (const domain of readdirSync(root)) {
    const dir = join(root, domain, 'workers');
    if (!existsSync(dir)) continue;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.ts'))) {
      const mod = (await import(join(dir, file))) as { worker: { name: string; schedule?: string; description: string }; handler: (event: unknown) => Promise<unknown> };
      if (mod.worker.schedule) jobs.push({ name: mod.worker.name, alias: file.replace(/\.ts$/, ''), schedule: mod.worker.schedule, description: mod.worker.description, run: () => mod.handler({}) });
    }
  }
  return jobs;
}

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
    case 'partner limits': {
      const [verb, name = flags.name] = positional;
      if ((verb !== 'set' && verb !== 'get') || !name) throw new Error('usage: partner limits set|get NAME [--per-purchase TOKENS|default] [--per-day TOKENS|default]');
      const limit = (flag: string) => (flags[flag] === undefined ? undefined : flags[flag] === 'default' ? null : tokens(flags[flag]));
      if (verb === 'set') await setFundLimits(name, { maxFundPerPurchase: limit('per-purchase'), maxFundPerDay: limit('per-day') });
      const d = await describeFundLimits(name);
      const { cashbackConfig } = await import('../lib/config/index.js');
      return {
        partner: d.partner,
        perPurchase: { ...amountOut(d.limits.perPurchase), source: d.overridden.perPurchase ? 'partner' : 'default' },
        perDay: { ...amountOut(d.limits.perDay), source: d.overridden.perDay ? 'partner' : 'default' },
        alertPercent: d.limits.alertPercent,
        day: d.day,
        takenToday: d.takenToday.map((t) => ({ network: t.network, ...amountOut(t.taken) })),
        note: `warm functions cache partner records for PARTNER_CACHE_SECONDS (${cashbackConfig().PARTNER_CACHE_SECONDS} s): a change applies to purchases within that time`,
      };
    }
    case 'fund add': {
      const r = await fundDistribution(network, tokens(need('amount')), flags.ref ?? randomUUID());
      return { network, ...r, amount: amountOut(r.amount), balance: amountOut(await fundBalance(network)) };
    }
    case 'fund balance':
      return { network, balance: amountOut(await fundBalance(network)) };
    case 'rates set': {
      const rates = Object.fromEntries(positional.map((p) => p.split('=') as [string, string]));
      await setRates(rates);
      return { prices: await describePrices() };
    }
    case 'rates get':
      return { prices: await describePrices() };
    case 'rates remove':
      await removeRates(positional);
      return { prices: await describePrices() };
    case 'plans get': {
      const { describePlansDocument } = await import('../lib/billing/plans.js');
      return describePlansDocument();
    }
    case 'plans set': {
      const { setPlansDocument } = await import('../lib/billing/plans.js');
      const file = need('file');
      const { userInfo } = await import('node:os');
      const stored = await setPlansDocument(JSON.parse(readFileSync(file, 'utf8')), flags.by ?? `admin-cli:${userInfo().username} --file ${file}`);
      return { source: 'stored', ...stored };
    }
    case 'promo create': {
      const { createPromoCode } = await import('../lib/billing/promo-codes.js');
      const [code] = positional;
      if (!code) throw new Error('usage: promo create CODE --days N --uses N --expires YYYY-MM-DD');
      return { promo: await createPromoCode({ code, days: Number(need('days')), uses: Number(need('uses')), expiresOn: need('expires') }) };
    }
    case 'promo list': {
      const { listPromoCodes } = await import('../lib/billing/promo-codes.js');
      return { promos: await listPromoCodes() };
    }
    case 'promo disable': {
      const { disablePromoCode } = await import('../lib/billing/promo-codes.js');
      const [code] = positional;
      if (!code) throw new Error('usage: promo disable CODE');
      return { promo: await disablePromoCode(code) };
    }
    case 'participant currency': {
      const { participantCurrency, setParticipantCurrency } = await import('../lib/topups/index.js');
      const [verb] = positional;
      if (verb === 'set') return { participant: need('participant'), ...(await setParticipantCurrency(need('participant'), need('currency'))) };
      if (verb === 'get') return { participant: need('participant'), ...(await participantCurrency(need('participant'))) };
      throw new Error('usage: participant currency set|get --participant URN [--currency aud]');
    }
    case 'app create':
      return { ...(await cardsAdmin.createApp(need('name'), scopes())), note: 'the API key is shown only now; it is stored hashed' };
    case 'app add-key':
      return { ...(await cardsAdmin.addAppKey(need('app'), scopes())), note: 'the API key is shown only now; it is stored hashed' };
    case 'card create':
      return cardView(await cardsAdmin.createCard(need('app'), { ...cardSettings(), name: need('name'), cashbackPercentage: need('percentage') }));
    case 'card update':
      return cardView(await cardsAdmin.updateCard(Number(need('id')), cardSettings()));
    case 'card list':
      return { cards: (await cardsRepo.listByApp(need('app'))).map(cardView) };
    case 'chain balance': {
      // The token balance of an address on chain (what a wallet would show), not the ledger's.
      const { Erc20Reader } = await import('../lib/chain/erc20.js');
      const { coinsConfig } = await import('../lib/config/index.js');
      const address = need('address');
      return { address, onChain: amountOut(await new Erc20Reader(coinsConfig().RPC_URL, coinsConfig().TOKEN_ADDRESS).balanceOf(address)) };
    }
    case 'chain status': {
      const { chainStatus } = await import('../lib/payouts/settle.js');
      const networks = flags.network ? [network] : (['main', 'test'] as const);
      return { chains: await Promise.all(networks.map((n) => chainStatus(n))) };
    }
    case 'chain tx': {
      const { chainRepo } = await import('../lib/chain/repository.js');
      const { chainSender } = await import('../lib/chain/sender.js');
      const tx = await chainRepo.getTx(network, chainSender(network).address, Number(need('nonce')));
      if (!tx) throw new Error(`no transaction recorded for nonce ${flags.nonce} on ${network}`);
      const { candidates, legs, ...rest } = tx;
      return { ...rest, legs: legs.map((l) => ({ unit: l.unit, to: l.to, ...amountOut(l.amount) })), candidates: candidates.map(({ rawTx: _raw, ...c }) => c) };
    }
    case 'chain resolve': {
      const { resolveNetwork } = await import('../lib/payouts/settle.js');
      const networks = flags.network ? [network] : (['main', 'test'] as const);
      return { resolved: await Promise.all(networks.map(async (n) => ({ network: n, ...(await resolveNetwork(n)) }))) };
    }
    case 'jobs list':
      return { jobs: (await scheduledJobs()).map((j) => ({ name: j.name, alias: j.alias, schedule: j.schedule, description: j.description })) };
    case 'jobs run': {
      const wanted = (positional[0] ?? flags.name ?? '').toLowerCase().replace(/-/g, '');
      const jobs = await scheduledJobs();
      const job = jobs.find((j) => j.name.toLowerCase() === wanted || j.alias.replace(/-/g, '') === wanted);
      if (!job) throw new Error(`usage: jobs run NAME, one of: ${jobs.map((j) => `${j.alias} (${j.name})`).join(', ')}`);
      const started = Date.now();
      return { job: job.name, result: await job.run(), ms: Date.now() - started };
    }
    case 'coins reward': {
      const { creditReward } = await import('../lib/coins/rewards.js');
      const ref = flags.ref ?? randomUUID();
      const { credited } = await creditReward({ participant: need('participant'), user: need('user'), coins: tokens(need('coins')), idempotencyKey: ref });
      return { credited, participant: flags.participant, user: flags.user, coins: amountOut(tokens(need('coins'))), ref };
    }
    case 'user profile': {
      const { profileOf, setProfile } = await import('../lib/withdrawals/profiles.js');
      const { profileView } = await import('../lib/withdrawals/index.js');
      if (positional[0] === 'get') return profileView(await profileOf(need('user')));
      if (positional[0] !== 'set') throw new Error('usage: user profile set|get --user URN [--country 036] [--level basic] [--karma 80] [--booster 1.5]');
      const change = Object.fromEntries((['country', 'level', 'karma', 'booster'] as const).filter((f) => flags[f] !== undefined).map((f) => [f, flags[f]!]));
      return profileView(await setProfile(need('user'), change));
    }
    case 'withdrawal fees': {
      const { describeFeeOptions, setFeeOptionsDocument } = await import('../lib/withdrawals/fee-settings.js');
      if (positional[0] === 'get') return describeFeeOptions();
      if (positional[0] !== 'set') throw new Error('usage: withdrawal fees set --file doc.json [--by WHO] | withdrawal fees get');
      const file = need('file');
      const { userInfo } = await import('node:os');
      const { withdrawalsConfig } = await import('../lib/config/index.js');
      const stored = await setFeeOptionsDocument(JSON.parse(readFileSync(file, 'utf8')), flags.by ?? `admin-cli:${userInfo().username} --file ${file}`);
      return { source: 'stored', ...stored, note: `warm functions reuse the document for WITHDRAWAL_FEES_CACHE_SECONDS (${withdrawalsConfig().WITHDRAWAL_FEES_CACHE_SECONDS} s): quotes use it within that time` };
    }
    case 'retail program': {
      const { programAdminView, requireProgram, setProgram } = await import('../lib/retail/programs.js');
      if (positional[0] === 'get') return programAdminView(await requireProgram(need('participant')));
      if (positional[0] !== 'set') throw new Error('usage: retail program set --participant URN --file program.json [--by WHO] | retail program get --participant URN');
      const file = need('file');
      const { userInfo } = await import('node:os');
      return programAdminView(await setProgram(need('participant'), JSON.parse(readFileSync(file, 'utf8')), flags.by ?? `admin-cli:${userInfo().username} --file ${file}`));
    }
    case 'retail card': {
      const { addStoreCard, storeCardOf, storeCardView } = await import('../lib/retail/cards.js');
      if (positional[0] === 'add') return storeCardView(await addStoreCard(need('user'), need('participant'), flags['card-id']));
      if (positional[0] !== 'get') throw new Error('usage: retail card add --user URN --participant URN [--card-id ID] | retail card get --card-id ID');
      const card = await storeCardOf(need('card-id'));
      if (!card) throw new Error(`no store card ${flags['card-id']}`);
      return storeCardView(card);
    }
    case 'ticket issue': {
      const { issueTicket, PROFILE_CLAIMS } = await import('../lib/identity/tickets.js');
      const { privateKey, kid } = await localIssuerKey();
      // The local stack accepts tickets living at most TICKET_MAX_LIFETIME_SECONDS (default one day): refuse to sign longer ones.
      const ttl = Number(flags.ttl ?? 3600);
      const maxTtl = Number(process.env.TICKET_MAX_LIFETIME_SECONDS ?? 86400);
      if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > maxTtl) throw new Error(`--ttl must be 1 to ${maxTtl} seconds (TICKET_MAX_LIFETIME_SECONDS): a longer ticket would be refused`);
      return {
        ticket: await issueTicket({ privateKey, kid }, {
          sub: need('user'),
          ...(flags.participant ? { participant: flags.participant } : {}),
          roles: flags.roles ? flags.roles.split(',') : [],
          ttlSeconds: ttl,
          // The user's profile claims, as the identity service would put them in the ticket.
          profile: Object.fromEntries(PROFILE_CLAIMS.flatMap((name) => (flags[name.replace('_', '-')] ? [[name, flags[name.replace('_', '-')]]] : []))),
        }),
      };
    }
    case 'device ticket': {
      if (positional[0] !== 'issue') throw new Error('usage: device ticket issue --participant urn:authenticateit:participant:ID [--device UUID] [--ttl seconds]');
      const { issueDeviceTicket } = await import('../lib/identity/device-tickets.js');
      // The local stack accepts device tickets living at most DEVICE_TICKET_MAX_LIFETIME_SECONDS (default a year).
      const maxTtl = Number(process.env.DEVICE_TICKET_MAX_LIFETIME_SECONDS ?? 31536000);
      const ttl = Number(flags.ttl ?? maxTtl);
      if (!Number.isSafeInteger(ttl) || ttl < 1 || ttl > maxTtl) throw new Error(`--ttl must be 1 to ${maxTtl} seconds (DEVICE_TICKET_MAX_LIFETIME_SECONDS): a longer ticket would be refused`);
      const { ticket, deviceId } = await issueDeviceTicket(await localIssuerKey(), {
        participant: need('participant'),
        ...(flags.device ? { deviceUuid: flags.device } : {}),
        ttlSeconds: ttl,
      });
      return { ticket, device_id: deviceId };
    }
    default:
      throw new Error('usage: see the header of scripts/admin.ts or README.md (Admin CLI)');
  }
}

/** The local stack's identity issuer key (.local/secrets.json), which signs identity and device tickets. */
async function localIssuerKey(): Promise<{ privateKey: string; kid: string }> {
  const secretsFile = join(import.meta.dirname, '../.local/secrets.json');
  if (!existsSync(secretsFile)) throw new Error('no .local/secrets.json: run npm start once first');
  const { keyIdOf } = await import('../lib/identity/tickets.js');
  const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as { identityPrivateKey: string; identityPublicKey: string; identityKeyId?: string };
  // A data directory from before key ids gets its kid on the next start; until then it is derived the same way.
  return { privateKey: secrets.identityPrivateKey, kid: secrets.identityKeyId ?? keyIdOf(secrets.identityPublicKey) };
}

try {
  console.log(stringify(await run()).replace(/^/, ''));
} catch (err) {
  console.error(JSON.stringify({ error: (err as Error).message }));
  process.exit(1);
}
