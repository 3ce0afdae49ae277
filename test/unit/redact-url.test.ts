import { redactUrl } from '../../src/utils/redact-url';

describe('redactUrl', () => {
  it.each([
    ['http://collector:4318/v1/traces', 'http://collector:4318/v1/traces'],
    ['http://user:s3cr3t@collector:4318/v1/traces', 'http://***@collector:4318/v1/traces'],
    ['https://collector/v1/traces?token=s3cr3t', 'https://collector/v1/traces?***'],
    ['https://collector/v1/traces#s3cr3t', 'https://collector/v1/traces#***'],
    ['https://u:p@host:x/a?b@c', 'https://***@c'],
    ['https://u:s3/cr3t@host/a', 'https://***@host/a'],
    ['https://u:s3?cr3t@host/a', 'https://***@host/a'],
    ['u:s3cr3t@host', '***@host'],
    ['http://host/\nline', 'http://host/?line'],
    [`http://host/${'a'.repeat(300)}`, `http://host/${'a'.repeat(187)}…`],
  ])('shows %j as %j', (raw, shown) => {
    expect(redactUrl(raw)).toBe(shown);
  });

  it('reads a parsed URL', () => {
    expect(redactUrl(new URL('http://user:s3cr3t@collector:4318/x?token=s3cr3t'))).toBe(
      'http://***@collector:4318/x?***',
    );
  });
});
