/** Each public API family answers errors in its own envelope (see the seeds). */
import type { ApiFamily } from './handler.js';

/** Partner cashback, Obyte-compatible: {"result":"error","error":"..."}. */
export const partnerCashbackFamily: ApiFamily = {
  name: 'partner-cashback',
  errorBody: (err) => ({ result: 'error', error: err.message }),
};

/** Platform endpoints with no seed of their own (docs, textcoin claims) use the same simple shape. */
export const platformFamily: ApiFamily = {
  name: 'platform',
  errorBody: (err) => ({ result: 'error', error: err.message, code: err.code }),
};

/** Cashback cards (seed 002): {"success":false,"error":{"code","message","details"}}. */
export const cardsFamily: ApiFamily = {
  name: 'cashback-cards',
  errorBody: (err) => ({ success: false, error: { code: err.code, message: err.message, details: err.details ?? null } }),
};

export const cardsSuccess = (data: unknown, status = 200) => ({ status, body: { success: true, data } });

/** Cash-out claims (seed 003): {"message":"...","code":"..."}. */
export const cashoutFamily: ApiFamily = {
  name: 'cashout',
  errorBody: (err) => ({ message: err.message, code: err.code }),
};

/** Payments service (seed 004): {"error","error_data","error_id":"payments-<code>","error_object"}. */
export const paymentsFamily: ApiFamily = {
  name: 'payments',
  errorBody: (err) => ({ error: err.message, error_data: err.details ?? null, error_id: `payments-${err.code}`, error_object: null }),
};
