/**
 * What went wrong, said so a person can act on it. Every contract code has its own message; the
 * request id goes with it so support can find the call in the subgraph's logs.
 */
import { CombinedGraphQLErrors, ServerError } from '@apollo/client';
import type { GraphQLFormattedError } from 'graphql';

/** An error as the page shows it. */
export interface Problem {
  /** The contract's `extensions.code`, or NETWORK / TIMEOUT when no answer came back. */
  readonly code: string;
  readonly message: string;
  /** The id to give support: the server's `extensions.requestId`, else the one the page sent. */
  readonly requestId: string;
  /** The key the upstream call was made with (`extensions.idempotencyKey`), when it was made. */
  readonly idempotencyKey: string | undefined;
  /**
   * Whether sending the same input again may succeed: the same intent, so the same key. The
   * rest need the person to change something first (a new input, so a new key) or support.
   */
  readonly retryable: boolean;
}

const RETRY_IS_SAFE = 'Press “Start verification” again: it will not start a second verification.';

/** The message and retry advice of each contract code. */
const BY_CODE: Record<string, { readonly message: string; readonly retryable: boolean }> = {
  UNAUTHENTICATED: {
    message: 'You are not signed in to the verification service. Check the access token.',
    retryable: false,
  },
  FORBIDDEN: {
    message:
      'Your access token may not start verifications for this customer. Ask your administrator for access.',
    retryable: false,
  },
  BAD_USER_INPUT: {
    message: 'Something in the form is not right. Correct it and try again.',
    retryable: false,
  },
  NOT_FOUND: {
    message: 'No person or business with this id exists. Check the id.',
    retryable: false,
  },
  IDEMPOTENCY_CONFLICT: {
    // This page makes one key per input, so a conflict on the same input means Synctera still
    // holds an unfinished request under this key: a new key would start a second session.
    message: `An earlier request with these details is still being processed. Wait a moment. ${RETRY_IS_SAFE}`,
    retryable: true,
  },
  RATE_LIMITED: {
    message: `Too many verifications were started just now. Wait a minute. ${RETRY_IS_SAFE}`,
    retryable: true,
  },
  UPSTREAM_UNAVAILABLE: {
    message: `The verification service is not answering right now. ${RETRY_IS_SAFE}`,
    retryable: true,
  },
  UPSTREAM_BAD_RESPONSE: {
    message:
      'The verification service gave an answer we cannot use. Contact support with the request id.',
    retryable: false,
  },
};

const UNEXPECTED = {
  message: 'Something went wrong on our side. Contact support with the request id.',
  retryable: false,
};

/** The page's view of an error from `useMutation`; `sentRequestId` is the X-Request-Id sent. */
export function describeError(error: unknown, sentRequestId: string): Problem {
  const graphQLError = firstGraphQLError(error);
  if (graphQLError === undefined && ServerError.is(error)) {
    // An HTTP error without a GraphQL body: a proxy or load balancer in the way, most likely.
    return {
      code: `HTTP_${error.statusCode}`,
      message: `The server could not take the request (HTTP ${error.statusCode}). ${RETRY_IS_SAFE}`,
      requestId: error.response.headers.get('x-request-id') ?? sentRequestId,
      idempotencyKey: undefined,
      retryable: true,
    };
  }
  if (graphQLError === undefined) {
    // No GraphQL answer: the request or its answer was lost (offline, a proxy, our timeout).
    // The server may have done the work, hence the same key on the retry.
    const timedOut = error instanceof DOMException && error.name === 'TimeoutError';
    return {
      code: timedOut ? 'TIMEOUT' : 'NETWORK',
      message: timedOut
        ? `The server took too long to answer. ${RETRY_IS_SAFE}`
        : `We could not reach the server. Check your connection. ${RETRY_IS_SAFE}`,
      requestId: sentRequestId,
      idempotencyKey: undefined,
      retryable: true,
    };
  }
  const extensions = graphQLError.extensions ?? {};
  const code = typeof extensions.code === 'string' ? extensions.code : 'INTERNAL_SERVER_ERROR';
  const known = BY_CODE[code] ?? UNEXPECTED;
  return {
    code,
    // For bad input the server's own message says which field, which the person needs.
    message:
      code === 'BAD_USER_INPUT' ? `${known.message} (${graphQLError.message})` : known.message,
    requestId: typeof extensions.requestId === 'string' ? extensions.requestId : sentRequestId,
    idempotencyKey:
      typeof extensions.idempotencyKey === 'string' ? extensions.idempotencyKey : undefined,
    retryable: known.retryable,
  };
}

/**
 * The first GraphQL error of an answer. Errors come back as GraphQL errors whatever the HTTP
 * status, but a non-2xx answer in plain `application/json` reaches Apollo Client as a
 * ServerError whose body still holds them.
 */
function firstGraphQLError(error: unknown): GraphQLFormattedError | undefined {
  if (CombinedGraphQLErrors.is(error)) return error.errors[0];
  if (ServerError.is(error)) {
    try {
      const body = JSON.parse(error.bodyText) as { errors?: GraphQLFormattedError[] };
      return body.errors?.[0];
    } catch {
      return undefined;
    }
  }
  return undefined;
}
