/**
 * Resolves once `check` holds, polling every `intervalMs`; fails after `timeoutMs` with the
 * message `failure()` gives, which can say what was seen instead.
 */
export async function until(
  check: () => boolean,
  {
    timeoutMs = 5_000,
    intervalMs = 10,
    failure = () => `condition not met within ${timeoutMs} ms`,
  }: { timeoutMs?: number; intervalMs?: number; failure?: () => string } = {},
): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !check();) {
    if (Date.now() > deadline) throw new Error(failure());
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
