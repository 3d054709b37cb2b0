/** Each public API family answers errors in its own envelope (as each family's public API specifies). */
import type { ApiFamily } from './handler.js';

/** Partner cashback, Obyte-compatible: {"result":"error","error":"..."}. */
export const partnerCashbackFamily: ApiFamily = {
  name: 'partner-cashback',
  errorBody: (err) => ({ result: 'error', error: err.message }),
};

/** Platform endpoints outside the public API families (docs, textcoin claims) use the same simple shape. */
export const platformFamily: ApiFamily = {
  name: 'platform',
  errorBody: (err) => ({ result: 'error', error: err.message, code: err.code }),
};

/** Cashback cards: {"success":false,"error":{"code","message","details"}}. */
export const cardsFamily: ApiFamily = {
  name: 'cashback-cards',
  errorBody: (err) => ({ success: false, error: { code: err.code, message: err.message, details: err.details ?? null } }),
};

export const cardsSuccess = (data: unknown, status = 200) => ({ status, body: { success: true, data } });

/** Cash-out claims: {"message":"...","code":"..."}. */
export const cashoutFamily: ApiFamily = {
  name: 'cashout',
  errorBody: (err) => ({ message: err.message, code: err.code }),
};

/** Payments service: {"error","error_data","error_id":"payments-<code>","error_object"}. */
export const paymentsFamily: ApiFamily = {
  name: 'payments',
  errorBody: (err) => ({ error: err.message, error_data: err.details ?? null, error_id: `payments-${err.code}`, error_object: null }),
};
