import { setTimeout as sleep } from 'node:timers/promises';
import DataLoader from 'dataloader';
import type { Dispatcher } from 'undici';
import type { Span } from '@opentelemetry/api';
import type { UpstreamAuthorization } from './authorization';
import {
  ContractError,
  IdempotencyConflictError,
  UnauthenticatedError,
  UpstreamBadResponseError,
  UpstreamUnavailableError,
} from '../verification/errors';
import { errorFromUpstreamStatus } from './upstream-errors';
import type { Telemetry, TraceHeaders } from '../telemetry/telemetry';
import type { AttemptFailure } from '../telemetry/metrics';
import type { CreateDocumentVerificationSessionInput } from '../verification/create-document-verification-session.input';
import type {
  CreateDocumentVerificationSessionPayload,
  DocumentVerificationSession,
} from '../verification/document-verification-session.type';
import { type AttemptOutcome, delayBeforeRetry, isInProgress, retryReason } from './retry-policy';
import { CredentialScanner } from './credentials';
import { headerText } from '../utils/headers';
import { exchange } from './exchange';
import { quotable } from './upstream-text';
import { MAX_RESPONSE_BYTES, type Upstream } from './upstream';
import {
  InvalidUpstreamAnswer,
  MismatchedUpstreamAnswer,
  type SessionRequestBody,
  toDocumentVerificationSession,
  toSessionRequestBody,
  toUpstreamProblem,
} from './wire';

/** Longest upstream `X-Request-Id` passed on. */
const MAX_UPSTREAM_REQUEST_ID = 200;

/** What the data source of one GraphQL request needs; `upstream` is shared by every request. */
interface SyncteraClientOptions {
  readonly upstream: Upstream;
  readonly authorization: UpstreamAuthorization;
  /** Forwarded as `X-Request-Id`. */
  readonly requestId: string;
  /** Aborts when the caller has gone: no new attempt and no backoff wait after that. */
  readonly callerGone?: AbortSignal;
  readonly telemetry?: Telemetry;
  /** The caller's W3C trace context, sent upstream unchanged when no attempt span is made. */
  readonly traceHeaders?: TraceHeaders;
}

interface SessionCall {
  readonly authorization: string;
  /**
   * The scanner of the credential sent, made when an answer is read and dropped right after: a
   * long token's scanner is large, and must not be held by every call waiting for the upstream.
   */
  readonly credential: () => CredentialScanner;
  readonly idempotencyKey: string;
  readonly body: SessionRequestBody;
  readonly json: string;
}

/** One attempt as it ended: what the log line, the metrics and the span all read. */
interface AttemptRecord {
  readonly attempt: number;
  /** The pool the attempt went out on. */
  readonly dispatcher: Dispatcher;
  readonly outcome: AttemptOutcome;
  readonly durationMs: number;
  readonly span: Span | undefined;
  /** Null without an answer. */
  readonly status: number | null;
  /** Undefined without an answer or past {@link MAX_RESPONSE_BYTES}. */
  readonly text?: string;
  /** The answer's `X-Request-Id`, not yet fit to quote. */
  readonly upstreamRequestId?: string;
  /** Why there was no answer, redacted, and as a metrics label. */
  readonly failure?: string;
  readonly failureKind?: AttemptFailure;
  /** A 2xx's session once checked, or why it could not be used. */
  readonly session?: DocumentVerificationSession;
  readonly invalid?: InvalidUpstreamAnswer;
}

/**
 * The upstream data source of one GraphQL request. Identical calls (same key and body) inside one
 * operation share one upstream call; one key used with two bodies is refused before it leaves.
 */
export class SyncteraClient {
  /** The loader's cache, by `${idempotencyKey}\n${json}`: also where a key's earlier use is found. */
  private readonly calls = new Map<string, Promise<CreateDocumentVerificationSessionPayload>>();
  private readonly loader = new DataLoader<
    SessionCall,
    CreateDocumentVerificationSessionPayload,
    string
  >((calls) => Promise.all(calls.map((call) => this.send(call).catch((error: Error) => error))), {
    cacheKeyFn: callKey,
    cacheMap: this.calls,
  });

  constructor(private readonly options: SyncteraClientOptions) {}

  /** Creates a session upstream (or joins an identical call already made in this operation). */
  createDocumentVerificationSession(
    input: CreateDocumentVerificationSessionInput,
    idempotencyKey: string,
  ): Promise<CreateDocumentVerificationSessionPayload> {
    const { authorization, upstream } = this.options;
    if (!authorization.ok) throw new UnauthenticatedError(authorization.refusal);
    const body = toSessionRequestBody(input);
    const call: SessionCall = {
      authorization: authorization.header,
      credential: () => upstream.apiKeyScanner ?? new CredentialScanner(authorization.credential),
      idempotencyKey,
      body,
      json: JSON.stringify(body),
    };
    const key = callKey(call);
    for (const earlier of this.calls.keys()) {
      if (earlier !== key && earlier.startsWith(`${idempotencyKey}\n`)) {
        throw new IdempotencyConflictError(
          `The idempotency key "${idempotencyKey}" is used for two different inputs in this operation: give each field its own idempotencyKey.`,
        );
      }
    }
    return this.loader.load(call);
  }

