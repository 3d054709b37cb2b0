/** Idempotent demo data for the local stack: a partner with deposits, a funded distribution fund, rates. */
import { depositPartnerFunds, fundDistribution, tokens } from '../../lib/admin/index.js';
import { AlreadyExistsError } from '../../lib/db/errors.js';
import { authenticatePartner, createPartner, rotatePartnerKey } from '../../lib/partners/index.js';
import { setRates } from '../../lib/rates/index.js';

export const DEMO_PARTNER = 'demo-shop';
/** Price of one token in each purchase currency. */
export const DEMO_RATES = { USD: '1', EUR: '0.92', RUR: '90', GBYTE: '0.05', BTC: '0.000015' };

export async function seedDemo(previousKey?: string): Promise<{ partner: { name: string; key: string } }> {
  let partner: { name: string; key: string };
  try {
    partner = await createPartner(DEMO_PARTNER);
  } catch (err) {
    if (!(err instanceof AlreadyExistsError)) throw err;
    // Keys are stored hashed: reuse the one this checkout saved, or issue a new one.
    partner = previousKey && (await authenticatePartner(DEMO_PARTNER, previousKey)) ? { name: DEMO_PARTNER, key: previousKey } : await rotatePartnerKey(DEMO_PARTNER);
  }
  for (const network of ['main', 'test'] as const) {
    await depositPartnerFunds(network, DEMO_PARTNER, tokens('10000'), 'demo-seed-1');
    await fundDistribution(network, tokens('1000000'), 'demo-seed-1');
  }
  await setRates(DEMO_RATES);
  return { partner };
}
