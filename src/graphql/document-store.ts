import type { DocumentStore } from '@apollo/server';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { DocumentNode, Token } from 'graphql';

/**
 * Room for the few operations real clients send many times over, and a ceiling on what callers
 * sending ever new documents can make the process keep.
 */
const DOCUMENT_STORE_BYTES = 8 * 1024 * 1024;

/**
 * Per-item costs of a parsed document on V8's heap, rounded up from what a 64-bit Node keeps
 * (test/unit/document-store.test.ts measures documents of several shapes against them).
 */
const COST = {
  /** The store's own entry and key, the parsed `Source` and the document's root. */
  entry: 2048,
  /** graphql-js links every token of the text to the document, comments too. */
  token: 96,
  /** A byte of the document's JSON, which leaves out the tokens and the source text. */
  jsonByte: 4,
} as const;

/**
 * The memory a parsed document holds, estimated from above: its source text (kept through its
 * locations, and through any name or string long enough for V8 to slice it from the text), its
 * tokens, and its nodes, counted by their JSON as Apollo Server's default store counts them.
 */
export function documentBytes(document: DocumentNode): number {
  const { loc } = document;
  let bytes = COST.entry + COST.jsonByte * Buffer.byteLength(JSON.stringify(document));
  if (loc === undefined) return bytes;
  const text = loc.source.body;
  // V8 keeps a string of Latin-1 characters at one byte a character, any other at two.
  bytes += /[\u0100-\uffff]/.test(text) ? 2 * text.length : text.length;
  for (let token: Token | null = loc.startToken; token !== null; token = token.next) {
    bytes += COST.token;
  }
  return bytes;
}

/**
 * Apollo Server's store of parsed and validated documents, bounded by {@link documentBytes}.
 * Apollo's default store counts a document by its JSON only, which leaves out the source text and
 * the tokens: documents full of comments fill memory long before they fill that count.
 */
export function createDocumentStore(maxBytes: number = DOCUMENT_STORE_BYTES): DocumentStore {
  return new InMemoryLRUCache<DocumentNode>({ maxSize: maxBytes, sizeCalculation: documentBytes });
}
