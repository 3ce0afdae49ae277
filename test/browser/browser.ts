/** Chromium as this machine runs it, and the stand-in for Apollo's Sandbox CDN. */
import { join } from 'node:path';

/** Debian's Chromium unless CHROMIUM_PATH names another. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and nothing that reaches out: without the background-networking flags Chromium
 * keeps trying Google's hosts, which this closed network refuses. `--no-sandbox` because CI runs
 * as root, where Chromium's sandbox cannot start.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** Screenshots of failed tests (git-ignored). */
export const ARTIFACTS_DIR = join(__dirname, 'artifacts');

/** Where Apollo Server's landing page loads Sandbox from. */
export const SANDBOX_CDN = 'https://embeddable-sandbox.cdn.apollographql.com/';

/**
 * Stands in for Sandbox's script: keeps the options the landing page constructs EmbeddedSandbox
 * with, for the test to read, instead of drawing Sandbox.
 */
export const SANDBOX_STUB = `window.EmbeddedSandbox = function (options) {
  window.sandboxConfig = JSON.parse(JSON.stringify(options));
};`;

/** The EmbeddedSandbox options a test reads. */
export interface SandboxConfig {
  readonly initialEndpoint: string;
  readonly endpointIsEditable: boolean;
  readonly initialState: {
    readonly document?: string;
    readonly variables?: Record<string, unknown>;
    readonly headers?: Record<string, string>;
  };
}
