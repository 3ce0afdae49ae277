/**
 * Injected faults: validation when queued, the FIFO queue, and the pieces of their behaviour
 * that do not depend on the server (the reply of a `respond` fault, the wait of a `delay`).
 */
import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { Reply } from './http-io';
import type { EmulatorFault } from './types';

type RespondFault = Extract<EmulatorFault, { kind: 'respond' }>;

/** Throws a TypeError/RangeError when `fault` could not be applied as asked. */
function assertValidFault(fault: EmulatorFault): void {
  switch (fault.kind) {
    case 'respond':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
        throw new RangeError(
          `respond fault: status must be an integer in 200-599, got ${fault.status}`,
        );
      }
      for (const [name, value] of Object.entries(fault.headers ?? {})) {
        validateHeaderName(name);
        validateHeaderValue(name, value);
      }
      return;
    case 'delay':
      if (!Number.isFinite(fault.ms) || fault.ms < 0) {
        throw new RangeError(`delay fault: ms must be a finite number >= 0, got ${fault.ms}`);
      }
      return;
    case 'reset-before':
    case 'reset-after':
    case 'hang':
    case 'conflict-while-processing':
    case 'continue-first':
    case 'stray-answer':
      return;
    default:
      throw new TypeError(`Unknown fault kind: ${JSON.stringify(fault satisfies never)}`);
  }
}

/** Faults waiting for the next requests, consumed first in, first out. */
export class FaultQueue {
  private readonly queue: Array<{ fault: EmulatorFault; remaining: number }> = [];

  /** Queues `fault` for the next `times` requests. */
  push(fault: EmulatorFault, times = 1): void {
    if (!Number.isInteger(times) || times < 1) {
      throw new RangeError(`times must be a positive integer, got ${times}`);
    }
    assertValidFault(fault);
    this.queue.push({ fault, remaining: times });
  }

  /** The fault for the request that just arrived, if any. */
  take(): EmulatorFault | undefined {
    const head = this.queue[0];
    if (head === undefined) return undefined;
    head.remaining -= 1;
    if (head.remaining === 0) this.queue.shift();
    return head.fault;
  }
}

/** The reply a `respond` fault stands for (see `EmulatorFault` for the content type rules). */
export function respondFaultReply(fault: RespondFault): Reply {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fault.headers ?? {})) {
    const lower = name.toLowerCase();
    // The transport computes the framing itself.
    if (lower !== 'content-length' && lower !== 'transfer-encoding') headers[lower] = value;
  }
  const { body } = fault;
  if (body === undefined) return { status: fault.status, headers, body: '' };
  if (typeof body === 'string') {
    return {
      status: fault.status,
      headers: { 'content-type': 'text/plain; charset=utf-8', ...headers },
      body,
    };
  }
  const contentType = fault.status >= 400 ? 'application/problem+json' : 'application/json';
  return {
    status: fault.status,
    headers: { 'content-type': contentType, ...headers },
    body: JSON.stringify(body),
  };
}

/** Resolves after `ms`, or at once when `signal` aborts (the emulator is closing). */
export function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve();
      return;
    }
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}
