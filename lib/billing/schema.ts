/**
 * The billing plans document (what the operator stores with `plans set`), the plans as the payments service
 * answers them, and the promo code check. Costs are whole or cent amounts of the configured currency, written
 * as JSON numbers on the wire as the clients expect; the domain reads them exactly (plans.ts).
 */
import * as z from 'zod/mini';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

/** A JSON number whose shortest decimal text has at most `decimals` decimals (read exactly from that text). */
const decimalNumber = (what: string, decimals: number) =>
  z.number().check(
    z.refine((n) => Number.isFinite(n) && n >= 0 && new RegExp(`^\\d+(\\.\\d{1,${decimals}})?$`).test(String(n)), `${what} must be a non-negative number with at most ${decimals} decimals`),
  );

const PLAN_ID = /^[a-z0-9][a-z0-9-]{0,31}$/;

const storedPlan = z.strictObject({
  id: z.string().check(z.regex(PLAN_ID, 'id must be lower-case letters, digits and dashes (at most 32)')),
  name: z.string().check(z.minLength(1)),
  cost: decimalNumber('cost', 2),
  hidden: z.boolean(),
  commitment_period: z.int().check(z.minimum(0)),
  description: z.string(),
  modules: z.array(z.string().check(z.minLength(1))),
  coin_rate: decimalNumber('coin_rate', 6),
  upgrade_description: z.optional(z.string()),
  description_list: z.array(z.strictObject({ label: z.string().check(z.minLength(1)), value: z.union([z.string(), z.boolean()]) })),
});

/** The plans document as stored and as `plans set` takes it. */
export const plansDocumentSchema = schema(() =>
  z
    .strictObject({
      _id: z.string().check(z.minLength(1)),
      /** When given, it must be the configured BILLING_CURRENCY (the configuration decides the currency). */
      currency: z.optional(z.string().check(z.regex(/^[a-z]{3}$/, 'currency must be a lower-case ISO 4217 code'))),
      list: z.array(storedPlan).check(z.minLength(1, 'list must name at least one plan')),
      type: z.optional(z.string()),
    })
    .check(
      z.superRefine((doc, ctx) => {
        const ids = new Set<string>();
        for (const [i, plan] of doc.list.entries()) {
          if (ids.has(plan.id)) ctx.addIssue({ code: 'custom', message: `plan id ${plan.id} is listed twice`, path: ['list', i, 'id'] });
          ids.add(plan.id);
          const labels = new Set<string>();
          for (const [j, line] of plan.description_list.entries()) {
            if (labels.has(line.label)) ctx.addIssue({ code: 'custom', message: `plan ${plan.id} lists ${line.label} twice`, path: ['list', i, 'description_list', j, 'label'] });
            labels.add(line.label);
          }
        }
      }),
    ),
);
export type PlansDocument = z.infer<typeof plansDocumentSchema>;
export type StoredPlan = PlansDocument['list'][number];

const wirePlan = z.object({
  commitment_period: z.int(),
  cost: z.number().register(z.globalRegistry, { description: 'What each monthly billing period of the plan costs, in the currency (0 for the free plan).' }),
  description: z.string(),
  description_list: z.record(z.string(), z.union([z.string(), z.boolean()])).register(z.globalRegistry, { description: 'Feature -> what the plan gives of it.' }),
  hidden: z.boolean(),
  id: z.string(),
  modules: z.array(z.string()),
  name: z.string(),
  coin_rate: z.number().register(z.globalRegistry, { description: 'Currency charged per rewards campaign coin used.' }),
});

export const billingPlansSchema = schema(() =>
  z.object({
    currency: z.string().register(z.globalRegistry, { description: 'The currency of every cost (lower-case ISO 4217).' }),
    id: z.string(),
    list: z.array(wirePlan),
  }),
);
export type BillingPlans = z.infer<typeof billingPlansSchema>;

export const promoCodeQuerySchema = schema(() =>
  z.object({
    code: z
      .string({ error: 'code is required' })
      .check(z.trim(), z.minLength(1, 'code is required'), z.maxLength(64, 'code must be at most 64 characters'))
      .register(z.globalRegistry, { description: 'The promo code (letter case does not matter).' }),
  }),
);

