/**
 * An error as a family answers it: status, stable `code`, a message for people. Domain code never builds
 * these (it throws the failures of its catalog, lib/errors.ts); the wrapper does, for what it checks itself
 * (body, input) and from the family's table for domain failures.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export const badRequest = (message: string, details?: unknown) => new ApiError(400, 'bad_request', message, details);
