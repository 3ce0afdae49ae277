const HIDDEN = '***';

/** A configuration value is never a reason for a line of kilobytes. */
const MAX_LENGTH = 200;

/**
 * A configured URL, parsed or not, as it may be printed: userinfo, query and fragment, where
 * credentials travel, become `***`. No parser is trusted: everything before the last `@` is
 * userinfo (a password may hold `/`, `?` or `#`), and everything from the first `?` or `#` after
 * it is hidden.
 */
export function redactUrl(value: string | URL): string {
  let text = typeof value === 'string' ? value : value.href;
  const at = text.lastIndexOf('@');
  if (at !== -1) {
    const scheme = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.exec(text)?.[0] ?? '';
    text = `${scheme}${HIDDEN}@${text.slice(at + 1)}`;
  }
  const rest = text.search(/[?#]/);
  if (rest !== -1) text = `${text.slice(0, rest)}${text[rest]}${HIDDEN}`;
  // eslint-disable-next-line no-control-regex -- control characters become "?"
  text = text.replace(/[\x00-\x1f\x7f-\x9f]/g, '?');
  return text.length > MAX_LENGTH ? `${text.slice(0, MAX_LENGTH - 1)}…` : text;
}