export const promoCodeCheckSchema = schema(() =>
  z.object({
    code: z.string().register(z.globalRegistry, { description: 'The code as the operator created it.' }),
    days_value: z.int().register(z.globalRegistry, { description: 'Days the code adds to the paid period.' }),
  }),
);

const nullableString = (description: string) => z.nullable(z.string()).register(z.globalRegistry, { description });

/** The participant's saved card as clients read it (no card number: the last four digits only). */
export const accountCardSchema = schema(() =>
  z.object({
    address_city: nullableString('Billing address city (null when unknown).'),
    address_country: nullableString('Billing address country (null when unknown).'),
    address_line1: nullableString('Billing address line 1 (null when unknown).'),
    address_line2: nullableString('Billing address line 2 (null when unknown).'),
    address_state: nullableString('Billing address state (null when unknown).'),
    address_zip: nullableString('Billing address postal code (null when unknown).'),
    brand: z.string().register(z.globalRegistry, { description: 'Visa, MasterCard, American Express, ...' }),
    exp_month: z.int(),
    exp_year: z.int(),
    id: z.string().register(z.globalRegistry, { description: "The card payment provider's card id." }),
    last4: z.string(),
    name: nullableString("The card holder's name (null when unknown)."),
  }),
);
export type AccountCardView = z.infer<typeof accountCardSchema>;

export const billingPlanViewSchema = schema(() =>
  z.object({
    card: z.nullable(accountCardSchema),
    contract: z.object({
      from: z.optional(z.string().register(z.globalRegistry, { description: 'First day of the contract (YYYY-MM-DD); absent before a plan is chosen.' })),
      terminate_available: z.boolean(),
      terminated: z.boolean(),
      to: z.optional(z.string().register(z.globalRegistry, { description: 'Last day of the contract (YYYY-MM-DD); absent before a plan is chosen.' })),
    }),
    paid_from: z.nullable(z.string().register(z.globalRegistry, { description: 'First day of the paid period (YYYY-MM-DD).' })),
    paid_to: z.nullable(z.string().register(z.globalRegistry, { description: 'The day the paid period ends (YYYY-MM-DD): the next period starts, and is charged, on it.' })),
    plan: z.string().register(z.globalRegistry, { description: 'The plan id; `complete` (every module) during the trial.' }),
    trial: z.object({
      form: z.optional(z.string().register(z.globalRegistry, { description: 'When the trial started (spelled `form` as clients read it); only during the trial.' })),
      status: z.boolean().register(z.globalRegistry, { description: 'Whether the participant is on its trial.' }),
      to: z.optional(z.string().register(z.globalRegistry, { description: 'When the trial ends; only during the trial.' })),
    }),
    updated_at: z.string(),
    user_email: z.array(z.string()).register(z.globalRegistry, { description: 'Where billing notifications are sent.' }),
  }),
);
export type BillingPlanView = z.infer<typeof billingPlanViewSchema>;

export const notificationEmailsSchema = schema(() => z.array(z.string()).register(z.globalRegistry, { description: 'Where billing notifications are sent.' }));

export const cardTokenParamsSchema = schema(() =>
  z.object({
    token: z
      .string({ error: 'token is required' })
      .check(z.regex(/^[A-Za-z0-9_]{1,255}$/, 'token must be a card token from the payment provider (letters, digits and _)'))
      .register(z.globalRegistry, { description: "A card token made by the payment provider's client library (Stripe `tok_...`)." }),
  }),
);

export const addNotificationEmailSchema = schema(() =>
  z.object({
    email: z.optional(z.string().check(z.maxLength(254, 'email must be at most 254 characters')).register(z.globalRegistry, { description: 'The address to add.' })),
    user_id: z.optional(
      z.string().check(z.maxLength(300, 'user_id must be at most 300 characters')).register(z.globalRegistry, { description: 'An email user id (`urn:authenticateit:user:email:<email>`): its email is added.' }),
    ),
  }),
);

