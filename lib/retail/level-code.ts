/**
 * GET /payments-service/retail_connect/v1/code: the contract gives "user level info" and "generate code" one
 * method and path, so one route answers both: the user's level info at a participant (named by participant_id,
 * by one of the user's codes, or by the user's store card), and with a card a new code for a terminal.
 */
import { requireUsersCard } from './cards.js';
import { BAD_CODE, issueRetailCode, requireRetailCode } from './codes.js';
import { fail } from './failures.js';
import { levelInfo } from './levels-view.js';
import type { LevelCodeQuery } from './session-schema.js';

export async function levelAndCode(user: string, q: LevelCodeQuery, now = new Date()) {
  if (q.card_id !== undefined) {
    const card = await requireUsersCard(user, q.card_id);
    const { code } = issueRetailCode({ user, card: q.card_id, participant: card.participant }, now.getTime());
    return { ...(await levelInfo(user, card.participant, now)), code };
  }
  if (q.code !== undefined) {
    const bound = requireRetailCode(q.code, now.getTime());
    // Another user's code says nothing to this one.
    if (bound.user !== user) throw fail('retail_bad_code', BAD_CODE);
    return levelInfo(user, bound.participant, now);
  }
  if (q.participant_id !== undefined) return levelInfo(user, q.participant_id, now);
  throw fail('retail_bad_level_request', 'give participant_id, code or card_id', {});
}
