/**
 * The web example (examples/web) in headless Chromium, against the real supergraph on loopback:
 * the page on its own origin, so CORS is the browser's, and the emulator in this process, so a
 * test can inject upstream faults and count what reached it. `npm run test:browser`.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { loadConfig } from '../../src/config';
import type { RecordedRequest } from '../../src/emulator';
import { createServer, type SubgraphServer } from '../../src/http/server';
import { SANDBOX_EXAMPLE_OPERATION } from '../../src/graphql/plugins/landing-page';
import { createLogger } from '../../src/logger';
import { PERSON_ID, UNKNOWN_PERSON_ID } from '../fixtures/customer-ids';
import {
  EXAMPLE_OPERATION,
  startSupergraph,
  type Supergraph,
} from '../federation/supergraph-stack';
import {
  ARTIFACTS_DIR,
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  SANDBOX_CDN,
  SANDBOX_STUB,
  type SandboxConfig,
} from './browser';

jest.setTimeout(60_000);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let supergraph: Supergraph;
let browser: Browser;
/** Attempts the subgraph makes for one call: a fault must last this many to reach the page. */
let attempts: number;

beforeAll(async () => {
  supergraph = await startSupergraph({ web: true });
  attempts = supergraph.subgraph.upstream.retryPolicy.maxRetries + 1;
  browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await supergraph?.close();
});

beforeEach(() => supergraph.emulator.reset());

/** What a test gets: a fresh browser context and its page, on the web example. */
interface PageUnderTest {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors a test expects (any other fails it). */
  allowConsoleError(pattern: RegExp): void;
}

/**
 * A test in a fresh browser context. Any console error or uncaught page error fails it, except
 * a favicon 404 and those the test allows; a failing test leaves a screenshot in
 * test/browser/artifacts/.
 */
function browserTest(name: string, body: (t: PageUnderTest) => Promise<void>): void {
  it(name, async () => {
    const context = await browser.newContext();
    const errors: string[] = [];
    const allowed: RegExp[] = [];
    context.on('console', (message) => {
      if (message.type() !== 'error') return;
      const text = `${message.text()} (${message.location().url})`;
      if (/favicon\.ico/.test(text) || allowed.some((pattern) => pattern.test(text))) return;
      errors.push(text);
    });
    context.on('weberror', (error) => errors.push(String(error.error())));
    const page = await context.newPage();
    try {
      await body({ context, page, allowConsoleError: (pattern) => allowed.push(pattern) });
      expect(errors).toEqual([]);
    } catch (error) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const file = join(ARTIFACTS_DIR, `${name.replace(/[^a-z0-9]+/gi, '-')}.png`);
      await page.screenshot({ path: file, fullPage: true }).catch(() => undefined);
      throw error;
    } finally {
      await context.close();
    }
  });
}

/** Opens the page and waits for the language picker to be filled. */
async function openPage(page: Page): Promise<void> {
  await page.goto(supergraph.webUrl as string);
  await page.locator('select[name="language"]:not([disabled])').waitFor();
}

interface FormInput {
  readonly token?: string;
  readonly personId?: string;
  readonly language?: string;
}

async function fillForm(
  page: Page,
  { token = 'dev-token', personId = PERSON_ID, language = 'FR_CA' }: FormInput = {},
) {
  await page.fill('input[name="token"]', token);
  await page.fill('input[name="customerId"]', personId);
  await page.selectOption('select[name="language"]', language);
}

const startButton = (page: Page) => page.getByRole('button', { name: 'Start verification' });

/** The problem the page shows: its code, text and request id. */
async function shownProblem(page: Page) {
  const alert = page.locator('.problem');
  await alert.waitFor();
  return {
    code: await alert.getAttribute('data-code'),
    text: await alert.innerText(),
    requestId: await page.getByTestId('request-id').innerText(),
  };
}

/** The session the page shows: its state and link. */
async function shownSession(page: Page) {
  await page.locator('.session').waitFor();
  const link = page.getByRole('link', { name: 'Open the verification' });
  return {
    state: await page.getByTestId('state').innerText(),
    href: await link.getAttribute('href'),
    target: await link.getAttribute('target'),
  };
}

/** The session requests that reached the emulator. */
function sessionRequests(): readonly RecordedRequest[] {
  return supergraph.emulator.requests.filter((request) => request.method === 'POST');
}

