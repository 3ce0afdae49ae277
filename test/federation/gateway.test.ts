import { PERSON_ID } from '../helpers/stack';
import {
  itLeavesOneOfToTheSubgraph,
  itServesTheFrontend,
  START_SESSION,
  sendToGateway,
} from '../helpers/gateway-frontend';
import { startSupergraph, type Supergraph } from './supergraph-stack';

describe('a frontend through Apollo Gateway', () => {
  let supergraph: Supergraph;
  beforeAll(async () => {
    supergraph = await startSupergraph();
  });
  afterAll(() => supergraph.close());

  itServesTheFrontend(() => supergraph);

  it('sends no X-Request-Id to the customers subgraph', async () => {
    await sendToGateway(supergraph, START_SESSION, { customer: { personId: PERSON_ID } });

    expect(supergraph.customers.receivedHeaders.length).toBeGreaterThan(0);
    for (const headers of supergraph.customers.receivedHeaders) {
      expect(headers['x-request-id']).toBeUndefined();
    }
  });

  describe('exactly one customer id, although the supergraph API schema has no @oneOf', () => {
    itLeavesOneOfToTheSubgraph(() => supergraph);
  });
});
