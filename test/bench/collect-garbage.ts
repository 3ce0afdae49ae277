/**
 * Preloaded into the subgraph by the benchmark (`node --expose-gc --require`). On SIGUSR2 it runs
 * a full garbage collection, then writes {@link COLLECTED} and the heap's used bytes to stderr.
 * The benchmark reads the subgraph's RSS after that (and a pause for V8 to hand the freed pages
 * back), so both memory figures are taken at the same point of V8's collection cycle. Under load, the old generation
 * grows by tens of MiB of garbage before each collection, and an instant reading lands anywhere
 * on that sawtooth.
 */

/** The line written once the collection is done. */
export const COLLECTED = 'bench: garbage collected';

const { gc } = globalThis as { gc?: () => void };

// Only where gc is exposed: the benchmark's own process imports COLLECTED, and keeps SIGUSR2.
if (gc !== undefined) {
  process.on('SIGUSR2', () => {
    // Two collections: what a finalizer or a weak reference kept is freed by the second one.
    gc();
    gc();
    process.stderr.write(`${COLLECTED} ${process.memoryUsage().heapUsed}\n`);
  });
}
