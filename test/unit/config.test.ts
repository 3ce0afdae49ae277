import { ConfigError, DEFAULT_SESSION_PATH, loadConfig } from '../../src/config';

/** Runs loadConfig and returns the ConfigError it throws (fails the test if it does not). */
function configError(env: Record<string, string | undefined>): ConfigError {
  try {
    loadConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return error as ConfigError;
  }
  throw new Error(`loadConfig accepted ${JSON.stringify(env)}`);
}

function expectRefused(variable: string, env: Record<string, string | undefined>): ConfigError {
  const error = configError(env);
  expect(error.variable).toBe(variable);
  expect(error.message.startsWith(`${variable}: `)).toBe(true);
  expect(error.name).toBe('ConfigError');
  return error;
}

describe('loadConfig defaults', () => {
  it('uses the documented defaults for an empty environment', () => {
    expect(loadConfig({})).toEqual({
      port: 4000,
      logLevel: 'info',
      production: false,
      upstream: {
        baseUrl: undefined,
        sessionPath: '/verifications/document_verification_session',
        apiKey: undefined,
        timeoutMs: 10_000,
        maxRetries: 2,
        maxConnections: 64,
        budgetMs: 40_000,
      },
      http: {
        headersTimeoutMs: 10_000,
        requestTimeoutMs: 30_000,
        keepAliveTimeoutMs: 75_000,
      },
      limits: {
        maxSessionFields: 5,
        maxDepth: 8,
        maxAliases: 15,
        maxTokens: 2000,
        maxQueryBytes: 16384,
        maxBodyBytes: 1024 * 1024,
      },
      corsOrigins: [],
      // The upstream budget (3 attempts of 10 s, 2 waits of at most 5 s) and 5 s to answer.
      shutdownGraceMs: 45_000,
      shutdownDelayMs: 5_000,
      metrics: true,
    });
    expect(DEFAULT_SESSION_PATH).toBe('/verifications/document_verification_session');
  });

  it('treats empty and blank variables as unset', () => {
    const config = loadConfig({
      PORT: '',
      LOG_LEVEL: '   ',
      SYNCTERA_BASE_URL: '',
      SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH: ' ',
      SYNCTERA_API_KEY: '',
      SYNCTERA_TIMEOUT_MS: '',
      SYNCTERA_MAX_RETRIES: '\t',
      GRAPHQL_MAX_SESSION_FIELDS: '',
      GRAPHQL_MAX_DEPTH: '',
      GRAPHQL_MAX_ALIASES: '',
      GRAPHQL_MAX_TOKENS: '',
      GRAPHQL_MAX_QUERY_BYTES: '',
      HTTP_MAX_BODY_BYTES: '',
      CORS_ORIGINS: ' ',
      SHUTDOWN_GRACE_MS: '',
      NODE_ENV: ' ',
      SYNCTERA_MAX_CONNECTIONS: '',
      HTTP_HEADERS_TIMEOUT_MS: '',
      HTTP_REQUEST_TIMEOUT_MS: '',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '',
    });
    expect(config).toEqual(loadConfig({}));
  });

  it('returns a frozen configuration with a frozen upstream section', () => {
    const config = loadConfig({ SYNCTERA_BASE_URL: 'https://api-sandbox.synctera.com/v0' });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.upstream)).toBe(true);
  });

  it('reads only the environment it is given', () => {
    // The argument replaces process.env entirely.
    expect(loadConfig({ NODE_ENV: 'test' }).port).toBe(4000);
  });
});

describe('PORT', () => {
  it.each([
    ['0', 0],
    ['1', 1],
    ['8080', 8080],
    ['65535', 65535],
    [' 4001 ', 4001],
  ])('accepts %j', (raw, port) => {
    expect(loadConfig({ PORT: raw }).port).toBe(port);
  });

  it.each(['65536', '-1', 'abc', '80.5', '1e3', '0x50', '4000abc', '+80'])('refuses %j', (raw) => {
    const error = expectRefused('PORT', { PORT: raw });
    expect(error.message).toContain(raw);
  });
});

describe('SYNCTERA_TIMEOUT_MS', () => {
  it.each([
    ['1', 1],
    ['2500', 2500],
    ['600000', 600_000],
  ])('accepts %j', (raw, ms) => {
    expect(loadConfig({ SYNCTERA_TIMEOUT_MS: raw }).upstream.timeoutMs).toBe(ms);
  });

  it.each(['0', '600001', '-5', '10s', '1.5', 'ten'])('refuses %j', (raw) => {
    expectRefused('SYNCTERA_TIMEOUT_MS', { SYNCTERA_TIMEOUT_MS: raw });
  });
});

