/** Cash-out claims: requests, validated with the public API's field names, and the JSON answers. */
import * as z from 'zod/mini';

/**
 * Top-level schemas are built in `schema(() => ...)` so that a bundle keeps only those it uses. esbuild takes
 * zod's factories and `.check()` for side effects (it honours no-side-effects annotations within a module
 * only, evanw/esbuild#4369): a bare top-level schema is in every bundle that imports the module.
 */
/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const required = (field: string, kind: string) => (i: { input: unknown }) => (i.input === undefined ? `${field} is required` : `${field} must be ${kind}`);

/** Luhn check of a card number (digits only). */
export function luhnValid(pan: string): boolean {
  let sum = 0;
  for (let i = 0; i < pan.length; i++) {
    let d = pan.charCodeAt(pan.length - 1 - i) - 48;
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

/** `YYmm` not before the current month (a card is valid through the end of its expiry month). */
export function expiryValid(expDate: string, now = new Date()): boolean {
  const m = /^(\d{2})(\d{2})$/.exec(expDate);
  if (!m) return false;
  const month = Number(m[2]);
  if (month < 1 || month > 12) return false;
  const year = 2000 + Number(m[1]);
  return year * 12 + month >= now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
}

export const pan = schema(() => z
  .string({ error: required('pan', 'a string of digits') })
  .check(
    z.regex(/^(\d{16}|\d{19})$/, 'pan must be 16 or 19 digits'),
    z.refine((v) => luhnValid(v), 'pan fails the Luhn check'),
  )
  .register(z.globalRegistry, { description: 'Card number, 16 or 19 digits (Luhn-checked). Encrypted at rest, never returned.' }));

export const expDate = schema(() => z
  .string({ error: required('expDate', 'a string') })
  .check(z.regex(/^\d{4}$/, 'expDate must be YYmm, e.g. 2812'), z.refine((v) => expiryValid(v), 'expDate is in the past or not a valid YYmm'))
  .register(z.globalRegistry, { description: 'Card expiry, YYmm.' }));

export const providerName = schema(() => z
  .string({ error: required('name', 'a string') })
  .check(z.regex(/^[A-Za-z0-9_-]{2,64}$/, 'name must be 2-64 letters, digits, "_" or "-"'))
  .register(z.globalRegistry, { description: 'Unique provider name.' }));

const endpoint = schema(() => z.string({ error: required('endpoint', 'a URL') }).check(z.maxLength(2048, 'endpoint is too long')).register(z.globalRegistry, {
  description: 'Where webhooks are delivered: an https URL (http only to loopback in the local stage).',
}));

const ipin = schema(() => z
  .string({ error: required('ipin', 'a string of digits') })
  .check(z.regex(/^\d{4,6}$/, 'ipin must be 4 to 6 digits'))
  .register(z.globalRegistry, { description: 'Card IPIN. Encrypted at rest, never returned.' }));

export const registerSchema = schema(() => z.object({
  name: providerName,
  pan,
  expDate,
  ipin,
  consent: z
    .union([z.boolean(), z.string()], { error: required('consent', 'true') })
    .check(z.refine((v) => v === true || v === 'true', 'consent must be true: you accept the terms and let us use the card on your behalf')),
  endpoint,
}));

export const profileSchema = schema(() => z.object({
  pan: z.optional(pan),
  expDate: z.optional(expDate),
  ipin: z.optional(ipin),
  endpoint: z.optional(endpoint),
  rotate_webhook_secret: z.optional(z.boolean({ error: 'rotate_webhook_secret must be true or false' })),
}));

export const generateSchema = schema(() => z.object({
  amount: z
    .union([z.number(), z.string()], { error: required('amount', 'a positive integer') })
    .check(z.refine((v) => (typeof v === 'number' ? Number.isSafeInteger(v) && v > 0 : /^[1-9]\d{0,14}$/.test(v)), 'amount must be a positive integer')),
  id: z.string({ error: required('id', 'a string') }).check(z.trim(), z.minLength(1, 'id must not be empty'), z.maxLength(128, 'id must be at most 128 characters')),
}));

export type RegisterInput = z.infer<typeof registerSchema>;
export type ProfileInput = z.infer<typeof profileSchema>;


export const claimSubmitSchema = schema(() => z.object({
  pan,
  expDate,
  name: z.string({ error: required('name', 'a string') }).check(z.trim(), z.minLength(2, 'name is required'), z.maxLength(100, 'name must be at most 100 characters')),
  mobile: z.string({ error: required('mobile', 'a string') }).check(z.trim(), z.regex(/^\+?[0-9]{7,15}$/, 'mobile must be 7-15 digits, optionally starting with +')),
}));

export type ClaimSubmitInput = z.infer<typeof claimSubmitSchema>;

// Path and query parameters.

export const providerPathSchema = schema(() => z.object({
  name: z.string().check(z.maxLength(64, 'name must be at most 64 characters')).register(z.globalRegistry, { description: 'Your provider name (the one the API key was issued to).' }),
}));

export const claimPathSchema = schema(() => z.object({
  uuid: z.string().check(z.maxLength(36, 'uuid must be at most 36 characters')).register(z.globalRegistry, { description: 'The claim uuid, from POST /cashout/generate/{name}.' }),
}));

export const webhookPathSchema = schema(() => z.object({
  id: z.string().check(z.maxLength(64, 'id must be at most 64 characters')).register(z.globalRegistry, { description: 'The delivery id (its webhook-id header).' }),
}));

/** Lenient, as it always was: anything not a number reads as 50, and the number is held within 1-100. */
export const webhooksQuerySchema = schema(() => z.object({
  limit: z
    .pipe(
      z.optional(z.string()),
      z.transform((v) => Math.min(100, Math.max(1, Number(v ?? 50) || 50))),
    )
    .register(z.globalRegistry, { description: '1-100, default 50', type: 'integer' }) as unknown as z.ZodMiniType<number, string | undefined>,
}));

// Responses (documentation, and the types handlers must answer).

export const registerResponseSchema = schema(() => z.object({
  result: z.literal('ok'),
  api_key: z.string().register(z.globalRegistry, { description: 'Your API key (Authorization: Bearer), shown this one time.' }),
  webhook_secret: z.string().register(z.globalRegistry, { description: 'The webhook signing secret, shown this one time.' }),
}));

export const profileResponseSchema = schema(() => z.object({
  result: z.literal('ok'),
  webhook_secret: z.optional(z.string().register(z.globalRegistry, { description: 'The new webhook signing secret, unless rotate_webhook_secret was false.' })),
}));

export const generateResponseSchema = schema(() => z.object({
  result: z.string().register(z.globalRegistry, { description: 'The claim uuid.' }),
  uuid: z.string().register(z.globalRegistry, { description: 'The claim uuid: the customer opens /cashout/claim/{uuid}.' }),
}));

export const claimStatusResponseSchema = schema(() => z.object({
  uuid: z.string(),
  status: z.enum(['pending', 'submitted', 'paying', 'paid', 'failed', 'expired']),
  amount: z.int(),
  provider: z.string(),
  response: z.optional(z.string().register(z.globalRegistry, { description: "The payment gateway's answer, once the payment has one." })),
  code: z.optional(z.int().register(z.globalRegistry, { description: "The payment gateway's result code, with `response`." })),
  updated_at: z.string(),
}));

const webhookAttemptSchema = schema(() => z.object({
  at: z.string(),
  ms: z.number(),
  status: z.optional(z.int().register(z.globalRegistry, { description: "Your endpoint's HTTP status." })),
  error: z.optional(z.string().register(z.globalRegistry, { description: 'Why there was no answer (timeout, connection error).' })),
}));

export const webhooksResponseSchema = schema(() => z.object({
  webhooks: z.array(
    z.object({
      id: z.string(),
      uuid: z.string(),
      status: z.enum(['pending', 'delivered', 'failed']),
      attempts: z.int(),
      last_attempt: z.nullable(webhookAttemptSchema),
      next_attempt_at: z.nullable(z.string()),
      created_at: z.string(),
    }),
  ),
}));

export const webhookReplayResponseSchema = schema(() => z.object({ result: z.literal('ok'), id: z.string() }));