  /**
   * Attempts until an outcome is final, within the upstream budget (retry-policy.ts). Every
   * attempt carries the same Idempotency-Key, and every error names it. When the caller has
   * left, the attempt in flight still runs to its own deadline (the POST may already have
   * created a session) but nothing more is sent.
   */
  private async send(call: SessionCall): Promise<CreateDocumentVerificationSessionPayload> {
    const { upstream, callerGone } = this.options;
    let afterUnanswered = false;
    for (let attempt = 1; ; attempt++) {
      const record = await this.attempt(call, attempt, afterUnanswered);
      const delayMs = delayBeforeRetry(upstream.retryPolicy, record.outcome, attempt);
      this.report(record, delayMs);
      if (record.outcome.kind === 'stray-answer') {
        upstream.logger.warn(
          { requestId: this.options.requestId, attempt },
          'upstream answer belongs to another request: connections replaced',
        );
        upstream.replaceConnections(record.dispatcher);
      }
      if (callerGone?.aborted) return this.afterCallerLeft(record, call);
      if (delayMs === undefined) {
        try {
          return this.settle(record, call);
        } catch (error) {
          throw error instanceof ContractError
            ? error.withIdempotencyKey(call.idempotencyKey)
            : error;
        }
      }
      // Our POST may have reached Synctera and its answer been lost (no answer, someone else's, a
      // gateway's 502/504 in front of Synctera): a 409 now means it is still being processed.
      const { outcome } = record;
      afterUnanswered ||=
        outcome.kind !== 'response' || outcome.status === 502 || outcome.status === 504;
      await sleep(delayMs, undefined, { signal: callerGone }).catch(() => undefined);
      if (callerGone?.aborted) throw this.abandoned(call, { attempt: attempt + 1 });
    }
  }

