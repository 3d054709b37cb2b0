/** Requests and answers of retail connect sessions and codes, also the source of their OpenAPI schemas. */
import * as z from 'zod/mini';
import { coinsAmount } from '../coins/schema.js';
import { PARTICIPANT } from '../identity/tickets.js';
import { levelInfoSchema, loyaltyProgramViewSchema } from './schema.js';

/* @__NO_SIDE_EFFECTS__ */
function schema<T>(build: () => T): T {
  return build();
}

const text = (field: string, max: number, description: string) =>
  z.string({ error: `${field} must be a string` }).check(z.minLength(1, `${field} must not be empty`), z.maxLength(max, `${field} must be at most ${max} characters`)).register(z.globalRegistry, { description });

const code = () => z.string({ error: 'code must be a retail code (hex)' }).check(z.regex(/^[0-9a-f]{80,2000}$/, 'code must be a retail code (hex)')).register(z.globalRegistry, { description: 'The code the user’s app shows.' });
const participantId = () => z.string().check(z.regex(PARTICIPANT, 'participant_id must be a participant urn (urn:authenticateit:participant:...)'));
const sessionIdField = () => z.string({ error: 'session_id must be a session id' }).check(z.regex(/^urn:authenticateit:retail_connect:session:[0-9a-f-]{36}$/, 'session_id must be a session id (urn:authenticateit:retail_connect:session:<uuid>)'));

export const levelCodeQuerySchema = schema(() =>
  z.object({
    card_id: z.optional(text('card_id', 100, 'The user’s store card: answers its participant’s level info and a new code for a terminal.')),
    code: z.optional(code()),
    participant_id: z.optional(participantId().register(z.globalRegistry, { description: 'The participant whose level info to answer.' })),
  }),
);
export type LevelCodeQuery = z.output<typeof levelCodeQuerySchema>;

export const sessionInitSchema = schema(() => z.object({ code: code() }));

export const sessionsQuerySchema = schema(() =>
  z.object({
    code: z.optional(code()),
    participant_id: z.optional(participantId()),
    card_id: z.optional(text('card_id', 100, 'Only sessions started with this store card.')),
  }),
);

export const sessionQuerySchema = schema(() => z.object({ session_id: sessionIdField() }));

const AMOUNT = 'amount_value must be a whole number of cents from 1 to 100000000';
const VALUE = 'payment_value must be a whole number of cents from 0';
const reference = () => z.optional(z.nullable(z.string({ error: 'payment_reference must be a string or null' }).check(z.maxLength(64, 'payment_reference must be at most 64 characters'))));

export const terminalUpdateSchema = schema(() =>
  z.object({
    session_id: sessionIdField(),
    status_metadata: z.discriminatedUnion(
      'status',
      [
        z.object({
          status: z.literal('amount_set'),
          amount_value: z.int({ error: AMOUNT }).check(z.minimum(1, AMOUNT), z.maximum(100_000_000, AMOUNT)).register(z.globalRegistry, { description: 'The purchase amount in cents of the session currency.' }),
          payment_method: z.enum(['cash', 'cashless'], { error: 'payment_method must be cash or cashless' }),
          payment_reference: reference().register(z.globalRegistry, { description: 'cash: null; cashless: the card terminal’s reference (4 to 64 letters, digits or . _ : / -).' }),
        }),
        z.object({ status: z.literal('payment_confirm') }),
        z.object({ status: z.literal('terminate') }),
      ],
      { error: 'status_metadata.status must be amount_set, payment_confirm or terminate' },
    ),
  }),
);
export type TerminalUpdateBody = z.output<typeof terminalUpdateSchema>;

