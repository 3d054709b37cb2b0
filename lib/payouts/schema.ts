import * as z from 'zod/mini';

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
  amount: z.int().register(z.globalRegistry, { description: 'Amount in the token smallest unit (exact JSON integer).' }),
});
