/** The label value standing for every value past the limit, or of the wrong shape. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * Label values a caller can influence, bounded: the first `maxValues` distinct values matching
 * `pattern` are kept, any other is {@link OTHER_LABEL_VALUE}. A Prometheus series lives until
 * the process exits: an unbounded label would be a leak any caller could drive.
 */
export class BoundedLabel {
  private readonly values = new Set<string>();

  constructor(
    private readonly pattern: RegExp,
    private readonly maxValues: number,
  ) {}

  of(value: string): string {
    if (this.values.has(value)) return value;
    if (this.values.size >= this.maxValues || !this.pattern.test(value)) return OTHER_LABEL_VALUE;
    this.values.add(value);
    return value;
  }
}

/** Label value of a request whose body names no operation. */
export const ANONYMOUS_OPERATION = 'anonymous';

/**
 * The `operation_name` label: one of `known` (the committed operations' names), `anonymous`, or
 * `other`; a fixed set, so made-up names cannot push a real one out. A router's subgraph
 * operation, `<name>__<subgraph>__<n>`, counts as `<name>`.
 */
export function operationNameLabel(known: ReadonlySet<string>): (operationName: unknown) => string {
  const names = [...known];
  return (operationName) => {
    if (operationName === undefined || operationName === null) return ANONYMOUS_OPERATION;
    if (typeof operationName !== 'string') return OTHER_LABEL_VALUE;
    if (known.has(operationName)) return operationName;
    const planned = names.find(
      (name) =>
        operationName.startsWith(`${name}__`) &&
        ROUTER_SUFFIX.test(operationName.slice(name.length)),
    );
    return planned ?? OTHER_LABEL_VALUE;
  };
}

/** What a router appends to the client's operation name: `__<subgraph>__<n>`. */
const ROUTER_SUFFIX = /^__[_0-9A-Za-z-]{1,100}__\d{1,5}$/;

/** Upstream statuses kept as they are: those the contract and the retries tell apart. */
const KNOWN_STATUSES = new Set([200, 201, 400, 401, 403, 404, 409, 422, 429, 500, 502, 503, 504]);

/** The `status` label of an upstream answer: a known status, else its class (`4xx`), else `other`. */
export function upstreamStatusLabel(status: number): string {
  if (KNOWN_STATUSES.has(status)) return String(status);
  if (Number.isInteger(status) && status >= 100 && status <= 599) {
    return `${Math.floor(status / 100)}xx`;
  }
  return OTHER_LABEL_VALUE;
}
