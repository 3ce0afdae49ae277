/**
 * The emulator's HTTP server: routing, recording, faults, and the lifecycle behind `Emulator`.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FaultQueue, respondFaultReply, wait } from './faults';
import { type BodyRead, type Reply, jsonReply, readBody, sendReply } from './http-io';
import { IdempotencyStore } from './idempotency-store';
import { problem, problemReply } from './problem';
import { handleSessionRequest, requestScope } from './session-endpoint';
import { renderSessionPage } from './session-page';
import type { EmulatedSession } from './sessions';
import {
  DEFAULT_SESSION_PATH,
  type Emulator,
  type EmulatorFault,
  type EmulatorOptions,
  type RecordedRequest,
} from './types';
import { parseJsonOrUndefined } from '../utils/json';

/** Largest request body accepted; a larger one is answered 413. */
export const MAX_BODY_BYTES = 1024 * 1024;

const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_BASE_PATH = '/v0';
const SESSION_PAGE = /^\/session\/([^/]+)$/;
const REQUEST_ID = /^[\x20-\x7e]{1,1024}$/;

/** Everything `reset()` forgets. */
interface State {
  readonly requests: RecordedRequest[];
  readonly faults: FaultQueue;
  readonly sessions: Map<string, EmulatedSession>;
  readonly idempotency: IdempotencyStore;
}

function freshState(): State {
  return {
    requests: [],
    faults: new FaultQueue(),
    sessions: new Map(),
    idempotency: new IdempotencyStore(),
  };
}

/**
 * Starts an emulator of Synctera's "Initiate Document Verification Session" endpoint on
 * loopback (by default) and resolves once it is listening.
 */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const emulator = new EmulatorServer(options);
  await emulator.listen(options.port ?? 0, options.host ?? DEFAULT_HOST);
  return emulator;
}

class EmulatorServer implements Emulator {
  private state = freshState();
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private readonly closing = new AbortController();
  private closed: Promise<void> | undefined;
  private origin = '';
  private readonly basePath: string;
  private readonly sessionPath: string;
  private readonly maxRecorded: number;
  private readonly latencyMs: number;

  constructor(options: EmulatorOptions) {
    // Every delayed answer waits on this signal: hundreds at once under load is expected.
    setMaxListeners(0, this.closing.signal);
    this.basePath = normalizePath(options.basePath ?? DEFAULT_BASE_PATH);
    this.sessionPath = this.basePath + normalizePath(options.sessionPath ?? DEFAULT_SESSION_PATH);
    const max = options.maxRecordedRequests;
    if (max !== undefined && (!Number.isInteger(max) || max < 0)) {
      throw new RangeError(`maxRecordedRequests must be an integer >= 0, got ${max}`);
    }
    this.maxRecorded = max ?? Number.POSITIVE_INFINITY;
    const latency = options.latencyMs ?? 0;
    if (!Number.isFinite(latency) || latency < 0) {
      throw new RangeError(`latencyMs must be a number >= 0, got ${latency}`);
    }
    this.latencyMs = latency;
    this.server = createServer((req, res) => void this.onRequest(req, res));
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  get url(): string {
    return this.origin + this.basePath;
  }

  get requests(): readonly RecordedRequest[] {
    return this.state.requests;
  }

  get sessionsCreated(): number {
    return this.state.sessions.size;
  }

  injectFault(fault: EmulatorFault, times = 1): void {
    this.state.faults.push(fault, times);
  }

  reset(): void {
    this.state = freshState();
  }

  close(): Promise<void> {
    this.closed ??= new Promise<void>((resolve) => {
      this.closing.abort();
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closed;
  }

  /** Listens on `port`/`host` and works out the origin clients reach it at. */
  listen(port: number, host: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, host, () => {
        this.server.off('error', reject);
        const address = this.server.address() as AddressInfo;
        this.origin = `http://${urlHost(address.address)}:${address.port}`;
        resolve();
      });
    });
  }

