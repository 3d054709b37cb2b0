/** How the contracts write values every domain shares: times to the second, and request ids. */

/** A time to the whole second, as the contracts write them (`2023-02-14T01:13:24Z`). */
export const isoSeconds = (t: Date | string) => (typeof t === 'string' ? t : t.toISOString()).replace(/\.\d+Z$/, 'Z');

/** A request's id on the wire (a withdrawal, a transfer, a top-up, a store payment): `urn:authenticateit:transaction_request:<uuid>`. */
export const transactionRequestId = (uuid: string) => `urn:authenticateit:transaction_request:${uuid}`;

/** A contract flag, which clients send as true or "true". */
export const wireTrue = (v: boolean | string | undefined) => v === true || v === 'true';
