/** Typed outcomes of conditional writes: callers branch on these, never on SDK error names. */
export class ConditionFailedError extends Error {
  constructor(
    message: string,
    readonly item?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ConditionFailedError';
  }
}

/** An item that must be unique already exists (idempotency keys, names). */
export class AlreadyExistsError extends ConditionFailedError {
  override name = 'AlreadyExistsError';
}

/** A debit would take an account below zero. */
export class InsufficientFundsError extends ConditionFailedError {
  override name = 'InsufficientFundsError';
  constructor(
    message: string,
    readonly account: string,
  ) {
    super(message);
  }
}

/** Concurrent transactions kept colliding on the same items after our retries. */
export class ContentionError extends Error {
  override name = 'ContentionError';
}

/** The SDK's failed-condition error (outside transactions; transactions go through transact.ts). */
export const isConditionFailed = (err: unknown) => (err as Error | undefined)?.name === 'ConditionalCheckFailedException';