describe('SYNCTERA_MAX_RETRIES', () => {
  it.each([
    ['0', 0],
    ['5', 5],
    ['10', 10],
  ])('accepts %j', (raw, retries) => {
    expect(loadConfig({ SYNCTERA_MAX_RETRIES: raw }).upstream.maxRetries).toBe(retries);
  });

  it.each(['11', '-1', 'two', '2.0'])('refuses %j', (raw) => {
    expectRefused('SYNCTERA_MAX_RETRIES', { SYNCTERA_MAX_RETRIES: raw });
  });
});

describe('LOG_LEVEL', () => {
  it.each(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])('accepts %j', (level) => {
    expect(loadConfig({ LOG_LEVEL: level }).logLevel).toBe(level);
  });

  it.each(['verbose', 'warning', 'log'])('refuses %j', (raw) => {
    const error = expectRefused('LOG_LEVEL', { LOG_LEVEL: raw });
    expect(error.message).toContain(raw);
  });
});

describe('NODE_ENV and SYNCTERA_BASE_URL', () => {
  it('is not production unless NODE_ENV is "production"', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).production).toBe(false);
    expect(loadConfig({ NODE_ENV: 'test' }).production).toBe(false);
  });

  it('requires SYNCTERA_BASE_URL in production', () => {
    const error = expectRefused('SYNCTERA_BASE_URL', { NODE_ENV: 'production' });
    expect(error.message).toMatch(/production/);
  });

  it('reads NODE_ENV trimmed and in any letter case', () => {
    const base = { SYNCTERA_BASE_URL: 'https://api.synctera.com/v0' };
    expect(loadConfig({ ...base, NODE_ENV: ' Production\n' }).production).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'PRODUCTION' }).production).toBe(true);
    expect(loadConfig({ ...base, NODE_ENV: 'prod' }).production).toBe(false);
    expectRefused('SYNCTERA_BASE_URL', { NODE_ENV: '  PRODUCTION ' });
  });

  it.each([undefined, '', 'development', 'test', ' Development ', 'TEST'])(
    'lets the emulator start (no base URL) when NODE_ENV is %j',
    (nodeEnv) => {
      const config = loadConfig({ NODE_ENV: nodeEnv });
      expect(config.upstream.baseUrl).toBeUndefined();
      expect(config.production).toBe(false);
    },
  );

  it.each(['staging', 'prod', 'qa', 'production-eu'])(
    'refuses to start the emulator when NODE_ENV is %j, naming both variables',
    (nodeEnv) => {
      const error = expectRefused('SYNCTERA_BASE_URL', { NODE_ENV: nodeEnv });
      expect(error.message).toContain(`NODE_ENV is "${nodeEnv}"`);
      expect(error.message).toMatch(/emulator.*unset, development or test/);
      expect(
        loadConfig({ NODE_ENV: nodeEnv, SYNCTERA_BASE_URL: 'https://x.test' }).production,
      ).toBe(false);
    },
  );

  it('requires a non-blank SYNCTERA_BASE_URL in production', () => {
    expectRefused('SYNCTERA_BASE_URL', { NODE_ENV: 'production', SYNCTERA_BASE_URL: '  ' });
  });

  it('accepts production with a base URL', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      SYNCTERA_BASE_URL: 'https://api.synctera.com/v0',
    });
    expect(config.production).toBe(true);
    expect(config.upstream.baseUrl).toBe('https://api.synctera.com/v0');
  });

  it.each([
    ['https://api-sandbox.synctera.com/v0', 'https://api-sandbox.synctera.com/v0'],
    ['https://api-sandbox.synctera.com/v0/', 'https://api-sandbox.synctera.com/v0'],
    ['https://api-sandbox.synctera.com/v0///', 'https://api-sandbox.synctera.com/v0'],
    ['https://api.synctera.com', 'https://api.synctera.com'],
    ['https://api.synctera.com/', 'https://api.synctera.com'],
    ['http://127.0.0.1:8080/v0/', 'http://127.0.0.1:8080/v0'],
    ['  https://api.synctera.com/v0  ', 'https://api.synctera.com/v0'],
  ])('accepts %j as %j (trailing slashes stripped)', (raw, baseUrl) => {
    expect(loadConfig({ SYNCTERA_BASE_URL: raw }).upstream.baseUrl).toBe(baseUrl);
  });

  it.each(['not a url', 'api.synctera.com/v0', 'ftp://api.synctera.com/v0', 'file:///etc/passwd'])(
    'refuses %j',
    (raw) => {
      expectRefused('SYNCTERA_BASE_URL', { SYNCTERA_BASE_URL: raw });
    },
  );

  it.each([
    'https://user:s3cr3t-pw@api.synctera.com/v0',
    'https://s3cr3t-token@api.synctera.com/v0',
    'https://api.synctera.com/v0?api_key=s3cr3t-pw',
    'https://api.synctera.com/v0#s3cr3t-pw',
  ])('refuses credentials, a query or a fragment without echoing them: %j', (raw) => {
    const error = expectRefused('SYNCTERA_BASE_URL', { SYNCTERA_BASE_URL: raw });
    expect(error.message).not.toContain('s3cr3t');
  });

  it.each(['https://api.synctera.com/v0?', 'https://api.synctera.com/v0#'])(
    'refuses an empty query or fragment delimiter in %j',
    (raw) => {
      // WHATWG URL reports search/hash as '' for a bare "?" or "#", yet href keeps it: the base
      // URL would come out as ".../v0?" (not even trailing-slash-stripped).
      expectRefused('SYNCTERA_BASE_URL', { SYNCTERA_BASE_URL: raw });
    },
  );
});

