/**
 * Domain errors: a failure in the product's own words (`pin_locked`, `claim_expired`), with no HTTP in it.
 * Each domain names its failures in one union type (its catalog) and throws them through its `fail`; each
 * API family answers every failure it can meet through one table (lib/http/error-tables.ts) that gives the
 * status and the code on the wire. A failure no table answers does not compile.
 */
export class DomainError<Code extends string = string> extends Error {
  constructor(
    readonly code: Code,
    message: string,
    /** error_data on the wire: named values, or a list (the contract's Coinbase errors answer `[]`). */
    readonly details?: Record<string, unknown> | readonly unknown[],
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** A domain's thrower, typed by its catalog: `const fail = failWith<CardFailure>()`. */
export const failWith =
  <Code extends string>() =>
  (code: Code, message: string, details?: Record<string, unknown> | readonly unknown[]) =>
    new DomainError<Code>(code, message, details);

/** Whether `err` is one of the failures named (for callers that answer some failures themselves). */
export const isFailure = <Code extends string>(err: unknown, ...codes: Code[]): err is DomainError<Code> =>
  err instanceof DomainError && (codes.length === 0 || codes.includes(err.code as Code));
