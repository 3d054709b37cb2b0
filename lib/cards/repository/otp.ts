/**
 * Member one-time codes (one live code per app and member), and the budgets that limit them: codes sent per
 * member and per app per UTC hour and day, wrong codes per member per UTC day. `validUntil` is the ISO
 * deadline of a code; `expiresAt` is the table's TTL attribute (epoch seconds), an hour after it.
 */
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, tableName } from '../../db/client.js';
import { budgetGiveBack, budgetTake, windowBudget, type Budget } from '../../db/counters.js';
import { AlreadyExistsError, ConditionFailedError } from '../../db/errors.js';
import { fields } from '../../db/item.js';
import * as keys from '../../db/keys.js';
import { transactWrite } from '../../db/transact.js';

const OTP_CHANNELS = ['email', 'phone'] as const;

export interface Otp {
  codeHash: string;
  channel: (typeof OTP_CHANNELS)[number];
  tries: number;
  createdAt: string;
  expiresAt: string;
}

export type OtpSendCap = 'member_per_day' | 'member_per_hour' | 'app_per_day' | 'app_per_hour';

/** A budget and when its window ends (what a refusal tells the caller). */
export interface WindowBudget {
  budget: Budget;
  limit: number;
  resetsAt: string;
}

/** A send cap is reached: no code was stored or sent. */
export class OtpSendCapError extends ConditionFailedError {
  override name = 'OtpSendCapError';
  constructor(
    readonly cap: OtpSendCap,
    readonly limit: number,
    readonly resetsAt: string,
  ) {
    super(`OTP send cap ${cap} (${limit}) reached until ${resetsAt}`);
  }
}

/** The previous code was sent less than the minimum interval ago. */
export class OtpTooSoonError extends AlreadyExistsError {
  override name = 'OtpTooSoonError';
  constructor(readonly resetsAt: string | undefined) {
    super('a code was sent moments ago');
  }
}

/** The member's wrong codes for the day are used up. */
export class OtpFailuresExhaustedError extends ConditionFailedError {
  override name = 'OtpFailuresExhaustedError';
  constructor(
    readonly limit: number,
    readonly resetsAt: string,
  ) {
    super(`${limit} wrong codes today: verification refused until ${resetsAt}`);
  }
}

/** No live code with tries left (expired, used, used up, or replaced by a newer one). */
export class OtpUnavailableError extends ConditionFailedError {
  override name = 'OtpUnavailableError';
}

/** A cap of the window of `now` (one use per call). */
function capBudget(size: 'hour' | 'day', now: Date, key: (window: string) => { PK: string; SK: string }, limit: number): WindowBudget {
  const budget = windowBudget(size, now, key, 1, limit);
  return { budget, limit, resetsAt: budget.resetsAt };
}

