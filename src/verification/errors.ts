import { GraphQLError } from 'graphql';

/** The error codes of docs/contract.md. */
export const ERROR_CODES = [
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'IDEMPOTENCY_CONFLICT',
  'RATE_LIMITED',
  'UPSTREAM_UNAVAILABLE',
  'UPSTREAM_BAD_RESPONSE',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** Never the token, never the body. `requestId` is the upstream's, for Synctera's support. */
export interface UpstreamErrorInfo {
  readonly status: number | null;
  readonly type: string | null;
  readonly code: string | null;
  readonly requestId: string | null;
}

/** Base of every error raised on purpose. */
export class ContractError extends GraphQLError {
  constructor(
    message: string,
    readonly code: ErrorCode,
    readonly upstream?: UpstreamErrorInfo,
  ) {
    super(message, { extensions: upstream ? { code, upstream } : { code } });
  }

  /** A caller retrying with the key sent upstream never creates a second session. */
  withIdempotencyKey(key: string): this {
    this.extensions.idempotencyKey = key;
    return this;
  }
}

function errorClass(code: ErrorCode) {
  return class extends ContractError {
    constructor(message: string, upstream?: UpstreamErrorInfo) {
      super(message, code, upstream);
    }
  };
}

/** Missing or malformed Authorization, or upstream 401. */
export class UnauthenticatedError extends errorClass('UNAUTHENTICATED') {}
/** Upstream 403: the credentials are valid but may not do this. */
export class ForbiddenError extends errorClass('FORBIDDEN') {}
/** Input refused here (no upstream call) or by the upstream (400/422). */
export class BadUserInputError extends errorClass('BAD_USER_INPUT') {}
/** Upstream 404: no such person or business. */
export class NotFoundError extends errorClass('NOT_FOUND') {}
/** Upstream 409, or one Idempotency-Key used for two different bodies in one operation. */
export class IdempotencyConflictError extends errorClass('IDEMPOTENCY_CONFLICT') {}
/** Upstream 429 that outlived the retries. */
export class RateLimitedError extends errorClass('RATE_LIMITED') {}
/** Upstream 5xx, network error or timeout that outlived the retries. */
export class UpstreamUnavailableError extends errorClass('UPSTREAM_UNAVAILABLE') {}
/** The upstream answered, but with something this contract cannot turn into a session. */
export class UpstreamBadResponseError extends errorClass('UPSTREAM_BAD_RESPONSE') {}