describe('SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH', () => {
  it.each(['/verifications/document_verification_session', '/custom/path', '/a-b_c.d~e/%20'])(
    'accepts %j',
    (raw) => {
      expect(
        loadConfig({ SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH: raw }).upstream.sessionPath,
      ).toBe(raw);
    },
  );

  it.each(['verifications/x', 'https://evil.example/x', '/a b', '/a?b=1', '/a#b', '/a\\b'])(
    'refuses %j',
    (raw) => {
      expectRefused('SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH', {
        SYNCTERA_DOCUMENT_VERIFICATION_SESSION_PATH: raw,
      });
    },
  );
});

describe('SYNCTERA_API_KEY', () => {
  it('accepts a visible-ASCII token', () => {
    expect(loadConfig({ SYNCTERA_API_KEY: 'sk_test_abc.123-XYZ' }).upstream.apiKey).toBe(
      'sk_test_abc.123-XYZ',
    );
  });

  it('trims surrounding whitespace', () => {
    expect(loadConfig({ SYNCTERA_API_KEY: '  sk_test_abc\n' }).upstream.apiKey).toBe('sk_test_abc');
  });

  it.each([
    'sk_live_SUPERSECRET and more',
    'sk_live_SUPERSECRET\tmore',
    'sk_live_SUPERSECRET\u00e9',
    'Bearer sk_live_SUPERSECRET',
  ])('refuses %j without repeating the key in the message', (raw) => {
    const error = expectRefused('SYNCTERA_API_KEY', { SYNCTERA_API_KEY: raw });
    expect(error.message).not.toContain('SUPERSECRET');
    expect(error.message).not.toContain(raw);
    expect(String(error)).not.toContain('SUPERSECRET');
    expect(error.stack ?? '').not.toContain('SUPERSECRET');
  });
});

describe('ConfigError', () => {
  it('names the variable in its property and message', () => {
    const error = new ConfigError('PORT', 'is wrong');
    expect(error).toBeInstanceOf(Error);
    expect(error.variable).toBe('PORT');
    expect(error.message).toBe('PORT: is wrong');
    expect(error.name).toBe('ConfigError');
  });
});

describe('connections', () => {
  it('reads the upstream connection cap and the HTTP server timeouts', () => {
    const config = loadConfig({
      SYNCTERA_MAX_CONNECTIONS: '8',
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '5000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '65000',
    });
    expect(config.upstream.maxConnections).toBe(8);
    expect(config.http).toEqual({
      headersTimeoutMs: 2000,
      requestTimeoutMs: 5000,
      keepAliveTimeoutMs: 65_000,
    });
    expect(Object.isFrozen(config.http)).toBe(true);
  });

  it('keeps the request timeout at least the headers timeout, as Node requires', () => {
    expect(loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '40000' }).http.requestTimeoutMs).toBe(40_000);
    const error = expectRefused('HTTP_REQUEST_TIMEOUT_MS', {
      HTTP_HEADERS_TIMEOUT_MS: '2000',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
    });
    expect(error.message).toMatch(/from 2000 to/);
  });
});

