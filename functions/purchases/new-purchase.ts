/** POST /new_purchase and POST /test/new_purchase (the testnet: same code, separate funds and ledger). */
import { cashbackConfig, coreConfig } from '../../lib/config/index.js';
import { partnerCashbackFamily } from '../../lib/http/families.js';
import { httpHandler, validate } from '../../lib/http/handler.js';
import { newPurchase, requirePartner } from '../../lib/purchases/index.js';
import { newPurchaseSchema, partnerCredentialsSchema } from '../../lib/purchases/schema.js';
import { withoutEmptyFields } from '../../lib/http/body.js';

coreConfig();
cashbackConfig();

export const handler = httpHandler(partnerCashbackFamily, async (req) => {
  const network = (req.event.routeKey ?? req.event.rawPath ?? '').includes('/test/') ? 'test' : 'main';
  const body = withoutEmptyFields(req.body);
  const partner = await requirePartner(validate(partnerCredentialsSchema, body));
  const { cashback_amount, unit } = await newPurchase(network, partner, validate(newPurchaseSchema, body));
  return { body: { result: 'ok', cashback_amount, unit } };
});
