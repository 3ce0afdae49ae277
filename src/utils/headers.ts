/** A Node header value as one string: repeated headers joined with ", " (as fetch does). */
export function headerText(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
