import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';

/** The operation Sandbox opens with: the committed example for frontends. */
export const SANDBOX_EXAMPLE_OPERATION = resolve(
  __dirname,
  '../../../schema/operations/create-session-for-person.graphql',
);

/** Apollo Sandbox outside production, opened on an example mutation with headers to fill in. */
export function landingPagePlugin(
  production: boolean,
  { emulatedUpstream = false }: { emulatedUpstream?: boolean } = {},
): ApolloServerPlugin {
  if (production) return ApolloServerPluginLandingPageDisabled();
  return ApolloServerPluginLandingPageLocalDefault({
    embed: { endpointIsEditable: false },
    document: readFileSync(SANDBOX_EXAMPLE_OPERATION, 'utf8'),
    variables: { personId: '7d943c51-e4ff-4e57-9558-08cab6b963c7', language: 'EN_US' },
    headers: {
      // The emulator takes any bearer token: asking for a Synctera key there would only mislead.
      Authorization: emulatedUpstream
        ? 'Bearer <any token: the emulator accepts any, e.g. dev-token>'
        : 'Bearer <your Synctera API key>',
      'Idempotency-Key': '<a new UUID for each new request; the same one for a retry>',
    },
    footer: false,
  });
}
