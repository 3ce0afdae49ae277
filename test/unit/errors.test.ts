import { GraphQLError } from 'graphql';
import {
  BadUserInputError,
  ContractError,
  type ErrorCode,
  ForbiddenError,
  IdempotencyConflictError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../../src/verification/errors';
import { errorFromUpstreamStatus, type UpstreamProblem } from '../../src/synctera/upstream-errors';

const DETAIL = 'person_id 8b5c7f2e does not exist (detail-marker)';
const PROBLEM: UpstreamProblem = {
  type: 'https://dev.synctera.com/errors/some-problem',
  code: 'SOME_CODE',
  detail: DETAIL,
};
const EMPTY_PROBLEM: UpstreamProblem = { type: null, code: null, detail: null };
const REQUEST_ID = 'req-upstream-42';

describe('errorFromUpstreamStatus', () => {
  it.each<[number, ErrorCode, new (...args: never[]) => ContractError]>([
    [400, 'BAD_USER_INPUT', BadUserInputError],
    [401, 'UNAUTHENTICATED', UnauthenticatedError],
    [403, 'FORBIDDEN', ForbiddenError],
    [404, 'NOT_FOUND', NotFoundError],
    [409, 'IDEMPOTENCY_CONFLICT', IdempotencyConflictError],
    [422, 'BAD_USER_INPUT', BadUserInputError],
    [429, 'RATE_LIMITED', RateLimitedError],
    [500, 'UPSTREAM_UNAVAILABLE', UpstreamUnavailableError],
    [502, 'UPSTREAM_UNAVAILABLE', UpstreamUnavailableError],
    [503, 'UPSTREAM_UNAVAILABLE', UpstreamUnavailableError],
    [504, 'UPSTREAM_UNAVAILABLE', UpstreamUnavailableError],
    [418, 'UPSTREAM_BAD_RESPONSE', UpstreamBadResponseError],
    [302, 'UPSTREAM_BAD_RESPONSE', UpstreamBadResponseError],
    [405, 'UPSTREAM_BAD_RESPONSE', UpstreamBadResponseError],
    [100, 'UPSTREAM_BAD_RESPONSE', UpstreamBadResponseError],
  ])('maps HTTP %i to %s', (status, code, errorClass) => {
    const error = errorFromUpstreamStatus(status, PROBLEM, REQUEST_ID);
    expect(error).toBeInstanceOf(errorClass);
    expect(error).toBeInstanceOf(ContractError);
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.code).toBe(code);
    expect(error.extensions.code).toBe(code);
  });

  it.each([400, 401, 403, 404, 409, 422, 429, 500, 503, 418])(
    'puts exactly {status, type, code, requestId} in extensions.upstream for HTTP %i',
    (status) => {
      const error = errorFromUpstreamStatus(status, PROBLEM, REQUEST_ID);
      const expected = {
        status,
        type: PROBLEM.type,
        code: PROBLEM.code,
        requestId: REQUEST_ID,
      };
      expect(error.extensions.upstream).toStrictEqual(expected);
      expect(error.upstream).toStrictEqual(expected);
      expect(Object.keys(error.extensions).sort()).toEqual(['code', 'upstream']);
    },
  );

  it('keeps nulls in extensions.upstream when the problem and request id are unknown', () => {
    const error = errorFromUpstreamStatus(503, EMPTY_PROBLEM, null);
    expect(error.extensions.upstream).toStrictEqual({
      status: 503,
      type: null,
      code: null,
      requestId: null,
    });
  });

  it('never echoes the detail inside extensions', () => {
    for (const status of [400, 401, 404, 409, 422, 500]) {
      const error = errorFromUpstreamStatus(status, PROBLEM, REQUEST_ID);
      expect(JSON.stringify(error.extensions)).not.toContain('detail-marker');
    }
  });

  it.each([400, 404, 409, 422])('uses the upstream detail as the message for HTTP %i', (status) => {
    expect(errorFromUpstreamStatus(status, PROBLEM, REQUEST_ID).message).toBe(DETAIL);
  });

  it.each([400, 404, 409, 422])(
    'falls back to a message naming the status for HTTP %i without detail',
    (status) => {
      const message = errorFromUpstreamStatus(status, EMPTY_PROBLEM, null).message;
      expect(message).toContain(String(status));
      expect(message.length).toBeGreaterThan(10);
    },
  );

  it.each([401, 403, 429, 500, 502, 503, 504, 418, 302])(
    'does not pass the upstream detail through for HTTP %i',
    (status) => {
      const message = errorFromUpstreamStatus(status, PROBLEM, REQUEST_ID).message;
      expect(message).not.toContain('detail-marker');
      expect(message).toContain(String(status));
    },
  );
});

describe('error classes', () => {
  it.each<[ErrorCode, new (message: string) => ContractError]>([
    ['UNAUTHENTICATED', UnauthenticatedError],
    ['FORBIDDEN', ForbiddenError],
    ['BAD_USER_INPUT', BadUserInputError],
    ['NOT_FOUND', NotFoundError],
    ['IDEMPOTENCY_CONFLICT', IdempotencyConflictError],
    ['RATE_LIMITED', RateLimitedError],
    ['UPSTREAM_UNAVAILABLE', UpstreamUnavailableError],
    ['UPSTREAM_BAD_RESPONSE', UpstreamBadResponseError],
  ])('the %s class carries that literal extensions.code and no upstream', (code, ErrorClass) => {
    const error = new ErrorClass('something went wrong');
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error).toBeInstanceOf(ContractError);
    expect(error.message).toBe('something went wrong');
    expect(error.code).toBe(code);
    expect(error.extensions).toStrictEqual({ code });
    expect(error.upstream).toBeUndefined();
    expect(error.toJSON().extensions).toStrictEqual({ code });
  });

  it('classes are distinct', () => {
    expect(new NotFoundError('x')).not.toBeInstanceOf(BadUserInputError);
    expect(new BadUserInputError('x')).not.toBeInstanceOf(NotFoundError);
  });

  it('ContractError puts the upstream info beside the code', () => {
    const upstream = { status: 409, type: null, code: 'CONFLICT', requestId: 'r1' };
    const error = new ContractError('conflict', 'IDEMPOTENCY_CONFLICT', upstream);
    expect(error.extensions).toStrictEqual({ code: 'IDEMPOTENCY_CONFLICT', upstream });
  });
});
