/**
 * RFC 7807 problem documents, shaped like the upstream's: `{ type, title, status, detail, code? }`
 * served as `application/problem+json`. Each status has one `type` URI.
 */
import { type Reply, jsonReply } from './http-io';

/** Media type of every error the emulator answers with. */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** An RFC 7807 problem document. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code?: string;
}

const ERRORS_BASE = 'https://api.synctera.com/errors/';

const KINDS = {
  400: { slug: 'bad-request', title: 'Bad Request' },
  401: { slug: 'unauthorized', title: 'Unauthorized' },
  404: { slug: 'not-found', title: 'Not Found' },
  405: { slug: 'method-not-allowed', title: 'Method Not Allowed' },
  409: { slug: 'conflict', title: 'Conflict' },
  413: { slug: 'payload-too-large', title: 'Payload Too Large' },
  500: { slug: 'internal-server-error', title: 'Internal Server Error' },
} as const;

/** The statuses the emulator answers problems with on its own. */
export type ProblemStatus = keyof typeof KINDS;

/** The `type` URI used for problems of `status`. */
function problemType(status: ProblemStatus): string {
  return ERRORS_BASE + KINDS[status].slug;
}

/** Builds a problem document; `code` is the upstream's optional machine code. */
export function problem(status: ProblemStatus, detail: string, code?: string): Problem {
  return {
    type: problemType(status),
    title: KINDS[status].title,
    status,
    detail,
    ...(code === undefined ? {} : { code }),
  };
}

/** A reply carrying `problem` as `application/problem+json`, plus any extra headers. */
export function problemReply(doc: Problem, headers: Record<string, string> = {}): Reply {
  return jsonReply(doc.status, doc, { 'content-type': PROBLEM_CONTENT_TYPE, ...headers });
}
