/** The page's entry: an Apollo Client for the unified graph, and the onboarding form. */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { StartVerification } from './start-verification';

/**
 * The gateway's endpoint comes from the page (`<meta name="graphql-endpoint">`), so one build
 * serves every environment: whoever serves the page writes the endpoint in.
 */
const endpoint =
  document.querySelector<HTMLMetaElement>('meta[name="graphql-endpoint"]')?.content ??
  'http://localhost:4100/graphql';

const client = new ApolloClient({
  link: new HttpLink({ uri: endpoint }),
  cache: new InMemoryCache(),
});

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <ApolloProvider client={client}>
      <StartVerification />
    </ApolloProvider>
  </StrictMode>,
);
