/**
 * The page a session's `url` points to. It only says that the session is emulated: no documents
 * are collected and nothing is verified.
 */
import type { EmulatedSession } from './sessions';

const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** The HTML page for `session`. */
export function renderSessionPage(session: EmulatedSession): string {
  const rows: Array<[string, string]> = [
    ['Session ID', session.sessionId],
    ['Record ID', session.id],
    [session.customer.kind === 'person' ? 'Person ID' : 'Business ID', session.customer.id],
    ['State', session.state],
    ['Document type', session.documentType ?? 'any'],
    ['Language', session.language],
    ['Send SMS', String(session.sendSms)],
    ['Created', session.createdAt.toISOString()],
  ];
  const table = rows
    .map(([name, value]) => `<tr><th>${escapeHtml(name)}</th><td>${escapeHtml(value)}</td></tr>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="robots" content="noindex">
<title>Emulated document verification session</title>
</head>
<body>
<h1>Emulated document verification session</h1>
<p><strong>This is NOT a real verification.</strong> This page is served by a local emulator of
Synctera's document verification API for development and tests. No documents are collected,
nothing is verified and no bank or customer record is affected.</p>
<table>
${table}
</table>
</body>
</html>
`;
}