export const removeNotificationEmailSchema = schema(() =>
  z.object({
    email: z.string({ error: 'email is required' }).check(z.maxLength(254, 'email must be at most 254 characters')).register(z.globalRegistry, { description: 'The address to remove (letter case ignored).' }),
  }),
);

/** The card as the account shows it (documentation example of the card and billing plan routes). */
export const accountCardExample = {
  address_city: null,
  address_country: null,
  address_line1: null,
  address_line2: null,
  address_state: null,
  address_zip: null,
  brand: 'Visa',
  exp_month: 11,
  exp_year: 2030,
  id: 'card_1CrRhbEFVOePY2EFnZr18Tmf',
  last4: '4242',
  name: null,
} as const;

const cardDetailsSchema = z.strictObject({
  number: z.string().check(z.regex(/^\d{12,19}$/, 'card.number must be 12 to 19 digits')),
  exp_month: z.int().check(z.minimum(1, 'card.exp_month must be 1 to 12'), z.maximum(12, 'card.exp_month must be 1 to 12')),
  exp_year: z.int().check(z.minimum(2000, 'card.exp_year must be a four-digit year'), z.maximum(2200, 'card.exp_year must be a four-digit year')),
  cvc: z.optional(z.union([z.string().check(z.regex(/^\d{3,4}$/, 'card.cvc must be 3 or 4 digits')), z.int().check(z.minimum(0), z.maximum(9999))])),
  name: z.optional(z.string().check(z.maxLength(200, 'card.name must be at most 200 characters'))),
});

export const planChangeSchema = schema(() =>
  z.object({
    plan: z
      .string({ error: 'plan is required' })
      .check(z.minLength(1, 'plan is required'), z.maxLength(64, 'plan must be at most 64 characters'))
      .register(z.globalRegistry, { description: 'The plan id (`basic`, `light`, `pro`, `pro-corp`; `lite` and `standard` are accepted for `light` and `pro`).' }),
    card: z.optional(
      z
        .union([z.strictObject({ nonce: z.string().check(z.regex(/^[A-Za-z0-9_]{1,255}$/, 'card.nonce must be a card token from the payment provider')) }), cardDetailsSchema])
        .register(z.globalRegistry, {
          description:
            "The card to pay from: `{nonce}`, a token made by the payment provider's client library (Stripe.js; the preferred way), or `{number, exp_month, exp_year, cvc, name}`, turned into a provider token at once and never stored. Needed for every plan but `basic` unless a card is saved.",
        }),
    ),
    promo_code: z.optional(z.string().check(z.trim(), z.minLength(1), z.maxLength(64)).register(z.globalRegistry, { description: 'A promo code: its days are added to the paid period.' })),
  }),
);
export type PlanChangeBody = z.infer<typeof planChangeSchema>;

export const paymentHistoryEntrySchema = schema(() =>
  z.object({
    card_barnd: z.nullable(z.string()).register(z.globalRegistry, { description: 'The brand of the card charged (spelled `card_barnd` as clients read it); null when no card was charged.' }),
    card_exp_month: z.nullable(z.int()),
    card_exp_year: z.nullable(z.int()),
    card_last4: z.nullable(z.string()),
    card_name: z.nullable(z.string()),
    currency: z.string(),
    rows: z.array(z.object({ amount: z.string().register(z.globalRegistry, { description: 'Major units, two decimals; negative for a credit.' }), description: z.string() })),
    status: z.string().register(z.globalRegistry, { description: '`Payment successful`, `Payment failed: <why>` or `Payment in progress`.' }),
    summary_amount: z.string().register(z.globalRegistry, { description: 'What the card was charged: the rows\' sum, two decimals.' }),
    ts: z.string(),
  }),
);
export type PaymentHistoryEntry = z.infer<typeof paymentHistoryEntrySchema>;
export const paymentHistorySchema = schema(() => z.array(paymentHistoryEntrySchema));

export const participantPathSchema = schema(() =>
  z.object({
    id: z
      .string({ error: 'id is required' })
      .check(z.minLength(1, 'id is required'), z.maxLength(300, 'id must be a participant id (at most 300 characters)'))
      .register(z.globalRegistry, { description: 'The participant id (urn).' }),
  }),
);
