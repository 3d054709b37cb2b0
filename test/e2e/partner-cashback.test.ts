/** End to end over HTTP against the local stack (serverless offline + queue workers + anvil + maildev). */
import { beforeAll, describe, expect, it } from 'vitest';
import { accountIds } from '../../lib/db/keys.js';
import { depositPartnerFunds, fundDistribution, partnerBalance, tokens } from '../../lib/admin/index.js';
import { getBalance, listPostings } from '../../lib/ledger/index.js';
import { mailTo, newPartner, onChainBalance, postForm, postJson, randomAddress, rawInteger, stack, uniq, waitFor } from '../fixtures/stack.js';

let partner: { name: string; key: string };
const purchase = (over: Record<string, string | number> = {}) => ({
  partner: partner.name,
  partner_key: partner.key,
  customer: 'e2e-customer',
  order_id: uniq('e2e'),
  description: 'end to end',
  address: randomAddress(),
  currency: 'USD',
  currency_amount: '25.50',
  partner_cashback_percentage: 2,
  ...over,
});

describe('POST /new_purchase end to end', () => {
  beforeAll(async () => {
    partner = await newPartner('1000');
  });

  it('pays cashback to an Ethereum address and the chain worker settles it on anvil', async () => {
    const req = purchase();
    const res = await postForm('/new_purchase', req);
    expect(res.status).toBe(200);
    expect(res.body.result).toBe('ok');
    const amount = rawInteger(res.text, 'cashback_amount');
    expect(amount).toBe(3_570_000_000_000_000_000n); // 10% + 2% + 2% of 25.50 USD, 1 token = 1 USD
    expect(res.body.unit).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    await waitFor('ERC-20 transfer on anvil', async () => (await onChainBalance(String(req.address))) === amount);
  });

  it('mails a textcoin for an email address; the claim page pays it to the address entered', async () => {
    const email = `${uniq('alice')}@example.com`;
    const res = await postJson('/new_purchase', purchase({ address: email, currency: 'EUR', currency_amount: 9.2 }));
    expect(res.status).toBe(200);
    const amount = rawInteger(res.text, 'cashback_amount');
    expect(amount).toBe(1_400_000_000_000_000_000n); // 14% of 10 tokens (9.20 EUR at 0.92 EUR/token)

    const mail = await mailTo(email);
    const link = /https?:\/\/\S+\/textcoin\/\S+/.exec(mail.text)?.[0];
    expect(link).toBeDefined();
    const pageUrl = link!.replace(/^https?:\/\/[^/]+/, stack().apiUrl);
    const page = await fetch(pageUrl);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('1.4 tokens');

    const address = randomAddress();
    const claim = await fetch(pageUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `address=${address}` });
    expect(claim.status).toBe(200);
    expect(await claim.text()).toContain('Cashback claimed');
    await waitFor('claimed textcoin on anvil', async () => (await onChainBalance(address)) === amount);
    const again = await fetch(pageUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ address }) });
    expect(again.status).toBe(409);
  });

  it('pays exactly once for 50 concurrent identical requests', async () => {
    const req = purchase({ partner_cashback_percentage: 0, currency_amount: 10 });
    const results = await Promise.all(Array.from({ length: 50 }, () => postForm('/new_purchase', req)));
    expect(results.map((r) => r.status)).toEqual(Array(50).fill(200));
    expect(new Set(results.map((r) => r.body.unit)).size).toBe(1);
    const account = accountIds.customer('main', String(req.address));
    const credits = (await listPostings(account)).filter((p) => p.kind === 'cashback');
    expect(credits).toHaveLength(1);
    await waitFor('the single transfer', async () => (await onChainBalance(String(req.address))) === 10n ** 18n);
    // The worker records the settlement after the receipt: then the ledger amount has moved to chain-out.
    await waitFor('the settlement in the ledger', async () => (await getBalance(account)) === 0n);
    await new Promise((r) => setTimeout(r, 1500));
    expect(await onChainBalance(String(req.address))).toBe(10n ** 18n);
  });

  it('answers a repeat with the original answer and a conflicting reuse with an error', async () => {
    const req = purchase();
    const first = await postForm('/new_purchase', req);
    const again = await postForm('/new_purchase', req);
    expect(again.text).toBe(first.text);
    const conflict = await postForm('/new_purchase', { ...req, currency_amount: '30' });
    expect(conflict.status).toBe(409);
    expect(conflict.body).toEqual({ result: 'error', error: `order_id ${req.order_id} was already used with different parameters` });
  });

  it('gives the error envelope with a 4xx for a wrong key, bad fields, malformed JSON and an oversized body', async () => {
    const wrongKey = await postForm('/new_purchase', purchase({ partner_key: 'pk_wrong' }));
    expect(wrongKey).toMatchObject({ status: 401, body: { result: 'error', error: 'authentication failed' } });
    const badCurrency = await postForm('/new_purchase', purchase({ currency: 'DOGE' }));
    expect(badCurrency).toMatchObject({ status: 400, body: { result: 'error', error: 'currency must be one of USD, EUR, RUR, GBYTE, BTC' } });
    const malformed = await postJson('/new_purchase', '{"partner": "x",');
    expect(malformed).toMatchObject({ status: 400, body: { result: 'error', error: 'malformed JSON body' } });
    const oversized = await postForm('/new_purchase', purchase({ description: 'x'.repeat(40_000) }));
    expect(oversized.status).toBe(413);
    expect(oversized.body.result).toBe('error');
  });

  it('reads JSON amounts exactly: more decimals than allowed are refused rather than rounded', async () => {
    const raw = (fields: string) => JSON.stringify(purchase()).replace(/,"currency_amount":.*\}$/, `,${fields}}`);
    const cases: [string, string][] = [
      // JSON.parse made these 10 USD and 0%, and paid them.
      ['"currency_amount":10.000000000000000000001,"partner_cashback_percentage":0', 'currency_amount has more than 2 decimal places for USD'],
      ['"currency_amount":10,"partner_cashback_percentage":1e-30', 'partner_cashback_percentage has more than 4 decimal places'],
    ];
    for (const [fields, error] of cases) expect(await postJson('/new_purchase', raw(fields)), fields).toMatchObject({ status: 400, body: { result: 'error', error } });
    // A number written with an exponent or trailing zeros is the same amount as its plain text.
    const exponent = await postJson('/new_purchase', raw('"currency_amount":2.550e1,"partner_cashback_percentage":200e-2'));
    expect(exponent.status).toBe(200);
    expect(rawInteger(exponent.text, 'cashback_amount')).toBe(3_570_000_000_000_000_000n);
  });

  it('answers an absurd amount with a 400, never a 500', async () => {
    for (const currency_amount of ['999999999999999999999999999999', 999999999999999999999999999999, 1e300, '1000000000000.01']) {
      const res = await postJson('/new_purchase', purchase({ currency_amount }));
      expect(res, String(currency_amount)).toMatchObject({ status: 400, body: { result: 'error', error: 'currency_amount must be at most 1000000000000' } });
    }
    const form = await postForm('/test/new_purchase', purchase({ currency_amount: '999999999999999999999999999999' }));
    expect(form).toMatchObject({ status: 400, body: { result: 'error', error: 'currency_amount must be at most 1000000000000' } });
  });

  it('serves the testnet on /test/new_purchase from its own deposits', async () => {
    await fundDistribution('test', tokens('1000'), uniq('e2e-testnet'));
    const noTestDeposit = await postForm('/test/new_purchase', purchase());
    expect(noTestDeposit).toMatchObject({ status: 422, body: { result: 'error', error: 'insufficient partner deposit for partner_cashback_percentage' } });
    await depositPartnerFunds('test', partner.name, tokens('5'), 'e2e');
    const mainDeposit = await partnerBalance('main', partner.name);
    const res = await postForm('/test/new_purchase', purchase());
    expect(res.status).toBe(200);
    expect(await partnerBalance('test', partner.name)).toBe(tokens('5') - tokens('0.51'));
    expect(await partnerBalance('main', partner.name)).toBe(mainDeposit);
  });

  it('serves the OpenAPI document and the docs page', async () => {
    const spec = (await (await fetch(`${stack().apiUrl}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toContain('/new_purchase');
    const docs = await fetch(`${stack().apiUrl}/docs`);
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(await docs.text()).toContain('POST /new_purchase');
  });
});
