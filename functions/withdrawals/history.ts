/** POST /payments-service/withdrawal/history/get (identity ticket): your withdrawals of every type, newest first, in chunks. */
import { ticketErrors } from '../../lib/coins/schema.js';
import { identityTicket } from '../../lib/http/auth/identity.js';
import { paymentsFamily } from '../../lib/http/families.js';
import { defineRoute, routeHandler } from '../../lib/http/route.js';
import { withdrawalHistory } from '../../lib/withdrawals/history.js';
import { cashoutAccountExample, cashoutFeeExample } from '../../lib/withdrawals/examples.js';
import { withdrawalHistoryRequestSchema, withdrawalHistorySchema } from '../../lib/withdrawals/schema.js';

export const route = defineRoute({
  method: 'POST',
  path: '/payments-service/withdrawal/history/get',
  family: paymentsFamily,
  auth: identityTicket,
  summary: 'Your withdrawals (bank cash-outs, Ethereum transfers), newest first, in chunks',
  description:
    'Each entry is the withdrawal as it is now, in its type\'s shape: a bank cash-out (`type: cashout`: its account, coins, values, fee_summary, status pending until paid, then success or failure) or an Ethereum transfer (no type, as in the transfer history). Send no chunk_id (or null) for the newest chunk, then the previous answer\'s `next` until it is null; every withdrawal appears in exactly one chunk. A withdrawal shows up within a second of its request (the history is an index).',
  body: withdrawalHistoryRequestSchema,
  requestExample: { chunk_id: 'urn:authenticateit:transactions_history_chunk:MjAyNi0xMS0yNFQwNDo1MDowOS4xMjNaIzA4NjUwZGZhLWFjNWMtNDRlOS05NjBhLWFkM2FkMmY3MTdmYw' },
  response: withdrawalHistorySchema,
  responseExample: {
    history: [
      {
        account: cashoutAccountExample,
        coins: '43609000000000000000000',
        converted_aud_value: 3.3,
        converted_value: 3.3,
        currency: 'aud',
        fee_summary: cashoutFeeExample,
        hash: null,
        id: 'urn:authenticateit:transaction_request:08650dfa-ac5c-44e9-960a-ad3ad2f717fc',
        status: 'success',
        ts: '2021-06-30T06:25:13Z',
        type: 'cashout',
      },
      {
        address: '0xe40555b43d60656b9510860A11D6bDCDDb8E78A2',
        coins: '500000000000000000000',
        fee: '44000000000000000000',
        hash: '0x73c5528ecc390743329b8c154da42c361f7096335fb62819913ae237650a5c4c',
        id: 'urn:authenticateit:transaction_request:a0ba1883-cbec-4a2c-9659-9a8b0aa7cd3a',
        status: 'success',
        ts: '2018-08-30T20:46:04Z',
      },
    ],
    next: 'urn:authenticateit:transactions_history_chunk:MjAxOC0wOC0zMFQyMDo0NjowNC4wMDBaI2EwYmExODgzLWNiZWMtNGE2Yy05NjU5LTlhOGIwYWE3Y2QzYQ',
  },
  errors: ticketErrors({ 400: 'A chunk_id this service did not give you (payments-bad_chunk_id), or a bad limit (payments-bad_limit)' }),
  uses: ['identity', 'cardVault'],
});

export const handler = routeHandler(route, async ({ caller, body }) => ({ body: await withdrawalHistory(caller.sub, body) }));
