import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getIntrospectionQuery, parse, print } from 'graphql';
import { createDocumentStore, documentBytes } from '../../src/graphql/document-store';
import { CreateSessionDocument } from '../generated/graphql';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** Documents of the shapes that cost the most memory for their text, and the usual ones. */
const SHAPES: Record<string, (i: number) => string> = {
  'empty comment lines': (i) => `# ${i}\n{ __typename }\n${'#\n'.repeat(8000)}`,
  'one long comment': (i) => `# ${i} ${'x'.repeat(16_000)}\n{ __typename }`,
  'many selections': (i) =>
    `mutation M${i} { createDocumentVerificationSession(input: { customer: { personId: "p" } }) ` +
    `{ idempotencyKey ${'__typename '.repeat(700)} } }`,
  'long aliases': (i) =>
    `{ ${Array.from({ length: 500 }, (_, j) => `a${i}_${j}_a_rather_long_alias: __typename`).join(' ')} }`,
  'the create-session operation': (i) => `# ${i}\n${print(CreateSessionDocument)}`,
  "Sandbox's introspection query": (i) =>
    `# ${i}\n${getIntrospectionQuery({ inputValueDeprecation: true, oneOf: true })}`,
  'non-Latin-1 text': (i) => `# ${i} ${'€'.repeat(8_000)}\n{ __typename }`,
};

/**
 * Collects garbage until the heap stops shrinking: one collection may leave garbage a second one
 * frees (weak references, code compiled for earlier tests), which would read as negative growth.
 */
function settledHeap(): number {
  let used = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 10; round += 1) {
    gc();
    const now = process.memoryUsage().heapUsed;
    if (now > used - 64 * 1024) return now;
    used = now;
  }
  return used;
}

/** The heap growth, per document, of keeping `count` documents parsed from `text(i)`. */
function heapPerDocument(text: (i: number) => string, count: number): number {
  const texts = Array.from({ length: count }, (_, i) => text(i));
  const before = settledHeap();
  const kept = texts.map((source) => parse(source));
  texts.length = 0;
  const after = settledHeap();
  expect(kept).toHaveLength(count);
  return (after - before) / count;
}

/** The median of three measurements, so that one disturbed by the rest of the process is left out. */
function medianHeapPerDocument(text: (i: number) => string, count: number): number {
  const runs = [0, 1, 2].map(() => heapPerDocument(text, count)).sort((a, b) => a - b);
  return runs[1] as number;
}

describe('documentBytes', () => {
  it.each(Object.keys(SHAPES))(
    'is at least what a parsed document holds on the heap, and not far above: %s',
    (shape) => {
      const text = SHAPES[shape] as (i: number) => string;
      const estimate = documentBytes(parse(text(0)));
      const measured = medianHeapPerDocument(text, 200);
      expect(estimate).toBeGreaterThanOrEqual(measured);
      expect(estimate).toBeLessThan(2.5 * measured);
    },
  );

  it("counts the source text, which the document's JSON leaves out", () => {
    const small = documentBytes(parse('{ __typename }'));
    const commented = documentBytes(parse(`# ${'x'.repeat(100_000)}\n{ __typename }`));
    expect(commented - small).toBeGreaterThanOrEqual(100_000);
  });
});

describe('createDocumentStore', () => {
  const document = (i: number) => parse(`# ${i} ${'x'.repeat(10_000)}\n{ __typename }`);
  const bytes = documentBytes(document(0));

  it('keeps what it holds within its bytes, evicting the least recently used first', async () => {
    const store = createDocumentStore(3 * bytes);
    await store.set('a', document(1));
    await store.set('b', document(2));
    await store.set('c', document(3));
    await store.get('a');
    await store.set('d', document(4));
    expect(await store.get('b')).toBeUndefined();
    for (const key of ['a', 'c', 'd']) expect(await store.get(key)).toBeDefined();
  });

  it('never keeps a document larger than the whole store', async () => {
    const store = createDocumentStore(bytes - 1);
    await store.set('a', document(1));
    expect(await store.get('a')).toBeUndefined();
  });
});
