/** The label value standing for every value past the limit, or of the wrong shape. */
export const OTHER_LABEL_VALUE = 'other';

/**
 * Label values a caller can influence, bounded: the first `maxValues` distinct values matching
 * `pattern` are kept as they are, any other one is {@link OTHER_LABEL_VALUE}. Every Prometheus
 * series lives until the process exits, so an unbounded label would be a memory leak any caller
 * could drive (and a scrape that grows without end).
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

/** A GraphQL name of at most 64 characters. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;

/** The `operation_name` label: bounded GraphQL names, `anonymous` without one. */
export function operationNameLabel(maxNames: number): (operationName: unknown) => string {
  const names = new BoundedLabel(OPERATION_NAME, maxNames);
  return (operationName) => {
    if (operationName === undefined || operationName === null) return ANONYMOUS_OPERATION;
    return typeof operationName === 'string' ? names.of(operationName) : OTHER_LABEL_VALUE;
  };
}
