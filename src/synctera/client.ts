import { setTimeout as sleep } from 'node:timers/promises';
import DataLoader from 'dataloader';
import type { Dispatcher } from 'undici';
import type { UpstreamAuthorization } from './authorization';
import {
  IdempotencyConflictError,
  UnauthenticatedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../verification/errors';
import { errorFromUpstreamStatus } from './upstream-errors';
import type { Logger } from '../logger';
import type { Span } from '@opentelemetry/api';
import {
  failureOf,
  type TraceHeaders,
  type UpstreamTelemetry,
} from '../telemetry/upstream-telemetry';
import type { CreateDocumentVerificationSessionInput } from '../verification/create-document-verification-session.input';
import type { CreateDocumentVerificationSessionPayload } from '../verification/document-verification-session.type';
import {
  type AttemptOutcome,
  delayBeforeRetry,
  retryReason,
  type RetryPolicy,
} from './retry-policy';
import { CredentialScanner } from './credentials';
import { headerText } from '../utils/headers';
import { exchange } from './exchange';
import { quotable } from './upstream-text';
import {
  InvalidUpstreamAnswer,
  type SessionRequestBody,
  toDocumentVerificationSession,
  toSessionRequestBody,
  toUpstreamProblem,
} from './wire';

/** Largest upstream body read; a real session answer is a few hundred bytes. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** Longest upstream `X-Request-Id` passed on. */
const MAX_UPSTREAM_REQUEST_ID = 200;

/** What one data source needs; shared parts (pool, policy, logger) are created once per server. */
export interface SyncteraClientOptions {
  /** Keep-alive connection pool to the upstream origin, shared by every request. */
  readonly dispatcher: Dispatcher;
  /** Request path on that origin, base path included (e.g. `/v0/verifications/…`). */
  readonly path: string;
  /** Budget of one attempt, headers and body included. */
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  /** With a server key, its scanner, made once per server rather than once per request. */
  readonly serverKeyScanner?: CredentialScanner;
  /** This request's upstream credentials, or why it has none. */
  readonly authorization: UpstreamAuthorization;
  /** Forwarded as `X-Request-Id`. */
  readonly requestId: string;
  readonly logger: Logger;
  /** Aborts when the caller has gone: no new attempt, no backoff wait, and the attempt in flight is abandoned. */
  readonly callerGone?: AbortSignal;
  /** Metrics and spans of the attempts. */
  readonly telemetry?: UpstreamTelemetry;
  /** The caller's W3C trace context, sent upstream unchanged when no attempt span is made. */
  readonly traceHeaders?: TraceHeaders;
}

interface SessionCall {
  readonly authorization: string;
  /** The credential inside `authorization`, to keep out of everything the upstream sends back. */
  readonly credential: CredentialScanner;
  readonly idempotencyKey: string;
  readonly body: SessionRequestBody;
  readonly json: string;
}

/**
 * The upstream data source of one GraphQL request. Identical calls (same key and body) inside one
 * operation share one upstream call; one key used with two bodies is refused before it leaves.
 */
export class SyncteraClient {
  private readonly bodiesByKey = new Map<string, string>();
  private credential: CredentialScanner | undefined;
  private readonly loader = new DataLoader<
    SessionCall,
    CreateDocumentVerificationSessionPayload,
    string
  >((calls) => Promise.all(calls.map((call) => this.send(call).catch((error: Error) => error))), {
    cacheKeyFn: (call) => `${call.idempotencyKey}\n${call.json}`,
  });

  constructor(private readonly options: SyncteraClientOptions) {}

  /** Creates a session upstream (or joins an identical call already made in this operation). */
  createDocumentVerificationSession(
    input: CreateDocumentVerificationSessionInput,
    idempotencyKey: string,
  ): Promise<CreateDocumentVerificationSessionPayload> {
    const { authorization } = this.options;
    if (!authorization.ok) throw new UnauthenticatedError(authorization.refusal);
    this.credential ??=
      this.options.serverKeyScanner ?? new CredentialScanner(authorization.credential);
    const body = toSessionRequestBody(input);
    const json = JSON.stringify(body);
    const earlier = this.bodiesByKey.get(idempotencyKey);
    if (earlier !== undefined && earlier !== json) {
      throw new IdempotencyConflictError(
        `The idempotency key "${idempotencyKey}" is used for two different inputs in this operation: give each field its own idempotencyKey.`,
      );
    }
    this.bodiesByKey.set(idempotencyKey, json);
    return this.loader.load({
      authorization: authorization.header,
      credential: this.credential,
      idempotencyKey,
      body,
      json,
    });
  }

  /**
   * Attempts until an outcome is final. The whole call is bounded by `upstreamBudgetMs` (retry-policy.ts):
   * each attempt by its deadline (`timeoutMs`, the answer's body included), each wait by the
   * policy's caps, the attempts by `maxRetries`. When the caller disconnects, nothing more is
   * sent and the attempt in flight is abandoned: every attempt carries the same Idempotency-Key,
   * so a session it may have created is returned when the caller retries.
   */
  private async send(call: SessionCall): Promise<CreateDocumentVerificationSessionPayload> {
    const { retryPolicy, logger, requestId, callerGone, telemetry } = this.options;
    for (let attempt = 1; ; attempt++) {
      const started = performance.now();
      const span = telemetry?.startAttempt(attempt);
      const result = await this.attempt(call, span);
      const outcome = result.outcome;
      const durationMs = performance.now() - started;
      const delayMs = delayBeforeRetry(retryPolicy, outcome, attempt);
      telemetry?.endAttempt(span, {
        attempt,
        end:
          outcome.kind === 'response'
            ? outcome
            : { failure: result.failureKind ?? 'network_error' },
        seconds: durationMs / 1000,
        retryReason: delayMs === undefined ? undefined : retryReason(outcome),
      });
      const status = outcome.kind === 'response' ? outcome.status : null;
      const roundedMs = Math.round(durationMs);
      const failure = result.failure ?? null;
      if (callerGone?.aborted) {
        this.abandon({ requestId, attempt, status, durationMs: roundedMs, failure });
      }
      logger.info(
        {
          requestId,
          attempt,
          status,
          durationMs: roundedMs,
          failure,
          retryReason: delayMs === undefined ? null : retryReason(outcome),
          retryInMs: delayMs ?? null,
        },
        'upstream attempt',
      );
      if (delayMs === undefined) {
        const payload = this.settle(result, call, attempt);
        telemetry?.sessionCreated();
        return payload;
      }
      await sleep(delayMs, undefined, { signal: callerGone }).catch(() => undefined);
      // A caller gone during the wait: the next attempt is never sent.
      if (callerGone?.aborted) this.abandon({ requestId, attempt: attempt + 1 });
    }
  }

  /**
   * Once the caller has disconnected: one info line (the attempt's own figures, when it has just
   * ended), and an error nobody will read. A caller that leaves is no upstream failure.
   */
  private abandon(fields: {
    readonly requestId: string;
    readonly attempt: number;
    readonly [figure: string]: unknown;
  }): never {
    this.options.logger.info(fields, 'upstream call abandoned: the caller disconnected');
    throw new UpstreamUnavailableError(
      'The caller disconnected before Synctera answered: retry with the same idempotency key.',
      { status: null, type: null, code: null, requestId: null },
    );
  }

  private async attempt(call: SessionCall, span: Span | undefined): Promise<AttemptResult> {
    const { dispatcher, path, timeoutMs, requestId, callerGone, telemetry, traceHeaders } =
      this.options;
    try {
      const answer = await exchange(
        dispatcher,
        {
          method: 'POST',
          path,
          headers: {
            authorization: call.authorization,
            'idempotency-key': call.idempotencyKey,
            'x-request-id': requestId,
            'content-type': 'application/json',
            accept: 'application/json, application/problem+json',
            ...(telemetry ? telemetry.headers(span, traceHeaders) : traceHeaders),
          },
          body: call.json,
        },
        { timeoutMs, maxBodyBytes: MAX_RESPONSE_BYTES, signal: callerGone },
      );
      return {
        outcome: {
          kind: 'response',
          status: answer.status,
          retryAfter: headerText(answer.headers['retry-after']),
        },
        text: answer.text,
        upstreamRequestId: headerText(answer.headers['x-request-id']),
      };
    } catch (error) {
      return {
        outcome: { kind: 'network-error' },
        failure: quotable(describeFailure(error, timeoutMs), call.credential),
        failureKind: failureOf(error),
      };
    }
  }

  private settle(
    result: AttemptResult,
    call: SessionCall,
    attempts: number,
  ): CreateDocumentVerificationSessionPayload {
    const { outcome } = result;
    if (outcome.kind === 'network-error') {
      this.warnUnavailable(result.failure ?? 'no answer', attempts);
      throw new UpstreamUnavailableError(
        `Could not get an answer from Synctera (${result.failure}) after ${attempts} attempt(s): try again later with the same idempotency key.`,
        { status: null, type: null, code: null, requestId: null },
      );
    }
    const { text } = result;
    if (outcome.status < 200 || outcome.status > 299) {
      const problem = toUpstreamProblem(text ?? '', call.credential);
      const error = errorFromUpstreamStatus(
        outcome.status,
        problem,
        quotedRequestId(result, call.credential),
      );
      if (error instanceof UpstreamUnavailableError) {
        this.warnUnavailable(`HTTP ${outcome.status}`, attempts);
      }
      throw error;
    }
    try {
      if (text === undefined) {
        throw new InvalidUpstreamAnswer(
          `Synctera answered with more than ${MAX_RESPONSE_BYTES} bytes.`,
        );
      }
      return {
        session: toDocumentVerificationSession(text, call.body, call.credential),
        idempotencyKey: call.idempotencyKey,
      };
    } catch (error) {
      if (!(error instanceof InvalidUpstreamAnswer)) throw error;
      throw new UpstreamBadResponseError(error.message, {
        status: outcome.status,
        type: null,
        code: null,
        requestId: quotedRequestId(result, call.credential),
      });
    }
  }

  /** The one line that says why a call ended UPSTREAM_UNAVAILABLE. */
  private warnUnavailable(reason: string, attempts: number): void {
    this.options.logger.warn(
      { requestId: this.options.requestId, attempts, reason },
      'upstream unavailable',
    );
  }
}

/** One attempt's outcome, with the answer's body when there was an answer. */
interface AttemptResult {
  readonly outcome: AttemptOutcome;
  /** The body; undefined without an answer or when larger than {@link MAX_RESPONSE_BYTES}. */
  readonly text?: string;
  /** The answer's `X-Request-Id`, as it came (not yet fit to quote). */
  readonly upstreamRequestId?: string;
  /** Why there was no answer (quotable: the credential redacted). */
  readonly failure?: string;
  /** The same, as a metrics label. */
  readonly failureKind?: ReturnType<typeof failureOf>;
}

/** The answer's `X-Request-Id` made fit to quote in an error (a created session does not carry it). */
function quotedRequestId(result: AttemptResult, credential: CredentialScanner): string | null {
  const { upstreamRequestId } = result;
  if (upstreamRequestId === undefined) return null;
  return quotable(upstreamRequestId, credential, MAX_UPSTREAM_REQUEST_ID) || null;
}

/** A short reason for a failed attempt: the error code (`ECONNREFUSED`), with undici's words
 * when the code alone says little (`UND_ERR_SOCKET: other side closed`). Duck-typed:
 * DOMException and errors from other realms (undici's timeout reason, test sandboxes) fail
 * `instanceof Error`. */
function describeFailure(error: unknown, timeoutMs: number): string {
  const { code, message } = (error ?? {}) as {
    code?: unknown;
    message?: unknown;
  };
  const kind = failureOf(error);
  if (kind === 'timeout') return `no answer within ${timeoutMs} ms`;
  if (kind === 'abandoned') return 'the caller disconnected';
  const words = typeof message === 'string' && message !== '' ? message : undefined;
  if (typeof code !== 'string') return words ?? 'unknown network error';
  return code.startsWith('UND_ERR_') && words !== undefined ? `${code}: ${words}` : code;
}
