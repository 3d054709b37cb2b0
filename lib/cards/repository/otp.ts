/**
 * Member one-time codes (one live code per app and member). `validUntil` is the ISO deadline; `expiresAt`
 * is the table's TTL attribute (epoch seconds), an hour after it.
 */
import { PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../db/client.js';
import { AlreadyExistsError, isConditionFailed } from '../../db/errors.js';
import { fields } from '../../db/item.js';
import * as keys from '../../db/keys.js';

const OTP_CHANNELS = ['email', 'phone'] as const;

export interface Otp {
  codeHash: string;
  channel: (typeof OTP_CHANNELS)[number];
  tries: number;
  createdAt: string;
  expiresAt: string;
}

export const otpRepo = {
  /** A new code replaces the previous one, but not within `minIntervalMs` of it (no resetting tries by re-requesting). */
  async put(appId: string, memberId: number, otp: Otp, minIntervalMs: number): Promise<void> {
    const notBefore = new Date(Date.parse(otp.createdAt) - minIntervalMs).toISOString();
    const { expiresAt, ...rest } = otp;
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName(),
          Item: { ...keys.otp(appId, memberId), type: 'Otp', ...rest, validUntil: expiresAt, expiresAt: Math.ceil(Date.parse(expiresAt) / 1000) + 3600, updatedAt: otp.createdAt },
          ConditionExpression: 'attribute_not_exists(PK) OR createdAt < :notBefore',
          ExpressionAttributeValues: { ':notBefore': notBefore },
        }),
      );
    } catch (err) {
      if (isConditionFailed(err)) throw new AlreadyExistsError('a code was sent moments ago');
      throw err;
    }
  },

  /** Counts one try and returns the OTP as it was before, or undefined when none is live or tries are used up. */
  async takeTry(appId: string, memberId: number, maxTries: number, now: string): Promise<Otp | undefined> {
    try {
      const out = await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.otp(appId, memberId),
          UpdateExpression: 'ADD tries :one SET updatedAt = :now',
          ConditionExpression: 'attribute_exists(PK) AND tries < :max AND validUntil > :now',
          ExpressionAttributeValues: { ':one': 1, ':max': maxTries, ':now': now },
          ReturnValues: 'ALL_OLD',
        }),
      );
      const f = fields(out.Attributes ?? {}, `Otp ${appId} ${memberId}`);
      return { codeHash: f.str('codeHash'), channel: f.oneOf('channel', OTP_CHANNELS), tries: f.int('tries'), createdAt: f.str('createdAt'), expiresAt: f.str('validUntil') };
    } catch (err) {
      if (isConditionFailed(err)) return undefined;
      throw err;
    }
  },

  /** A code works once: delete it, conditioned on it being the one just checked. */
  async consume(appId: string, memberId: number, codeHash: string): Promise<boolean> {
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: tableName(),
          Key: keys.otp(appId, memberId),
          UpdateExpression: 'SET validUntil = :gone',
          ConditionExpression: 'codeHash = :h AND validUntil > :gone',
          ExpressionAttributeValues: { ':h': codeHash, ':gone': '0' },
        }),
      );
      return true;
    } catch (err) {
      if (isConditionFailed(err)) return false;
      throw err;
    }
  },
};
