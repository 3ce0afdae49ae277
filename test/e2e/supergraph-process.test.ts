import { resolve } from 'node:path';
import { PEOPLE } from '../fixtures/customers-subgraph';
import { exitCode, startScript, waitForOutput } from '../helpers/process';
import { AUTH, PERSON_ID, postGraphQL } from '../helpers/stack';
import { EXAMPLE_OPERATION } from '../federation/supergraph-stack';

/** `npm run supergraph` runs this file after `npm run build:tools` (the test script builds first). */
const SUPERGRAPH = resolve(__dirname, '../../.tools/test/federation/supergraph.js');

const FREE_PORTS = {
  SUPERGRAPH_PORT: '0',
  SUPERGRAPH_SUBGRAPH_PORT: '0',
  SUPERGRAPH_CUSTOMERS_PORT: '0',
  SUPERGRAPH_EMULATOR_PORT: '0',
  SUPERGRAPH_WEB_PORT: '0',
};

describe('npm run supergraph', () => {
  it('serves the joined graph, prints where to go and a sample operation, exits 0 on SIGTERM', async () => {
    const started = startScript(SUPERGRAPH, FREE_PORTS);
    try {
      const [, url] = await waitForOutput(started, /Supergraph ready at (http:\/\/\S+)/);
      expect(started.output()).toContain(EXAMPLE_OPERATION);
      const landingPage = await fetch(url as string, { headers: { accept: 'text/html' } });
      expect(await landingPage.text()).toContain('embeddable-sandbox');

      const { body } = await postGraphQL<{
        createDocumentVerificationSession: { session: { customer: { firstName?: string } } };
      }>(url as string, { query: EXAMPLE_OPERATION, variables: { personId: PERSON_ID } }, AUTH);
      expect(body.errors).toBeUndefined();
      expect(body.data?.createDocumentVerificationSession.session.customer.firstName).toBe(
        PEOPLE.get(PERSON_ID)?.firstName,
      );

      started.child.kill('SIGTERM');
      expect(await exitCode(started)).toBe(0);
    } finally {
      started.child.kill('SIGKILL');
    }
  });

  it('refuses a bad port variable, naming it', async () => {
    const started = startScript(SUPERGRAPH, { ...FREE_PORTS, SUPERGRAPH_PORT: 'eighty' });
    expect(await exitCode(started)).toBe(1);
    expect(started.output()).toContain('SUPERGRAPH_PORT must be a port number');
  });
});