export const otpRepo = {
  /**
   * Stores a new code, replacing the previous one but not within `minIntervalMs` of it, in one transaction
   * with one use of each send cap: a refused code spends no cap, and no code is sent beyond a cap. Too soon
   * fails with OtpTooSoonError; else a cap reached fails with the first of `caps` in the order given (OtpSendCapError);
   * a member out of wrong codes for the day gets no code it could not use (OtpFailuresExhaustedError).
   */
  async put(appId: string, memberId: number, otp: Otp, minIntervalMs: number, caps: Record<OtpSendCap, number>, failures: WindowBudget): Promise<void> {
    const now = new Date(otp.createdAt);
    const notBefore = new Date(now.getTime() - minIntervalMs).toISOString();
    const { expiresAt, ...rest } = otp;
    const windows: Record<OtpSendCap, WindowBudget> = {
      member_per_day: capBudget('day', now, (w) => keys.otpMemberSendBudget(appId, memberId, 'day', w), caps.member_per_day),
      member_per_hour: capBudget('hour', now, (w) => keys.otpMemberSendBudget(appId, memberId, 'hour', w), caps.member_per_hour),
      app_per_day: capBudget('day', now, (w) => keys.otpAppSendBudget(appId, 'day', w), caps.app_per_day),
      app_per_hour: capBudget('hour', now, (w) => keys.otpAppSendBudget(appId, 'hour', w), caps.app_per_hour),
    };
    await transactWrite([
      {
        item: {
          Put: {
            TableName: tableName(),
            Item: { ...keys.otp(appId, memberId), type: 'Otp', ...rest, validUntil: expiresAt, expiresAt: Math.ceil(Date.parse(expiresAt) / 1000) + 3600, updatedAt: otp.createdAt },
            ConditionExpression: 'attribute_not_exists(PK) OR createdAt < :notBefore',
            ExpressionAttributeValues: { ':notBefore': notBefore },
            ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
          },
        },
        onConditionFailed: (previous) => {
          const sent = typeof previous?.createdAt === 'string' ? Date.parse(previous.createdAt) : NaN;
          return new OtpTooSoonError(Number.isNaN(sent) ? undefined : new Date(sent + minIntervalMs).toISOString());
        },
      },
      ...(Object.keys(caps) as OtpSendCap[]).map((cap) => {
        const w = windows[cap];
        return { item: budgetTake(w.budget), onConditionFailed: () => new OtpSendCapError(cap, w.limit, w.resetsAt) };
      }),
      {
        item: {
          ConditionCheck: {
            TableName: tableName(),
            Key: failures.budget.key,
            ConditionExpression: 'attribute_not_exists(n) OR n < :max',
            ExpressionAttributeValues: { ':max': failures.limit },
          },
        },
        onConditionFailed: () => new OtpFailuresExhaustedError(failures.limit, failures.resetsAt),
      },
    ]);
  },

  /** The member's current code, live or not. */
  async get(appId: string, memberId: number): Promise<Otp | undefined> {
    const out = await ddb().send(new GetCommand({ TableName: tableName(), Key: keys.otp(appId, memberId), ConsistentRead: true }));
    if (!out.Item) return undefined;
    const f = fields(out.Item, `Otp ${appId} ${memberId}`);
    return { codeHash: f.str('codeHash'), channel: f.oneOf('channel', OTP_CHANNELS), tries: f.int('tries'), createdAt: f.str('createdAt'), expiresAt: f.str('validUntil') };
  },

  /** The member's wrong-code budget of the UTC day of `now`. */
  failureBudget(appId: string, memberId: number, now: Date, maxPerDay: number): WindowBudget {
    return capBudget('day', now, (w) => keys.otpFailureBudget(appId, memberId, w), maxPerDay);
  },

  /**
   * Before a code is compared: takes one try of the code `codeHash` (live, tries left) and reserves one wrong
   * code from the member's daily budget, in one transaction, so parallel guesses exceed neither. A correct
   * code gives the reservation back (`consume`). Fails with OtpFailuresExhaustedError first, else OtpUnavailableError.
   */
  async takeTry(appId: string, memberId: number, codeHash: string, maxTries: number, failures: WindowBudget, now: string): Promise<void> {
    await transactWrite([
      { item: budgetTake(failures.budget), onConditionFailed: () => new OtpFailuresExhaustedError(failures.limit, failures.resetsAt) },
      {
        item: {
          Update: {
            TableName: tableName(),
            Key: keys.otp(appId, memberId),
            UpdateExpression: 'ADD tries :one SET updatedAt = :now',
            ConditionExpression: 'codeHash = :h AND tries < :max AND validUntil > :now',
            ExpressionAttributeValues: { ':one': 1, ':h': codeHash, ':max': maxTries, ':now': now },
          },
        },
        onConditionFailed: () => new OtpUnavailableError('no live code with tries left'),
      },
    ]);
  },

  /** A code works once: spends it (conditioned on it being the one just checked) and gives back the wrong-code reservation. */
  async consume(appId: string, memberId: number, codeHash: string, failures: WindowBudget): Promise<boolean> {
    try {
      await transactWrite([
        {
          item: {
            Update: {
              TableName: tableName(),
              Key: keys.otp(appId, memberId),
              UpdateExpression: 'SET validUntil = :gone',
              ConditionExpression: 'codeHash = :h AND validUntil > :gone',
              ExpressionAttributeValues: { ':h': codeHash, ':gone': '0' },
            },
          },
          onConditionFailed: () => new OtpUnavailableError('the code was already used'),
        },
        { item: budgetGiveBack(failures.budget) },
      ]);
      return true;
    } catch (err) {
      if (err instanceof OtpUnavailableError) return false;
      throw err;
    }
  },
};
