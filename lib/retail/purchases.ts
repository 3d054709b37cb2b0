/**
 * Confirmed retail purchases, as loyalty levels count them: one item per confirmed session under the user and
 * participant, sorted by time, so a level reads exactly the purchases of its widest window with one Query.
 * Written by the session's confirmation, in its transaction (a purchase counts once, with its money).
 */
import { queryAll } from '../db/client.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { putNew, type GuardedItem } from '../db/transact.js';
import type { CountedPurchase } from './levels.js';

export interface RetailPurchase extends CountedPurchase {
  user: string;
  participant: string;
}

function purchaseFrom(i: StoredItem): RetailPurchase {
  const f = fields(i, `RetailPurchase ${String(i.session)}`);
  return { user: f.str('user'), participant: f.str('participant'), session: f.str('session'), amountMinor: f.money('amountMinor'), ts: f.str('ts') };
}

export const retailPurchasesRepo = {
  /**
   * The transaction item recording a confirmed purchase (`ts` an ISO instant as toISOString writes it; `sessionUuid`
   * the uuid of `p.session`); it fails the transaction if already recorded.
   */
  newItem(p: RetailPurchase, sessionUuid: string): GuardedItem {
    return {
      item: putNew({
        ...keys.retailPurchase(p.user, p.participant, p.ts, sessionUuid),
        type: 'RetailPurchase',
        user: p.user,
        participant: p.participant,
        session: p.session,
        amountMinor: p.amountMinor,
        ts: p.ts,
        createdAt: p.ts,
        updatedAt: p.ts,
      }),
    };
  },

  /** The user's purchases at the participant from `fromIso` (an ISO instant as toISOString writes it) on, oldest first. */
  async since(user: string, participant: string, fromIso: string): Promise<RetailPurchase[]> {
    const items = await queryAll({
      KeyConditionExpression: 'PK = :pk AND SK BETWEEN :from AND :to',
      // '~' sorts after every character of an ISO instant: the range ends after the partition's last purchase.
      ExpressionAttributeValues: { ':pk': keys.retailPurchases(user, participant), ':from': `${keys.retailPurchasePrefix}${fromIso}`, ':to': `${keys.retailPurchasePrefix}~` },
      ConsistentRead: true,
    });
    return items.map(purchaseFrom);
  },
};