  /** One POST, its answer read and, for a 2xx, checked against what was asked. */
  private async attempt(
    call: SessionCall,
    attempt: number,
    afterUnanswered: boolean,
  ): Promise<AttemptRecord> {
    const { upstream, requestId, telemetry, traceHeaders } = this.options;
    const started = performance.now();
    const span = telemetry?.startAttempt(attempt);
    const { dispatcher } = upstream;
    const ended = () => ({ attempt, span, dispatcher, durationMs: performance.now() - started });
    let answer;
    try {
      answer = await exchange(
        dispatcher,
        {
          path: upstream.path,
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
        upstream.timeoutMs,
      );
    } catch (error) {
      return {
        ...ended(),
        outcome: { kind: 'network-error' },
        status: null,
        ...attemptFailure(error, upstream.timeoutMs, call.credential()),
      };
    }
    const { status, text } = answer;
    const answered = {
      ...ended(),
      status,
      text,
      upstreamRequestId: headerText(answer.headers['x-request-id']),
    };
    const response: AttemptOutcome = {
      kind: 'response',
      status,
      retryAfter: headerText(answer.headers['retry-after']),
      afterUnanswered,
    };
    if (status < 200 || status > 299) return { ...answered, outcome: response };
    try {
      if (text === undefined) {
        throw new InvalidUpstreamAnswer(
          `Synctera answered with more than ${MAX_RESPONSE_BYTES} bytes.`,
        );
      }
      const session = toDocumentVerificationSession(text, call.body, call.credential());
      return { ...answered, outcome: response, session };
    } catch (error) {
      if (error instanceof MismatchedUpstreamAnswer) {
        return { ...answered, outcome: { kind: 'stray-answer' }, invalid: error };
      }
      if (error instanceof InvalidUpstreamAnswer) {
        return { ...answered, outcome: response, invalid: error };
      }
      throw error;
    }
  }

  /** The attempt's log line, metrics and span, from one record. */
  private report(record: AttemptRecord, delayMs: number | undefined): void {
    const { attempt, outcome, status, durationMs } = record;
    const reason = delayMs === undefined ? undefined : retryReason(outcome);
    this.options.telemetry?.endAttempt(
      record.span,
      status === null ? { failure: record.failureKind ?? 'network_error' } : { status },
      durationMs / 1000,
      reason,
    );
    this.options.upstream.logger.info(
      {
        requestId: this.options.requestId,
        attempt,
        status,
        durationMs: Math.round(durationMs),
        failure: record.failure ?? null,
        retryReason: reason ?? null,
        retryInMs: delayMs ?? null,
      },
      'upstream attempt',
    );
  }

  /**
   * The caller has gone. A session its last attempt created is logged with its key and id (a
   * generated key is known to nobody else) and counted; otherwise one line says the call was
   * abandoned. A caller that leaves is no upstream failure.
   */
  private afterCallerLeft(
    record: AttemptRecord,
    call: SessionCall,
  ): CreateDocumentVerificationSessionPayload {
    const { session } = record;
    if (session === undefined)
      throw this.abandoned(call, { attempt: record.attempt, status: record.status });
    this.options.upstream.logger.info(
      {
        requestId: this.options.requestId,
        idempotencyKey: call.idempotencyKey,
        sessionId: session.sessionId,
        attempt: record.attempt,
      },
      'session created for a caller that left',
    );
    this.options.telemetry?.sessionCreated();
    return { session, idempotencyKey: call.idempotencyKey };
  }

  /** Logs that no further attempt will be sent; the error is for nobody (the caller has gone). */
  private abandoned(call: SessionCall, figures: Record<string, unknown>): Error {
    this.options.upstream.logger.info(
      { requestId: this.options.requestId, idempotencyKey: call.idempotencyKey, ...figures },
      'upstream call abandoned: the caller disconnected',
    );
    return new UpstreamUnavailableError(
      'The caller disconnected before Synctera answered: retry with the same idempotency key.',
      { status: null, type: null, code: null, requestId: null },
    );
  }

  /** The field's result from its last attempt: the session, or the contract's error. */
  private settle(
    record: AttemptRecord,
    call: SessionCall,
  ): CreateDocumentVerificationSessionPayload {
    const { outcome, attempt } = record;
    if (outcome.kind === 'network-error') {
      this.warnUnavailable(record.failure ?? 'no answer', attempt);
      throw new UpstreamUnavailableError(
        `Could not get an answer from Synctera (${record.failure}) after ${attempt} attempt(s): try again later with the same idempotency key.`,
        { status: null, type: null, code: null, requestId: null },
      );
    }
    if (record.session !== undefined) {
      this.options.telemetry?.sessionCreated();
      return { session: record.session, idempotencyKey: call.idempotencyKey };
    }
    const credential = call.credential();
    // The answer's X-Request-Id, made fit to quote (a created session does not carry it).
    const { upstreamRequestId } = record;
    const upstreamInfo = {
      status: record.status,
      type: null,
      code: null,
      requestId:
        upstreamRequestId === undefined
          ? null
          : quotable(upstreamRequestId, credential, MAX_UPSTREAM_REQUEST_ID) || null,
    };
    if (record.invalid !== undefined) {
      throw new UpstreamBadResponseError(record.invalid.message, upstreamInfo);
    }
    const status = record.status ?? 0;
    const problem = toUpstreamProblem(record.text ?? '', credential);
    if (isInProgress(outcome)) {
      this.warnUnavailable('HTTP 409: still processing an earlier attempt', attempt);
      throw new UpstreamUnavailableError(
        `Synctera is still processing an earlier attempt with this idempotency key (HTTP 409) after ${attempt} attempt(s): retry later with the same idempotency key.`,
        { ...upstreamInfo, type: problem.type, code: problem.code },
      );
    }
    const error = errorFromUpstreamStatus(status, problem, upstreamInfo.requestId);
    if (error instanceof UpstreamUnavailableError) this.warnUnavailable(`HTTP ${status}`, attempt);
    throw error;
  }

  /** The one line that says why a call ended UPSTREAM_UNAVAILABLE. */
  private warnUnavailable(reason: string, attempts: number): void {
    this.options.upstream.logger.warn(
      { requestId: this.options.requestId, attempts, reason },
      'upstream unavailable',
    );
  }
}

/** A key never holds a line break (idempotency-key.ts), so the key ends at the first one. */
function callKey(call: SessionCall): string {
  return `${call.idempotencyKey}\n${call.json}`;
}

/**
 * Why an attempt got no answer, the one mapping that the log line, the error message, the
 * metrics and the span all read: its kind, and a short reason, the error code (`ECONNREFUSED`)
 * with undici's words when the code alone says little (`UND_ERR_SOCKET: other side closed`),
 * redacted. Duck-typed: DOMException and errors from other realms fail `instanceof Error`.
 */
function attemptFailure(
  error: unknown,
  timeoutMs: number,
  credential: CredentialScanner,
): { failure: string; failureKind: AttemptFailure } {
  const { name, code, message } = (error ?? {}) as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
  };
  if (name === 'TimeoutError') {
    return { failure: `no answer within ${timeoutMs} ms`, failureKind: 'timeout' };
  }
  const words = typeof message === 'string' && message !== '' ? message : undefined;
  let reason: string;
  if (typeof code !== 'string') reason = words ?? 'unknown network error';
  else reason = code.startsWith('UND_ERR_') && words !== undefined ? `${code}: ${words}` : code;
  return { failure: quotable(reason, credential), failureKind: 'network_error' };
}
