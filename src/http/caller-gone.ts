import type { IncomingMessage, ServerResponse } from 'node:http';

/**
 * When a caller whose side of the connection is closed is asked again whether it still listens: a
 * vanished peer's reset is back within a round trip, so the second probe finds it on any nearby
 * network, and the later ones on slower paths.
 */
const SECOND_PROBE_MS = 50;
const PROBE_INTERVAL_MS = 1_000;

/**
 * A signal that aborts when the caller of `req` is gone before its answer is sent.
 *
 * A caller that closes its side of the connection (TCP FIN) after its whole request may still be
 * reading: it half-closed, and is answered. Nothing tells that apart from a caller that closed
 * the whole connection but a write: from then on the server sends `102 Processing` interim
 * answers, which an HTTP/1.1 client reads past, until the answer goes out; to a caller that is
 * gone, the second write fails, the response closes unfinished, and the signal aborts. A FIN
 * before the whole request has arrived means the caller can never finish it: it is gone.
 */
export function createCallerGone(req: IncomingMessage, res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  const { socket } = req;
  let probe: NodeJS.Timeout | undefined;
  let probing = false;
  const canProbe = req.httpVersionMajor === 1 && req.httpVersionMinor >= 1;
  const sendProbe = () => {
    if (res.headersSent || res.writableEnded || res.destroyed) return;
    res.writeProcessing();
  };
  const onFin = () => {
    if (!req.complete) {
      socket.destroy();
      return;
    }
    if (!canProbe || probing) return;
    probing = true;
    sendProbe();
    probe = setTimeout(() => {
      sendProbe();
      probe = setInterval(sendProbe, PROBE_INTERVAL_MS).unref();
    }, SECOND_PROBE_MS).unref();
  };
  const settle = () => {
    clearTimeout(probe); // Node's clearTimeout clears an interval too.
    socket.off('end', onFin);
  };
  if (res.closed) {
    if (!res.writableFinished) controller.abort();
    return controller.signal;
  }
  res.once('finish', settle);
  res.once('close', () => {
    settle();
    if (!res.writableFinished) controller.abort();
  });
  if (socket.readableEnded) onFin();
  else socket.once('end', onFin);
  return controller.signal;
}
