/**
 * Each public API family answers errors in its own envelope (as each family's public API specifies), names
 * invalid input its own way (a 400 `bad_request` with each field unless it says otherwise), answers domain
 * failures through its table (./error-tables.ts), and is one tag of the OpenAPI document.
 */
import { cardsErrors, cashoutErrors, docsErrors, partnerCashbackErrors, paymentsErrors, platformErrors } from './error-tables.js';
import { ApiError } from './errors.js';
import type { ApiFamily } from './handler.js';

/** Partner cashback, Obyte-compatible: {"result":"error","error":"..."}. */
export const partnerCashbackFamily: ApiFamily = {
  name: 'partner-cashback',
  tag: 'Partner cashback',
  errors: partnerCashbackErrors,
  errorBody: (err) => ({ result: 'error', error: err.message }),
};

/** Platform endpoints outside the public API families (docs, textcoin claims) use the same simple shape. */
const platformErrorBody = (err: ApiError) => ({ result: 'error', error: err.message, code: err.code });

export const platformFamily: ApiFamily = { name: 'platform', tag: 'Textcoins', errors: platformErrors, errorBody: platformErrorBody };

export const docsFamily: ApiFamily = { name: 'docs', tag: 'Docs', errors: docsErrors, errorBody: platformErrorBody };

/** Cashback cards: {"success":false,"error":{"code","message","details"}}. */
export const cardsFamily: ApiFamily = {
  name: 'cashback-cards',
  tag: 'Cashback cards',
  errors: cardsErrors,
  errorBody: (err) => ({ success: false, error: { code: err.code, message: err.message, details: err.details ?? null } }),
};

export const cardsSuccess = <T>(data: T, status = 200) => ({ status, body: { success: true as const, data } });

/** Cash-out claims: {"message":"...","code":"..."}. */
export const cashoutFamily: ApiFamily = {
  name: 'cashout',
  tag: 'Cash-out claims',
  errors: cashoutErrors,
  errorBody: (err) => ({ message: err.message, code: err.code }),
};

/**
 * Payments service: {"error","error_data","error_id":"payments-<code>","error_object"}. Invalid input is
 * `payments-bad_<field>`, naming the first field at fault.
 */
export const paymentsFamily: ApiFamily = {
  name: 'payments',
  tag: 'Payments service',
  errors: paymentsErrors,
  errorBody: (err) => ({ error: err.message, error_data: err.details ?? null, error_id: `payments-${err.code}`, error_object: null }),
  invalidInput: (field, message) => new ApiError(400, field ? `bad_${field.split('.')[0]!.replace(/\W/g, '_')}` : 'bad_request', message),
};
