import {
  BadUserInputError,
  ContractError,
  ForbiddenError,
  IdempotencyConflictError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
  type UpstreamErrorInfo,
} from '../verification/errors';

/** The parts of an RFC 7807 problem that are safe to pass on. */
export interface UpstreamProblem {
  readonly type: string | null;
  readonly code: string | null;
  readonly detail: string | null;
}

/**
 * Turns an upstream non-2xx answer into the contract's error. The upstream `detail` becomes the
 * message only for 400, 404, 409 and 422, where it tells the caller what to fix.
 */
export function errorFromUpstreamStatus(
  status: number,
  problem: UpstreamProblem,
  requestId: string | null,
): ContractError {
  const upstream: UpstreamErrorInfo = { status, type: problem.type, code: problem.code, requestId };
  const detailOr = (fallback: string) => problem.detail ?? fallback;
  switch (status) {
    case 400:
    case 422:
      return new BadUserInputError(
        detailOr(`Synctera refused the request as invalid (HTTP ${status}).`),
        upstream,
      );
    case 401:
      return new UnauthenticatedError(
        'Synctera rejected the credentials (HTTP 401): check that the bearer token is valid for this environment.',
        upstream,
      );
    case 403:
      return new ForbiddenError(
        'Synctera refused this operation for these credentials (HTTP 403).',
        upstream,
      );
    case 404:
      return new NotFoundError(detailOr('No such person or business (HTTP 404).'), upstream);
    case 409:
      return new IdempotencyConflictError(
        detailOr(
          'Synctera reports a conflict for this Idempotency-Key (HTTP 409): use a new key for a different request.',
        ),
        upstream,
      );
    case 429:
      return new RateLimitedError(
        'Synctera is rate limiting these credentials (HTTP 429) and the retries ran out: try again later with the same idempotency key.',
        upstream,
      );
  }
  if (status >= 500) {
    return new UpstreamUnavailableError(
      `Synctera is unavailable (HTTP ${status}) and the retries ran out: try again later with the same idempotency key.`,
      upstream,
    );
  }
  return new UpstreamBadResponseError(
    `Synctera answered with an unexpected HTTP status ${status}.`,
    upstream,
  );
}
