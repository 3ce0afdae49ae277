/**
 * CLI entry: runs the emulator on its own (e.g. for benchmarks or a subgraph started elsewhere).
 *
 * Environment: `EMULATOR_PORT` (default 4010), `EMULATOR_HOST` (default 127.0.0.1),
 * `EMULATOR_BASE_PATH` (default /v0), `EMULATOR_SESSION_PATH` (default
 * /verifications/document_verification_session), `EMULATOR_MAX_RECORDED_REQUESTS` (default 1000:
 * a long-running process keeps only the latest requests), `EMULATOR_LATENCY_MS` (default 0: the
 * wait before each session request is handled). Stops on SIGINT/SIGTERM.
 */
import { startEmulator } from './emulator';

const DEFAULT_PORT = 4010;
const DEFAULT_MAX_RECORDED = 1000;

function intFromEnv(name: string, fallback: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new Error(`${name} must be an integer between 0 and ${max}, got "${raw}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const emulator = await startEmulator({
    port: intFromEnv('EMULATOR_PORT', DEFAULT_PORT, 65535),
    host: process.env.EMULATOR_HOST || '127.0.0.1',
    basePath: process.env.EMULATOR_BASE_PATH,
    sessionPath: process.env.EMULATOR_SESSION_PATH,
    maxRecordedRequests: intFromEnv(
      'EMULATOR_MAX_RECORDED_REQUESTS',
      DEFAULT_MAX_RECORDED,
      Number.MAX_SAFE_INTEGER,
    ),
    latencyMs: intFromEnv('EMULATOR_LATENCY_MS', 0, 600_000),
  });
  console.log(
    `Synctera emulator listening at ${emulator.url} (WARNING: emulated sessions are NOT real document verifications)`,
  );
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void emulator.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error('Emulator failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
