import {
  type DocumentNode,
  getOperationAST,
  GraphQLError,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';
import type { OperationRules } from './operation-rules';

/** Options of {@link PreparedMutations}. */
export interface PreparedMutationsOptions {
  /** The very rules Apollo Server is given. */
  readonly rules: OperationRules;
  /** Most mutations kept, and most refused texts remembered; the oldest goes beyond it. */
  readonly maxEntries?: number;
  /** Longest query text kept, in characters; longer ones are never prepared. */
  readonly maxQueryLength?: number;
}

const DEFAULT_MAX_ENTRIES = 500;
const DEFAULT_MAX_QUERY_LENGTH = 20_000;

/**
 * Mutation documents parsed and validated once, by query text, with the parser options and
 * validation rules Apollo Server applies. A query text that is not exactly one valid mutation
 * (for the given operation name) is remembered as such: it always goes to Apollo Server, which
 * answers queries and every kind of refusal.
 */
export class PreparedMutations {
  /** The valid mutations, and apart from them the texts that are not: a caller sending ever new
   * texts fills only the second, never evicting the mutations real clients send. */
  private readonly documents = new Map<string, DocumentNode>();
  private readonly refused = new Set<string>();
  private readonly rules: readonly ValidationRule[];
  private readonly maxEntries: number;
  private readonly maxQueryLength: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: PreparedMutationsOptions,
  ) {
    const { rules } = options;
    // Apollo's order: graphql-js's rules, its introspection rule, then the server's own.
    this.rules = [
      ...specifiedRules,
      ...(rules.introspection ? [] : [noIntrospection]),
      ...rules.validationRules,
    ];
    this.maxEntries = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    this.maxQueryLength = options.maxQueryLength ?? DEFAULT_MAX_QUERY_LENGTH;
  }

  /** The valid mutation document for `query`, or undefined when Apollo Server must handle it. */
  get(query: string, operationName: string | undefined): DocumentNode | undefined {
    if (query.length > this.maxQueryLength) return undefined;
    // Unambiguous: the name's length tells where it ends.
    const key =
      operationName === undefined
        ? `:${query}`
        : `${operationName.length}:${operationName}:${query}`;
    const known = this.documents.get(key);
    if (known !== undefined || this.refused.has(key)) return known;
    const document = this.prepare(query, operationName);
    if (document === null) {
      makeRoom(this.refused, this.maxEntries);
      this.refused.add(key);
      return undefined;
    }
    makeRoom(this.documents, this.maxEntries);
    this.documents.set(key, document);
    return document;
  }

  private prepare(query: string, operationName: string | undefined): DocumentNode | null {
    let document: DocumentNode;
    try {
      document = parse(query, this.options.rules.parseOptions);
    } catch {
      return null;
    }
    if (validate(this.schema, document, this.rules).length > 0) return null;
    return getOperationAST(document, operationName)?.operation === 'mutation' ? document : null;
  }
}

/** Drops the oldest key of `entries` (a Map or a Set, in insertion order) when it holds `max`. */
function makeRoom(entries: Map<string, unknown> | Set<string>, max: number): void {
  if (entries.size >= max) entries.delete(entries.keys().next().value as string);
}

/**
 * Apollo Server's rule when introspection is off (not exported by it): `__schema` or `__type`
 * anywhere in the document, even in an operation other than the mutation that would run, makes
 * the whole document invalid. The message is never shown: such a document goes to Apollo.
 */
const noIntrospection: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === '__schema' || node.name.value === '__type') {
      context.reportError(new GraphQLError('Introspection is off.', { nodes: node }));
    }
  },
});
