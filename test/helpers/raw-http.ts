import { once } from 'node:events';
import { connect } from 'node:net';

/** One HTTP/1.1 answer as read off a raw connection. */
export interface RawAnswer {
  readonly status: number;
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What a raw connection read: the interim (1xx) answers, then the final one, if any. */
export interface RawExchange {
  readonly interim: readonly RawAnswer[];
  readonly final: RawAnswer | undefined;
  /** Everything the server wrote, as text. */
  readonly raw: string;
}

/**
 * Opens a TCP connection to the server of `url` on loopback, writes `request` as it is, then
 * half-closes (`end`) or keeps the connection open (`keep`), and reads until the server closes
 * the connection or a final answer is complete.
 */
export async function rawExchange(
  url: string,
  request: string,
  { after = 'keep' }: { after?: 'end' | 'keep' } = {},
): Promise<RawExchange> {
  const socket = connect(Number(new URL(url).port), '127.0.0.1');
  await once(socket, 'connect');
  let raw = '';
  const done = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('latin1');
      if (parseAnswers(raw).final !== undefined) resolve();
    });
    socket.on('close', () => resolve());
    socket.on('error', () => resolve());
  });
  socket.write(request);
  if (after === 'end') socket.end();
  await done;
  socket.destroy();
  return { ...parseAnswers(raw), raw };
}

/** The answers in `raw`: 1xx ones, then the first final one once its body is complete. */
function parseAnswers(raw: string): Omit<RawExchange, 'raw'> {
  const interim: RawAnswer[] = [];
  let rest = raw;
  for (;;) {
    const headEnd = rest.indexOf('\r\n\r\n');
    if (headEnd === -1) return { interim, final: undefined };
    const [statusLine = '', ...lines] = rest.slice(0, headEnd).split('\r\n');
    const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1] ?? 0);
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    rest = rest.slice(headEnd + 4);
    if (status >= 100 && status < 200) {
      interim.push({ status, headers, body: '' });
      continue;
    }
    const length = Number(headers['content-length'] ?? 0);
    if (Buffer.byteLength(rest, 'latin1') < length) return { interim, final: undefined };
    const body = Buffer.from(rest.slice(0, length), 'latin1').toString('utf8');
    return { interim, final: { status, headers, body } };
  }
}
