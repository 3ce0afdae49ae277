/**
 * Which customers exist. The emulator has no customer records, so it follows one convention:
 *
 * **A `person_id` or `business_id` whose UUID starts with `00000000-` does not exist**, and the
 * session endpoint answers `404` (`person <id> not found` / `business <id> not found`), as the
 * real API does for an unknown customer. Every other well-formed UUID exists.
 */

/** The prefix that marks a customer id as unknown. */
export const UNKNOWN_CUSTOMER_ID_PREFIX = '00000000-';

/** Whether the customer with this (well-formed) id exists, per the convention above. */
export function customerExists(id: string): boolean {
  return !id.startsWith(UNKNOWN_CUSTOMER_ID_PREFIX);
}
