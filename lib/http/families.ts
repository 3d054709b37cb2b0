/**
 * Each public API family answers errors in its own envelope (as each family's public API specifies), names
 * invalid input its own way (a 400 `bad_request` with each field unless it says otherwise), and is one tag of
 * the OpenAPI document.
 */
import * as z from 'zod/mini';
import { ApiError } from './errors.js';
import type { ApiFamily } from './handler.js';

/** Partner cashback, Obyte-compatible: {"result":"error","error":"..."}. */
export const partnerCashbackFamily: ApiFamily = {
  name: 'partner-cashback',
  tag: 'Partner cashback',
  errorBody: (err) => ({ result: 'error', error: err.message }),
  errorSchema: z.object({ result: z.literal('error'), error: z.string() }),
};

/** Platform endpoints outside the public API families (docs, textcoin claims) use the same simple shape. */
export const platformFamily: ApiFamily = {
  name: 'platform',
  tag: 'Textcoins',
  errorBody: (err) => ({ result: 'error', error: err.message, code: err.code }),
  errorSchema: z.object({ result: z.literal('error'), error: z.string(), code: z.string() }),
};

export const docsFamily: ApiFamily = { ...platformFamily, name: 'docs', tag: 'Docs' };

/** Cashback cards: {"success":false,"error":{"code","message","details"}}. */
export const cardsFamily: ApiFamily = {
  name: 'cashback-cards',
  tag: 'Cashback cards',
  errorBody: (err) => ({ success: false, error: { code: err.code, message: err.message, details: err.details ?? null } }),
  errorSchema: z.object({
    success: z.literal(false),
    error: z.object({ code: z.string(), message: z.string(), details: z.unknown() }),
  }),
};

export const cardsSuccess = <T>(data: T, status = 200) => ({ status, body: { success: true as const, data } });

/** Cash-out claims: {"message":"...","code":"..."}. */
export const cashoutFamily: ApiFamily = {
  name: 'cashout',
  tag: 'Cash-out claims',
  errorBody: (err) => ({ message: err.message, code: err.code }),
  errorSchema: z.object({ message: z.string(), code: z.string() }),
};

/**
 * Payments service: {"error","error_data","error_id":"payments-<code>","error_object"}. Invalid input is
 * `payments-bad_<field>`, naming the first field at fault.
 */
export const paymentsFamily: ApiFamily = {
  name: 'payments',
  tag: 'Payments service',
  errorBody: (err) => ({ error: err.message, error_data: err.details ?? null, error_id: `payments-${err.code}`, error_object: null }),
  errorSchema: z.object({ error: z.string(), error_data: z.unknown(), error_id: z.string(), error_object: z.null() }),
  invalidInput: (field, message) => new ApiError(400, field ? `bad_${field.split('.')[0]!.replace(/\W/g, '_')}` : 'bad_request', message),
};
