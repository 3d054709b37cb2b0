/**
 * The withdrawal fee options document an operator stores (type -> country -> fees), and the fee summary as
 * the withdrawal routes answer it (for their contracts and the OpenAPI document).
 */
import * as z from 'zod/mini';
import { amountTextOf, isAmountInput, type AmountInput } from '../ledger/money.js';
import { feeEntryProblem, WITHDRAWAL_TYPES, type FeeOptionsDocument, type FeeOptionsEntry } from './fees.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const number = (description: string) =>
  z.custom<AmountInput>(isAmountInput, { error: 'must be a number' }).register(z.globalRegistry, { type: 'number', minimum: 0, description });

const entrySchema = z.strictObject({
  gas_fee_precent: number('Percent of gas_coins (the network cost of one transfer) charged as the gas fee: 0 to 100, at most 2 decimals.'),
  transaction_fee: number("A fixed fee per withdrawal in the country's currency, at most 2 decimals."),
  min_transfer_coins_value: z.optional(
    z.string().register(z.globalRegistry, { description: "The least a transfer may deliver, in the token's smallest unit (decimal string)." }),
  ),
});

/** The fee options document as an operator writes it; the output has every number as its exact decimal text. */
export const feeOptionsDocumentSchema = schema(() =>
  z.pipe(
    z.strictObject(
      Object.fromEntries(WITHDRAWAL_TYPES.map((type) => [type, z.optional(z.record(z.string(), entrySchema))])) as Record<
        (typeof WITHDRAWAL_TYPES)[number],
        z.ZodMiniOptional<z.ZodMiniRecord<z.ZodMiniString<string>, typeof entrySchema>>
      >,
      { error: `fee options must be an object of withdrawal types (${WITHDRAWAL_TYPES.join(', ')}), each an object of countries` },
    ),
    z.transform((doc, ctx): FeeOptionsDocument => {
      const out: FeeOptionsDocument = {};
      for (const type of WITHDRAWAL_TYPES) {
        const countries = doc[type];
        if (!countries) continue;
        const entries: Record<string, FeeOptionsEntry> = {};
        for (const [country, entry] of Object.entries(countries)) {
          const normalized: FeeOptionsEntry = {
            gas_fee_precent: amountTextOf(entry.gas_fee_precent) ?? '',
            transaction_fee: amountTextOf(entry.transaction_fee) ?? '',
            ...(entry.min_transfer_coins_value !== undefined ? { min_transfer_coins_value: entry.min_transfer_coins_value } : {}),
          };
          const problem = feeEntryProblem(country, normalized);
          if (problem) ctx.issues.push({ code: 'custom', message: `${type}.${country}: ${problem}`, input: entry, path: [type, country] });
          entries[country] = normalized;
        }
        out[type] = entries;
      }
      return out;
    }),
  ),
);

const coins = (description: string) =>
  z.union([z.string().check(z.regex(/^[0-9]+$/)), z.number()]).register(z.globalRegistry, {
    description: `${description} A decimal string of the token's smallest unit; 0 and negative amounts are bare JSON integers.`,
  });
const value = (description: string) => z.number().register(z.globalRegistry, { description: `${description} In the currency, to the cent.` });

const summaryFields = {
  coins: coins('The coins asked for.'),
  coins_with_fee: coins('coins + fee_coins.'),
  coins_without_fee: coins('coins - fee_coins (0 instead of negative unless negative_values).'),
  fee_coins: coins('gas_fee_coins + transaction_fee_coins.'),
  fee_value: value('gas_fee_value + transaction_fee_value.'),
  gas_coins: coins('The network cost of one transfer, in coins.'),
  gas_fee_coins: coins('gas_fee_precent of gas_coins.'),
  gas_fee_precent: z.number().register(z.globalRegistry, { description: 'Percent of gas_coins charged as the gas fee.' }),
  gas_fee_value: value('The value of gas_fee_coins.'),
  transaction_fee: z.number().register(z.globalRegistry, { description: 'The fixed fee per withdrawal, in the currency.' }),
  transaction_fee_coins: coins('transaction_fee in coins.'),
  transaction_fee_value: value('transaction_fee.'),
  value: value('value_without_fee, for older clients.'),
  value_with_fee: value('The value of coins.'),
  value_without_fee: value('value_with_fee - fee_value (0 instead of negative unless negative_values).'),
};

/** A conversion answer's fee fields (convert_coins). */
export const withdrawalQuoteViewSchema = schema(() =>
  z.object({
    ...summaryFields,
    currency: z.string().register(z.globalRegistry, { description: 'The currency of the values (upper case).' }),
    min_transfer_coins_value: z.optional(coins('The least a transfer may deliver.')),
  }),
);

/** The `fee` / `fee_summary` object of a transfer and of the withdrawal history. */
export const withdrawalFeeSummarySchema = schema(() =>
  z.object({
    ...summaryFields,
    pay_fee_with_coins: z.boolean().register(z.globalRegistry, { description: 'true: the fee was paid on top of coins; false: taken out of them.' }),
  }),
);
