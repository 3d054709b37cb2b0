/** Partner cashback: `partner` + `partner_key` in the body (JSON or form), as the Obyte-compatible API has it. */
import type { Partner } from '../../partners/repository.js';
import { requirePartner } from '../../purchases/index.js';
import { partnerCredentialsSchema } from '../../purchases/schema.js';
import { withoutEmptyFields } from '../body.js';
import { partnerCashbackFamily } from '../families.js';
import { parseInput, type AuthScheme } from '../route.js';

export const partnerKey: AuthScheme<Partner> = {
  kind: 'partnerKey',
  // In the body, which OpenAPI security cannot name: the schema documents the two fields.
  security: [],
  securitySchemes: {},
  authenticate: (req) => requirePartner(parseInput(partnerCashbackFamily, partnerCredentialsSchema, withoutEmptyFields(req.body))),
};
