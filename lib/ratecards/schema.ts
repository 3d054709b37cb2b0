/**
 * Requests and responses of rate cards, also the source of their OpenAPI schemas. Amounts (item values,
 * budgets, user reward percents and values) are JSON numbers read exactly (never through a float) and answered
 * as written; coins are decimal strings of the token's smallest unit (18 decimals).
 */
import * as z from 'zod/mini';
import { amountTextOf, decimalAtMost, JsonNumber, MAX_FIAT_AMOUNT, type AmountInput } from '../ledger/money.js';
import { coinsText } from '../ledger/coins-schema.js';
import { BUILT_IN_DEFAULT_CARD, catalogueItem, RATE_CARD_ITEMS, type RateCardSettings } from './catalogue.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const PARTICIPANT = /^urn:authenticateit:participant:[A-Za-z0-9._-]{1,100}$/;

const ID_MESSAGE = 'id must be default or a participant id (urn:authenticateit:participant:...)';
const cardId = (description: string) =>
  z
    .string({ error: ID_MESSAGE })
    .check(z.refine((id) => id === 'default' || PARTICIPANT.test(id), { error: ID_MESSAGE }))
    .register(z.globalRegistry, { description });

/** A JSON number at least 0 (and at most 10^12), kept as its exact decimal text. */
const nonNegativeNumber = (description: string) => {
  const message = 'must be a non-negative number';
  return z
    .pipe(
      z.custom<AmountInput>((v) => typeof v === 'number' || v instanceof JsonNumber, { error: message }),
      z.transform((value, ctx): string => {
        const text = amountTextOf(value);
        if (text === undefined || text.startsWith('-') || !decimalAtMost(text, MAX_FIAT_AMOUNT)) {
          ctx.issues.push({ code: 'custom', message: text !== undefined && !text.startsWith('-') ? `${message} (at most ${MAX_FIAT_AMOUNT})` : message, input: value });
          return z.NEVER;
        }
        return text;
      }),
    )
    .register(z.globalRegistry, { type: 'number', minimum: 0, description }) as unknown as z.ZodMiniType<string, AmountInput>;
};

const ITEM_IDS = RATE_CARD_ITEMS.map((i) => i.id).join(', ');

const itemSchema = z.object({
  id: z
    .string({ error: `must be one of ${ITEM_IDS}` })
    .check(z.refine((id) => catalogueItem(id) !== undefined, { error: `must be one of ${ITEM_IDS}` }))
    .register(z.globalRegistry, { description: `The item priced: one of ${ITEM_IDS}.` }),
  value: nonNegativeNumber("The item's price, in the default coin currency."),
});

export const rateCardPathSchema = schema(() => z.object({ id: cardId('default (the default card) or a participant id (urn:authenticateit:participant:...).') }));

const PARTICIPANT_MESSAGE = 'id must be a participant id (urn:authenticateit:participant:...)';
export const participantCardPathSchema = schema(() => z.object({
  id: z
    .string({ error: PARTICIPANT_MESSAGE })
    .check(z.regex(PARTICIPANT, { error: PARTICIPANT_MESSAGE }))
    .register(z.globalRegistry, { description: 'A participant id (urn:authenticateit:participant:...).' }),
}));

export const rateCardQuerySchema = schema(() => z.object({
  id: z.optional(cardId('Required with a system ticket: default or a participant id. Any other ticket may name only its own participant (or leave it out).')),
}));

const ITEMS_MESSAGE = 'items must be a non-empty array of {id, value}';