describe('operation limits, CORS and shutdown', () => {
  it('reads each limit', () => {
    const config = loadConfig({
      GRAPHQL_MAX_SESSION_FIELDS: '2',
      GRAPHQL_MAX_DEPTH: '12',
      GRAPHQL_MAX_ALIASES: '0',
      GRAPHQL_MAX_TOKENS: '500',
      GRAPHQL_MAX_QUERY_BYTES: '4096',
      HTTP_MAX_BODY_BYTES: '2048',
      SHUTDOWN_GRACE_MS: '100',
    });
    expect(config.limits).toEqual({
      maxSessionFields: 2,
      maxDepth: 12,
      maxAliases: 0,
      maxTokens: 500,
      maxQueryBytes: 4096,
      maxBodyBytes: 2048,
    });
    expect(Object.isFrozen(config.limits)).toBe(true);
    expect(config.shutdownGraceMs).toBe(100);
  });

  it.each([
    ['GRAPHQL_MAX_SESSION_FIELDS', '0'],
    ['GRAPHQL_MAX_SESSION_FIELDS', 'five'],
    ['GRAPHQL_MAX_DEPTH', '0'],
    ['GRAPHQL_MAX_DEPTH', '101'],
    ['GRAPHQL_MAX_ALIASES', '-1'],
    ['GRAPHQL_MAX_TOKENS', '9'],
    ['GRAPHQL_MAX_TOKENS', '1e3'],
    ['GRAPHQL_MAX_QUERY_BYTES', '1023'],
    ['GRAPHQL_MAX_QUERY_BYTES', '1048577'],
    ['HTTP_MAX_BODY_BYTES', '1023'],
    ['HTTP_MAX_BODY_BYTES', '1MiB'],
    ['SHUTDOWN_GRACE_MS', '99'],
    ['SHUTDOWN_GRACE_MS', '600001'],
    ['SHUTDOWN_GRACE_MS', '2.5'],
    ['SYNCTERA_MAX_CONNECTIONS', '0'],
    ['SYNCTERA_MAX_CONNECTIONS', 'unlimited'],
    ['HTTP_HEADERS_TIMEOUT_MS', '99'],
    ['HTTP_KEEP_ALIVE_TIMEOUT_MS', '999'],
    ['HTTP_REQUEST_TIMEOUT_MS', '5s'],
  ])('refuses %s=%j, naming the range', (variable, value) => {
    expect(expectRefused(variable, { [variable]: value }).message).toMatch(/whole number from/);
  });

  it('derives the default shutdown grace from the upstream budget, so that they fit', () => {
    // 2 attempts of 3 s, 1 wait of at most 5 s, and 5 s to answer.
    expect(
      loadConfig({ SYNCTERA_TIMEOUT_MS: '3000', SYNCTERA_MAX_RETRIES: '1' }).shutdownGraceMs,
    ).toBe(16_000);
    expect(loadConfig({ SYNCTERA_MAX_RETRIES: '0' }).shutdownGraceMs).toBe(15_000);
  });

  it('reads CORS_ORIGINS as a trimmed, comma-separated list of origins, or *', () => {
    expect(
      loadConfig({ CORS_ORIGINS: 'https://studio.apollographql.com, http://localhost:3000' })
        .corsOrigins,
    ).toEqual(['https://studio.apollographql.com', 'http://localhost:3000']);
    expect(loadConfig({ CORS_ORIGINS: '*' }).corsOrigins).toBe('*');
  });

  it.each([
    'https://example.com/',
    'https://example.com/app',
    'example.com',
    'ftp://example.com',
    'https://a.example,',
    '*,https://example.com',
  ])('refuses CORS_ORIGINS=%j', (value) => {
    expect(expectRefused('CORS_ORIGINS', { CORS_ORIGINS: value }).message).toMatch(
      /comma-separated origins/,
    );
  });
});

describe('configured URLs in configuration errors', () => {
  // Each value holds "s3cr3t" only where a credential goes: userinfo or query.
  it.each([
    ['SYNCTERA_BASE_URL', 'https://user:s3cr3t@api synctera.com/v0'],
    ['SYNCTERA_BASE_URL', 'https://api.synctera.com:99999/v0?token=s3cr3t'],
    ['SYNCTERA_BASE_URL', 'https://user:s3cr3t@api.synctera.com:port/v0'],
    ['SYNCTERA_BASE_URL', 'ftp://user:s3cr3t@api.synctera.com/v0'],
    ['SYNCTERA_BASE_URL', 'user:s3cr3t@api.synctera.com/v0'],
    ['SYNCTERA_BASE_URL', 'https://user:s3/cr3t@api.synctera.com:x/v0'],
    ['SYNCTERA_BASE_URL', 'https://user:s3?cr3t@api.synctera.com:x/v0'],
    ['CORS_ORIGINS', 'https://user:s3cr3t@app.example.com'],
    ['CORS_ORIGINS', 'https://app.example.com/?token=s3cr3t'],
  ])('%s: %j is refused without its userinfo or query', (variable, raw) => {
    const error = configError({ [variable]: raw });
    expect(error.variable).toBe(variable);
    expect(error.message).not.toMatch(/s3|cr3t/);
    expect(error.stack ?? '').not.toMatch(/s3|cr3t/);
  });

  it('still shows the part of the value that says what is wrong', () => {
    expect(
      configError({ SYNCTERA_BASE_URL: 'https://user:s3cr3t@api synctera.com/v0' }).message,
    ).toContain('api synctera.com/v0');
  });
});