const keysSent = () => sessionRequests().map((request) => request.headers['idempotency-key']);

describe('the web example, through the gateway, in Chromium', () => {
  browserTest('fills the language picker with the 49 languages by name', async ({ page }) => {
    await openPage(page);
    const options = page.locator('select[name="language"] option');
    await expect(options.count()).resolves.toBe(49);
    expect(await options.allInnerTexts()).toContain('English (United States)');
    await expect(page.locator('select[name="language"]').inputValue()).resolves.toBe('EN_US');
  });

  browserTest('starts a verification and shows its state and link', async ({ context, page }) => {
    await openPage(page);
    await fillForm(page);
    await startButton(page).click();

    const session = await shownSession(page);
    expect(session.state).toBe('PENDING');
    expect(session.href).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/session\/\S+$/);
    expect(session.target).toBe('_blank');
    expect(supergraph.emulator.sessionsCreated).toBe(1);
    const [request] = sessionRequests();
    expect(request?.headers['idempotency-key']).toMatch(UUID);
    expect(request?.headers.authorization).toBe('Bearer dev-token');
    expect(request?.json).toMatchObject({ person_id: PERSON_ID, language: 'FR-CA' });

    // The link opens the session in a new tab.
    const [opened] = await Promise.all([
      context.waitForEvent('page'),
      page.getByRole('link', { name: 'Open the verification' }).click(),
    ]);
    await opened.waitForLoadState();
    expect(opened.url()).toBe(session.href);
  });

  browserTest(
    'UNAUTHENTICATED without a token: what to do, and the request id',
    async ({ page }) => {
      await openPage(page);
      await fillForm(page, { token: '' });
      await startButton(page).click();

      const problem = await shownProblem(page);
      expect(problem.code).toBe('UNAUTHENTICATED');
      expect(problem.text).toContain('Check the access token');
      expect(problem.requestId).toMatch(UUID);
      expect(sessionRequests()).toHaveLength(0);
    },
  );

  browserTest('NOT_FOUND for an unknown person, with the id the upstream saw', async ({ page }) => {
    await openPage(page);
    await fillForm(page, { personId: UNKNOWN_PERSON_ID });
    await startButton(page).click();

    const problem = await shownProblem(page);
    expect(problem.code).toBe('NOT_FOUND');
    expect(problem.text).toContain('Check the id');
    // The id support gets is the one in the subgraph's logs and the upstream's request.
    expect(problem.requestId).toBe(sessionRequests()[0]?.headers['x-request-id']);
  });

  browserTest('BAD_USER_INPUT for an id that is not a UUID, saying which', async ({ page }) => {
    await openPage(page);
    await fillForm(page, { personId: 'not-a-uuid' });
    await startButton(page).click();

    const problem = await shownProblem(page);
    expect(problem.code).toBe('BAD_USER_INPUT');
    expect(problem.text).toContain('Correct it');
    expect(problem.text).toContain('personId');
    expect(problem.requestId).toMatch(UUID);
    expect(sessionRequests()).toHaveLength(0);
  });

  for (const [code, status, advice] of [
    ['UPSTREAM_UNAVAILABLE', 503, 'not answering'],
    ['RATE_LIMITED', 429, 'Wait a minute'],
  ] as const) {
    browserTest(
      `${code} (upstream ${status}), then a retry with the same key`,
      async ({ page }) => {
        supergraph.emulator.injectFault(
          { kind: 'respond', status, headers: { 'retry-after': '0' } },
          attempts,
        );
        await openPage(page);
        await fillForm(page);
        await startButton(page).click();

        const problem = await shownProblem(page);
        expect(problem.code).toBe(code);
        expect(problem.text).toContain(advice);
        expect(problem.text).toContain('will not start a second verification');
        expect(problem.requestId).toBe(sessionRequests()[0]?.headers['x-request-id']);

        await startButton(page).click();
        await shownSession(page);
        const keys = keysSent();
        expect(keys).toHaveLength(attempts + 1);
        expect(new Set(keys).size).toBe(1);
        expect(supergraph.emulator.sessionsCreated).toBe(1);
      },
    );
  }

  browserTest('FORBIDDEN (upstream 403): ask for access', async ({ page }) => {
    supergraph.emulator.injectFault({ kind: 'respond', status: 403 }, 1);
    await openPage(page);
    await fillForm(page);
    await startButton(page).click();

    const problem = await shownProblem(page);
    expect(problem.code).toBe('FORBIDDEN');
    expect(problem.text).toContain('Ask your administrator');
    expect(problem.requestId).toBe(sessionRequests()[0]?.headers['x-request-id']);
  });

  browserTest('UPSTREAM_BAD_RESPONSE (a 201 without a session): call support', async ({ page }) => {
    supergraph.emulator.injectFault(
      { kind: 'respond', status: 201, headers: { 'content-type': 'application/json' }, body: '{}' },
      1,
    );
    await openPage(page);
    await fillForm(page);
    await startButton(page).click();

    const problem = await shownProblem(page);
    expect(problem.code).toBe('UPSTREAM_BAD_RESPONSE');
    expect(problem.text).toContain('Contact support with the request id');
    expect(problem.requestId).toBe(sessionRequests()[0]?.headers['x-request-id']);
  });

  browserTest(
    'IDEMPOTENCY_CONFLICT (upstream 409, still processing): the next try keeps the key, one session',
    async ({ page }) => {
      supergraph.emulator.injectFault({ kind: 'respond', status: 409 }, 1);
      await openPage(page);
      await fillForm(page);
      await startButton(page).click();

      const problem = await shownProblem(page);
      expect(problem.code).toBe('IDEMPOTENCY_CONFLICT');
      expect(problem.text).toContain('still being processed');

      await startButton(page).click();
      await shownSession(page);
      const [conflicted, retried] = keysSent();
      expect(retried).toBe(conflicted);
      expect(supergraph.emulator.sessionsCreated).toBe(1);
    },
  );

  browserTest('a lost upstream answer, retried: the same key, one session', async ({ page }) => {
    // Each attempt creates the session (the first) or finds it (the retries), then the
    // connection drops: the subgraph gives up with UPSTREAM_UNAVAILABLE.
    supergraph.emulator.injectFault({ kind: 'reset-after' }, attempts);
    await openPage(page);
    await fillForm(page);
    await startButton(page).click();
    expect((await shownProblem(page)).code).toBe('UPSTREAM_UNAVAILABLE');
    expect(supergraph.emulator.sessionsCreated).toBe(1);

    await startButton(page).click();
    expect((await shownSession(page)).state).toBe('PENDING');
    expect(new Set(keysSent()).size).toBe(1);
    expect(supergraph.emulator.sessionsCreated).toBe(1);
  });

  browserTest(
    'an answer lost on the way to the browser, retried: the same key, one session',
    async ({ page, allowConsoleError }) => {
      allowConsoleError(/net::ERR_FAILED/);
      let lost = 0;
      // The gateway does the work, then the browser never gets the answer (a dropped
      // connection, a proxy timing out).
      await page.route(`${supergraph.url}**`, async (route) => {
        const request = route.request();
        if (request.method() === 'POST' && request.postData()?.includes('StartVerification')) {
          if (lost++ === 0) {
            await route.fetch();
            await route.abort('failed');
            return;
          }
        }
        await route.continue();
      });
      await openPage(page);
      await fillForm(page);
      await startButton(page).click();

      const problem = await shownProblem(page);
      expect(problem.code).toBe('NETWORK');
      expect(problem.text).toContain('Check your connection');
      // No answer, so the id is the one the page sent: the server logged it.
      expect(problem.requestId).toBe(sessionRequests()[0]?.headers['x-request-id']);
      expect(supergraph.emulator.sessionsCreated).toBe(1);

      await startButton(page).click();
      await shownSession(page);
      const keys = keysSent();
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
      expect(supergraph.emulator.sessionsCreated).toBe(1);
    },
  );

  browserTest('a new key when the input changes, and only then', async ({ page }) => {
    await openPage(page);
    await fillForm(page);
    await startButton(page).click();
    await shownSession(page);
    await startButton(page).click();
    await page.locator('.session').waitFor();
    await page.selectOption('select[name="language"]', 'DE_DE');
    await startButton(page).click();
    await shownSession(page);

    const [first, same, changed] = keysSent();
    expect(same).toBe(first);
    expect(changed).not.toBe(first);
    expect(changed).toMatch(UUID);
    expect(supergraph.emulator.sessionsCreated).toBe(2);
  });

  browserTest('a double click sends one mutation', async ({ page }) => {
    // A slow upstream: the second click lands while the first call is in flight.
    supergraph.emulator.injectFault({ kind: 'delay', ms: 500 }, 2);
    const mutations: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.postData()?.includes('StartVerification')) {
        mutations.push(request.url());
      }
    });
    await openPage(page);
    await fillForm(page);
    await startButton(page).dblclick();
    await shownSession(page);
    // Two clicks in one task, before React can render the disabled button: only the guard
    // stops the second.
    await fillForm(page, { language: 'DE_DE' });
    await page.evaluate(() => {
      const button = document.querySelector<HTMLButtonElement>('button[type="submit"]');
      button?.click();
      button?.click();
    });
    await page.waitForFunction(() => document.querySelector('button[type="submit"]:disabled'));
    await startButton(page).waitFor();

    expect(mutations).toHaveLength(2);
    expect(sessionRequests()).toHaveLength(2);
    expect(supergraph.emulator.sessionsCreated).toBe(2);
  });
});