  private async onRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.on('error', () => undefined);
    const stray = strayAnswers.get(req.socket);
    if (stray !== undefined) {
      strayAnswers.delete(req.socket);
      req.socket.write(stray);
    }
    const requestId = requestIdFor(req.headers['x-request-id']);
    const send = (reply: Reply) =>
      sendReply(res, {
        ...reply,
        headers: { 'cache-control': 'no-store', 'x-request-id': requestId, ...reply.headers },
      });
    try {
      let body: BodyRead;
      try {
        body = await readBody(req, MAX_BODY_BYTES);
      } catch {
        req.socket.destroy();
        return;
      }
      const path = pathOf(req.url ?? '/');
      if (path === this.sessionPath) {
        await this.onSessionPath(req, res, body, send);
        return;
      }
      if (body.tooLarge) send(tooLarge());
      else send(this.otherRoute(req.method ?? 'GET', path));
    } catch (error) {
      if (res.headersSent) {
        req.socket.destroy();
        return;
      }
      const detail = error instanceof Error ? error.message : 'unexpected error';
      send(problemReply(problem(500, `The emulator failed: ${detail}`)));
    }
  }

  /** Steps 1 onwards: record, apply the next fault, then the endpoint (under the key's queue). */
  private async onSessionPath(
    req: IncomingMessage,
    res: ServerResponse,
    body: BodyRead,
    send: (reply: Reply) => void,
  ): Promise<void> {
    const state = this.state;
    this.record(state, req, body.text);
    const fault = state.faults.take();
    switch (fault?.kind) {
      case 'reset-before':
        req.socket.destroy();
        return;
      case 'hang':
        return;
      case 'respond':
        send(respondFaultReply(fault));
        return;
    }

    const method = req.method ?? 'GET';
    const handle = async () => {
      const pause = this.latencyMs + (fault?.kind === 'delay' ? fault.ms : 0);
      if (pause > 0) await wait(pause, this.closing.signal);
      if (this.closing.signal.aborted) {
        req.socket.destroy();
        return;
      }
      let reply: Reply;
      if (body.tooLarge) reply = tooLarge();
      else if (method !== 'POST') {
        reply = problemReply(
          problem(405, `${method} is not allowed on ${this.sessionPath}; use POST`),
          { allow: 'POST' },
        );
      } else {
        reply = handleSessionRequest(state, {
          headers: req.headers,
          body: body.text,
          origin: this.origin,
        });
      }
      if (fault?.kind === 'reset-after') {
        req.socket.destroy();
        return;
      }
      if (fault?.kind === 'continue-first') res.writeContinue();
      send(reply);
      if (fault?.kind === 'stray-answer') holdStrayCopy(res, reply);
    };
    const scope = method === 'POST' && !body.tooLarge ? requestScope(req.headers) : undefined;
    if (scope !== undefined && fault?.kind === 'conflict-while-processing') {
      if (state.idempotency.busy(scope)) {
        send(
          problemReply(
            problem(
              409,
              'A request with this Idempotency-Key is still being processed: retry later',
              'IDEMPOTENCY_KEY_IN_PROGRESS',
            ),
          ),
        );
        return;
      }
    }
    if (scope === undefined) await handle();
    else await state.idempotency.exclusive(scope, handle);
  }

  /** Routes outside the session endpoint: the health check and the session pages. */
  private otherRoute(method: string, path: string): Reply {
    const readOnly = method === 'GET' || method === 'HEAD';
    if (readOnly && path === '/health') return jsonReply(200, { status: 'ok' });
    const page = SESSION_PAGE.exec(path);
    if (readOnly && page !== null) {
      const session = this.state.sessions.get(page[1] ?? '');
      if (session === undefined) return problemReply(problem(404, 'No such session'));
      return {
        status: 200,
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'",
        },
        body: renderSessionPage(session),
      };
    }
    return problemReply(problem(404, `No route for ${method} ${path.slice(0, 200)}`));
  }

  private record(state: State, req: IncomingMessage, body: string): void {
    state.requests.push({
      method: req.method ?? '',
      path: req.url ?? '',
      headers: { ...req.headers },
      body,
      json: parseJsonOrUndefined(body),
      receivedAt: performance.now(),
    });
    const excess = state.requests.length - this.maxRecorded;
    if (excess > 0) state.requests.splice(0, excess);
  }
}

/**
 * Answers still owed on a connection by a `stray-answer` fault: written when the next request
 * arrives on it, so that request reads an answer that was not its own.
 */
const strayAnswers = new WeakMap<Socket, string>();

/** Holds a raw copy of `reply` for the next request on the same connection. */
function holdStrayCopy(res: ServerResponse, reply: Reply): void {
  const head = Object.entries({
    ...reply.headers,
    'content-length': String(Buffer.byteLength(reply.body)),
  })
    .map(([name, value]) => `${name}: ${value}\r\n`)
    .join('');
  if (res.socket !== null) {
    strayAnswers.set(res.socket, `HTTP/1.1 ${reply.status} Stray\r\n${head}\r\n${reply.body}`);
  }
}

function tooLarge(): Reply {
  return problemReply(
    problem(413, `The request body is larger than the limit of ${MAX_BODY_BYTES} bytes`),
  );
}

/** The request's X-Request-Id when it is a sensible one, else a new UUID. */
function requestIdFor(header: string | string[] | undefined): string {
  const value = Array.isArray(header) ? header[0] : header;
  return value !== undefined && REQUEST_ID.test(value) ? value : randomUUID();
}

/** The path of a request target, without query or fragment. */
function pathOf(target: string): string {
  if (target.startsWith('/')) return target.split(/[?#]/, 1)[0] ?? '/';
  try {
    return new URL(target).pathname;
  } catch {
    return target;
  }
}

/** `/x/y/` and `x/y` → `/x/y`; `/` and `` → ``. */
function normalizePath(path: string): string {
  const trimmed = path.replace(/\/+$/, '');
  return trimmed === '' || trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** The host part of a URL reaching `address`; wildcard addresses become loopback. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}
