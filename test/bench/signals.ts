/** Clean exit on SIGTERM/SIGINT for the benchmark's own servers (so `--cpu-prof` is written). */
export function stopOnSignals(stop: () => Promise<void>): void {
  const exit = () => void stop().finally(() => process.exit(0));
  process.once('SIGTERM', exit);
  process.once('SIGINT', exit);
}
