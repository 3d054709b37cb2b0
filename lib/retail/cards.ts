/**
 * Store cards: a card id bound to one user at one participant (the user's loyalty card in the app). Issued by the
 * admin CLI; an id is taken once. A user only ever reaches their own cards: another user's card is "not found",
 * exactly like an unknown one, so card ids cannot be probed.
 */
import { isoSeconds } from '../wire.js';
import { randomBytes } from 'node:crypto';
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../db/client.js';
import { isConditionFailed } from '../db/errors.js';
import { fields, type StoredItem } from '../db/item.js';
import * as keys from '../db/keys.js';
import { PARTICIPANT } from '../identity/tickets.js';
import { fail } from './failures.js';

export interface StoreCard {
  cardId: string;
  user: string;
  participant: string;
  createdAt: string;
}

/** Card ids: what a barcode or a generated id holds, and nothing that could reach into a key. */
export const CARD_ID = /^[A-Za-z0-9._:-]{1,100}$/;
const USER = /^urn:authenticateit:user:\S{1,300}$/;

/** A new random, url-safe card id (128 bits). */
const newCardId = () => randomBytes(16).toString('base64url');

function cardFrom(i: StoredItem): StoreCard {
  const f = fields(i, `StoreCard ${String(i.cardId)}`);
  return { cardId: f.str('cardId'), user: f.str('user'), participant: f.str('participant'), createdAt: f.str('createdAt') };
}

export const storeCardsRepo = {
  async get(cardId: string): Promise<StoreCard | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.storeCard(cardId), ConsistentRead: true }));
    return out.Item ? cardFrom(out.Item) : undefined;
  },

  /** Puts the card if its id is free (retail_card_exists otherwise). */
  async create(card: StoreCard): Promise<void> {
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.storeCard(card.cardId), type: 'StoreCard', ...card, updatedAt: card.createdAt },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw fail('retail_card_exists', `store card ${card.cardId} already exists`, { card_id: card.cardId });
      throw err;
    }
  },
};

/** Issues a store card to a user at a participant; without an id, a random one. */
export async function addStoreCard(user: string, participant: string, cardId: string = newCardId(), now = new Date()): Promise<StoreCard> {
  if (!USER.test(user)) throw fail('retail_bad_card', 'user must be a user urn (urn:authenticateit:user:...)', { field: 'user' });
  if (!PARTICIPANT.test(participant)) throw fail('retail_bad_card', 'participant must be a participant urn (urn:authenticateit:participant:...)', { field: 'participant' });
  if (!CARD_ID.test(cardId)) throw fail('retail_bad_card', 'card_id must be 1 to 100 letters, digits or . _ : -', { field: 'card_id' });
  const card: StoreCard = { cardId, user, participant, createdAt: now.toISOString() };
  await storeCardsRepo.create(card);
  return card;
}

/** The card with this id, whoever it belongs to (for the system). */
export function storeCardOf(cardId: string): Promise<StoreCard | undefined> {
  return CARD_ID.test(cardId) ? storeCardsRepo.get(cardId) : Promise.resolve(undefined);
}

/** The user's own card, or 404 retail_card_not_found (also for another user's card: others' cards are never revealed). */
export async function requireUsersCard(user: string, cardId: string): Promise<StoreCard> {
  const card = await storeCardOf(cardId);
  if (!card || card.user !== user) throw fail('retail_card_not_found', `you have no store card ${cardId}`, { card_id: cardId });
  return card;
}

/** The card as the admin CLI shows it. */
export const storeCardView = (c: StoreCard) => ({ card_id: c.cardId, user_id: c.user, participant_id: c.participant, created_at: isoSeconds(c.createdAt) });