export const setRateCardSchema = schema(() => z.pipe(
  z.object({
    billable: z.boolean({ error: 'billable is required: true or false' }).register(z.globalRegistry, { description: 'Billable flag.' }),
    user_rewards: z
      .strictObject(
        {
          percents: z.optional(nonNegativeNumber("Users' share, in percent.")),
          value: z.optional(nonNegativeNumber('A fixed reward, in the default coin currency.')),
          coins: z.optional(coinsText('coins', "A fixed reward in coins (the token's smallest unit).")),
        },
        { error: 'user_rewards is required: an object with percents, value or coins' },
      )
      .check(z.refine((r) => r.percents !== undefined || r.value !== undefined || r.coins !== undefined, { error: 'user_rewards must contain percents, value or coins' }))
      .register(z.globalRegistry, { description: 'User rewards options: percents, value or coins (at least one).' }),
    gst: z.optional(
      z
        .int({ error: 'gst must be a non-negative integer' })
        .check(z.minimum(0, 'gst must be a non-negative integer'))
        .register(z.globalRegistry, { description: 'GST, in percent.' }),
    ),
    items: z
      .array(itemSchema, { error: ITEMS_MESSAGE })
      .check(
        z.minLength(1, ITEMS_MESSAGE),
        z.refine((items) => new Set(items.map((i) => i.id)).size === items.length, { error: 'items must name each item id once' }),
      )
      .register(z.globalRegistry, { description: 'The items priced (ids from the catalogue, each once).' }),
    budget: z.optional(
      z
        .strictObject(
          {
            day: z.optional(nonNegativeNumber('Daily budget limit.')),
            week: z.optional(nonNegativeNumber('Weekly budget limit.')),
            month: z.optional(nonNegativeNumber('Monthly budget limit.')),
          },
          { error: 'budget must be an object with day, week and/or month' },
        )
        .register(z.globalRegistry, { description: 'Budget limits.' }),
    ),
  }),
  z.transform((b): RateCardSettings => ({
    billable: b.billable,
    ...(b.gst !== undefined ? { gst: b.gst } : {}),
    ...(b.budget ? { budget: Object.fromEntries(Object.entries(b.budget).filter(([, v]) => v !== undefined)) } : {}),
    items: b.items.map((i) => ({ id: i.id, value: i.value })),
    userRewards: Object.fromEntries(Object.entries(b.user_rewards).filter(([, v]) => v !== undefined)),
  })),
));

const amount = z.number();

export const rateCardResponseSchema = schema(() => z.object({
  adjustment: z.record(z.string(), z.string()).register(z.globalRegistry, { description: "Each item's value in whole coins at the current price (floored), in the token's smallest unit." }),
  currency: z.string().register(z.globalRegistry, { description: 'The coin currency the values are in.' }),
  id: z.string(),
  price: amount.register(z.globalRegistry, { description: 'The price of one coin used for adjustment.' }),
  price_at: z.string().register(z.globalRegistry, { description: 'When that price was set.' }),
  rate_card: z.object({
    billable: z.boolean(),
    budget: z.optional(z.object({ day: z.optional(amount), month: z.optional(amount), week: z.optional(amount) })),
    gst: z.optional(z.int()),
    items: z.array(z.object({ events: z.array(z.string()), id: z.string(), name: z.string(), value: amount })),
    user_rewards: z.object({ coins: z.optional(z.string()), percents: z.optional(amount), value: z.optional(amount) }),
  }),
  type: z.literal('rate_card'),
}));

const exampleItems = BUILT_IN_DEFAULT_CARD.items.map((i) => ({ ...RATE_CARD_ITEMS.find((c) => c.id === i.id)!, value: Number(i.value) }));
export const rateCardExample = {
  adjustment: { approved_reviews: '19258000000000000000000', clicks: '14443000000000000000000', completed_video: '16851000000000000000000', impressions_revenue: '144000000000000000000', transactional_data: '28887000000000000000000' },
  currency: 'aud',
  id: 'urn:authenticateit:rate_card',
  price: 0.00002077,
  price_at: '2026-01-05T10:00:00.000Z',
  rate_card: { billable: true, budget: { day: 20, month: 40, week: 30 }, gst: 10, items: exampleItems, user_rewards: { percents: 0.25 } },
  type: 'rate_card',
};
