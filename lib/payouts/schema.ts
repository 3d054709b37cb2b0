/** Textcoin claims: the link's code, the claim request and its JSON answer. */
import * as z from 'zod/mini';
import { bigInteger } from '../purchases/schema.js';

/** The code is the payout id and its HMAC (66 characters); anything longer is no link of ours. */
export const textcoinPathSchema = z.object({
  code: z.string().check(z.maxLength(128, 'code is not a valid claim link')).register(z.globalRegistry, { description: 'The signed code from the claim link in the cashback email.' }),
});

export const textcoinClaimSchema = z.object({
  address: z
    .string({ error: 'address is required' })
    .check(z.regex(/^0x[0-9a-fA-F]{40}$/, 'address must be an Ethereum address (0x + 40 hex digits)'))
    .register(z.globalRegistry, { description: 'Ethereum address that receives the cashback.' }),
});

export const textcoinClaimResponseSchema = z.object({
  result: z.literal('ok'),
  unit: z.string().register(z.globalRegistry, { description: 'Id of the chain payout created by the claim.' }),
  address: z.string(),
  amount: bigInteger().register(z.globalRegistry, { type: 'integer', description: 'Amount in the token smallest unit (exact JSON integer).' }),
});
