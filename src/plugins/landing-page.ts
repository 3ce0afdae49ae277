import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** The operation Sandbox opens with (kept equal to schema/operations by a test). */
export const SANDBOX_EXAMPLE_DOCUMENT = `mutation CreateSessionForPerson($personId: UUID!, $language: Language) {
  createDocumentVerificationSession(
    input: {
      customer: { personId: $personId }
      documentType: PASSPORT
      language: $language
      sendSms: false
    }
  ) {
    idempotencyKey
    session {
      id
      sessionId
      state
      url
      customer {
        ... on Person {
          id
        }
      }
    }
  }
}
`;

/** Headers Sandbox shows, ready to fill in. */
export const SANDBOX_EXAMPLE_HEADERS = {
  Authorization: 'Bearer <your Synctera API key>',
  'Idempotency-Key': '<a new UUID for each new request; the same one for a retry>',
};

/**
 * Apollo Sandbox outside production, opened on an example mutation with the headers to fill
 * in; nothing in production.
 */
export function landingPagePlugin(production: boolean): ApolloServerPlugin {
  if (production) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: false },
    document: SANDBOX_EXAMPLE_DOCUMENT,
    variables: { personId: '7d943c51-e4ff-4e57-9558-08cab6b963c7', language: 'EN_US' },
    headers: SANDBOX_EXAMPLE_HEADERS,
    footer: false,
  });
}