export const userUpdateSchema = schema(() =>
  z.object({
    session_id: sessionIdField(),
    status_metadata: z.discriminatedUnion(
      'status',
      [
        z.object({
          status: z.literal('payment_set'),
          payment_coins: coinsAmount('payment_coins', 'The coins to pay with (smallest unit; 0 to pay in money only), worth at most the program’s coin_payments_rule and the amount at the quoted price.'),
          payment_value: z.optional(z.int({ error: VALUE }).check(z.minimum(0, VALUE), z.maximum(100_000_000, VALUE)).register(z.globalRegistry, { description: 'What is paid in money, in cents: the amount less the coins’ value at the quoted price (floored to the cent). Absent: the platform computes it; given: it must be that.' })),
          payment_reference: reference().register(z.globalRegistry, { description: 'null, or the reference the terminal set.' }),
        }),
        z.object({ status: z.literal('terminate') }),
      ],
      { error: 'status_metadata.status must be payment_set or terminate' },
    ),
  }),
);
export type UserUpdateBody = z.output<typeof userUpdateSchema>;

export const levelCodeAnswerSchema = schema(() =>
  z.object({
    ...levelInfoSchema.shape,
    code: z.optional(z.string().register(z.globalRegistry, { description: 'With card_id: a new code for a store terminal (single use, valid RETAIL_CODE_SECONDS).' })),
  }),
);

const at = (description: string) => z.string().register(z.globalRegistry, { description });
const statusEntry = <T extends z.core.$ZodLooseShape>(shape: T) => z.optional(z.looseObject({ ...shape, ts: at('When the status was reached (milliseconds).') }));

export const retailSessionSchema = schema(() =>
  z.object({
    code: z.string(),
    code_hash: z.string().register(z.globalRegistry, { description: 'sha1 of the code: what a code is known by once used.' }),
    coin_price: z.object({
      price: z.number().register(z.globalRegistry, { description: "One smallest unit of the token in the session currency: the quote coins are paid at." }),
      timeout_sec: z.number().register(z.globalRegistry, { description: 'How long the quote is valid; a session read after that (before the payment) is quoted again.' }),
      ts: at('When it was quoted.'),
    }),
    create_ts: z.string(),
    currency: z.string(),
    device_id: z.string().register(z.globalRegistry, { description: 'The terminal that started the session (<participant id>:<uuid>).' }),
    id: z.string(),
    is_expired: z.boolean().register(z.globalRegistry, { description: 'true once an open session is past create_ts + timeout: it can only be terminated.' }),
    loyalty_program: loyaltyProgramViewSchema,
    operator_id: z.string(),
    participant_id: z.string(),
    status: z.enum(['init', 'amount_set', 'payment_set', 'rebate_set', 'terminate']),
    status_side: z.enum(['terminal', 'user', 'system']).register(z.globalRegistry, { description: 'Who made the latest change (system: the sweep ended it after its timeout).' }),
    statuses: z.optional(
      z.object({
        amount_set: statusEntry({ amount_value: z.number(), payment_method: z.enum(['cash', 'cashless']), status: z.literal('amount_set') }),
        payment_set: statusEntry({
          payment_coins: z.string(),
          payment_reference: z.nullable(z.string()),
          payment_result: z.object({ charge_id: z.null(), status: z.literal('success') }),
          payment_value: z.number(),
          status: z.literal('payment_set'),
          transaction: z.looseObject({ action: z.literal('retail_connect'), coins: z.string(), coins_prices: z.record(z.string(), z.number()), currency: z.string(), id: z.string(), owner: z.string(), profile_coins: z.string(), session_id: z.string(), ts: z.string(), type: z.literal('transaction_request') }),
        }),
        payment_confirm: statusEntry({ status: z.literal('payment_confirm') }),
        rebate_set: statusEntry({ coins_rebate: z.string().register(z.globalRegistry, { description: 'The rebate credited to the user.' }), status: z.literal('rebate_set') }),
        terminate: statusEntry({ status: z.literal('terminate'), reason: z.optional(z.literal('expired')) }),
      }),
    ),
    timeout: z.number().register(z.globalRegistry, { description: 'Seconds from create_ts until the session expires.' }),
    type: z.literal('retail_connect_session'),
    update_ts: z.string(),
    user_id: z.string(),
  }),
);

export const retailSessionsSchema = schema(() => z.array(retailSessionSchema));