describe('Apollo Sandbox, as a browser loads it (Apollo CDN stubbed)', () => {
  let realUpstream: SubgraphServer;
  let realUpstreamUrl: string;

  beforeAll(async () => {
    // A subgraph not told its upstream is the emulator: as with a real Synctera.
    realUpstream = await createServer({
      config: loadConfig({ SYNCTERA_BASE_URL: supergraph.emulator.url }),
      logger: createLogger('silent'),
    });
    realUpstreamUrl = await realUpstream.listen(0, '127.0.0.1');
  });

  afterAll(() => realUpstream?.close());

  /** Loads `url` as a browser's page and returns what EmbeddedSandbox was configured with. */
  async function sandboxConfig(page: Page, url: string): Promise<SandboxConfig> {
    // The machine has no way out: Apollo's CDN gets the stub, everything else off loopback an
    // empty answer (fonts, the icon, the manifest).
    await page.route(
      (target) => target.hostname !== '127.0.0.1',
      (route) => {
        const target = route.request().url();
        if (target.startsWith(SANDBOX_CDN)) {
          return route.fulfill({ contentType: 'text/javascript', body: SANDBOX_STUB });
        }
        if (target.includes('manifest.json')) {
          return route.fulfill({ contentType: 'application/manifest+json', body: '{}' });
        }
        return route.fulfill({ status: 204 });
      },
    );
    await page.goto(url);
    await page.waitForFunction(() => 'sandboxConfig' in window);
    return page.evaluate(
      () => (window as unknown as { sandboxConfig: SandboxConfig }).sandboxConfig,
    );
  }

  browserTest(
    'the subgraph, with the emulator: the example operation, and any bearer token',
    async ({ page }) => {
      const config = await sandboxConfig(page, supergraph.subgraphUrl);
      expect(config.initialEndpoint).toBe(supergraph.subgraphUrl);
      expect(config.endpointIsEditable).toBe(false);
      expect(config.initialState.document).toBe(readFileSync(SANDBOX_EXAMPLE_OPERATION, 'utf8'));
      expect(config.initialState.variables).toEqual({ personId: PERSON_ID, language: 'EN_US' });
      expect(config.initialState.headers?.Authorization).toMatch(/^Bearer <any token/);
      expect(config.initialState.headers?.Authorization).not.toContain('Synctera API key');
      expect(config.initialState.headers?.['Idempotency-Key']).toContain('same one for a retry');
    },
  );

  browserTest('the subgraph, with a real upstream: the Synctera API key', async ({ page }) => {
    const config = await sandboxConfig(page, realUpstreamUrl);
    expect(config.initialEndpoint).toBe(realUpstreamUrl);
    expect(config.initialState.headers?.Authorization).toBe('Bearer <your Synctera API key>');
  });

  browserTest('the gateway: the cross-subgraph example and any bearer token', async ({ page }) => {
    const config = await sandboxConfig(page, supergraph.url);
    expect(config.initialEndpoint).toBe(supergraph.url);
    expect(config.initialState.document).toBe(EXAMPLE_OPERATION);
    expect(config.initialState.variables).toEqual({ personId: PERSON_ID });
    expect(config.initialState.headers?.Authorization).toMatch(/^Bearer <any token/);
  });
});
