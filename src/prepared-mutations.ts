import {
  type DocumentNode,
  getOperationAST,
  type GraphQLSchema,
  parse,
  type ParseOptions,
  specifiedRules,
  validate,
  type ValidationRule,
} from 'graphql';

/** Options of {@link PreparedMutations}. */
export interface PreparedMutationsOptions {
  /** The parser options Apollo Server is given (the token limit). */
  readonly parseOptions: ParseOptions;
  /** The validation rules Apollo Server is given, besides graphql-js's specified rules. */
  readonly validationRules: readonly ValidationRule[];
  /** Most documents kept; the oldest is dropped beyond it. */
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
 * answers queries and every kind of refusal. Apollo's extra rule when introspection is off
 * (no `__schema`/`__type`) needs no copy here: those fields exist only on the query type.
 */
export class PreparedMutations {
  private readonly documents = new Map<string, DocumentNode | null>();
  private readonly rules: readonly ValidationRule[];
  private readonly maxEntries: number;
  private readonly maxQueryLength: number;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly options: PreparedMutationsOptions,
  ) {
    this.rules = [...specifiedRules, ...options.validationRules];
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
    let document = this.documents.get(key);
    if (document === undefined) {
      document = this.prepare(query, operationName);
      if (this.documents.size >= this.maxEntries) {
        this.documents.delete(this.documents.keys().next().value as string);
      }
      this.documents.set(key, document);
    }
    return document ?? undefined;
  }

  private prepare(query: string, operationName: string | undefined): DocumentNode | null {
    let document: DocumentNode;
    try {
      document = parse(query, this.options.parseOptions);
    } catch {
      return null;
    }
    if (validate(this.schema, document, this.rules).length > 0) return null;
    return getOperationAST(document, operationName)?.operation === 'mutation' ? document : null;
  }
}
