/** Textcoin claims: the link's code, the claim request and its JSON answer. */
import * as z from 'zod/mini';
import { bigInteger } from '../purchases/schema.js';

/**
 * Top-level schemas are built in `schema(() => ...)` so that a bundle keeps only those it uses. esbuild takes
 * zod's factories and `.check()` for side effects (it honours no-side-effects annotations within a module
 * only, evanw/esbuild#4369): a bare top-level schema is in every bundle that imports the module.
 */
/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

/** The code is the payout id and its HMAC (66 characters); anything longer is no link of ours. */
export const textcoinPathSchema = schema(() => z.object({
  code: z.string().check(z.maxLength(128, 'code is not a valid claim link')).register(z.globalRegistry, { description: 'The signed code from the claim link in the cashback email.' }),
}));

export const textcoinClaimSchema = schema(() => z.object({
  address: z
    .string({ error: 'address is required' })
    .check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'address must be an Ethereum address (0x + 40 hex digits)'))
    .register(z.globalRegistry, { description: 'Ethereum address that receives the cashback.' }),
}));

export const textcoinClaimResponseSchema = schema(() => z.object({
  result: z.literal('ok'),
  unit: z.string().register(z.globalRegistry, { description: 'Id of the chain payout created by the claim.' }),
  address: z.string(),
  amount: bigInteger().register(z.globalRegistry, { type: 'integer', description: 'Amount in the token smallest unit (exact JSON integer).' }),
}));
