import { SUBGRAPH_REQUEST_HEADERS } from '../../src/graphql/context';
import {
  DOCUMENT_VERIFICATION_HEADERS,
  DOCUMENT_VERIFICATION_SUBGRAPH,
} from '../../schema/gateway.config';
import { composeSupergraph, composeSupergraphTheGuildWay } from './compose';
import { AUTH, PERSON_ID } from '../helpers/stack';
import {
  FRONTEND_HEADERS,
  forgetRequestsBeforeEach,
  type GatewayUnderTest,
  itLeavesOneOfToTheSubgraph,
  itServesTheFrontend,
  NOT_ONE_ID_LITERALS,
  NOT_ONE_ID_VARIABLES,
  START_SESSION,
  sendToGateway,
  startSessionWithLiteral,
} from '../helpers/gateway-frontend';
import { type HiveGateway, startHiveGateway } from './hive-gateway';
import { startSubgraphs, SUBGRAPH_NAME, type Subgraphs } from './supergraph-stack';

describe('schema/gateway.config.ts', () => {
  it('propagates the headers this subgraph reads, to the subgraph of that name', () => {
    expect(DOCUMENT_VERIFICATION_SUBGRAPH).toBe(SUBGRAPH_NAME);
    expect([...DOCUMENT_VERIFICATION_HEADERS].sort()).toEqual(
      Object.values(SUBGRAPH_REQUEST_HEADERS).sort(),
    );
  });
});

/**
 * One set of subgraphs, with a Hive Gateway for each composition in front of it, all started with
 * schema/gateway.config.ts.
 */
describe('a frontend through Hive Gateway', () => {
  let subgraphs: Subgraphs;
  let guildComposed: HiveGateway;
  let apolloComposed: HiveGateway;
  let withoutRequestId: HiveGateway;
  beforeAll(async () => {
    subgraphs = await startSubgraphs();
    const guildSdl = composeSupergraphTheGuildWay(subgraphs.sources).sdl;
    guildComposed = await startHiveGateway(guildSdl);
    apolloComposed = await startHiveGateway(composeSupergraph(subgraphs.sources).sdl);
    withoutRequestId = await startHiveGateway(guildSdl, { overrides: { requestId: false } });
  });
  afterAll(async () => {
    await guildComposed?.close();
    await apolloComposed?.close();
    await withoutRequestId?.close();
    await subgraphs?.close();
  });

  const behind = (gateway: () => HiveGateway) => (): GatewayUnderTest => ({
    ...subgraphs,
    url: gateway().url,
  });

  describe("with The Guild's composition, which keeps @oneOf", () => {
    const gateway = behind(() => guildComposed);

    itServesTheFrontend(gateway);

    describe('the gateway refuses zero or two customer ids itself, with no upstream call', () => {
      forgetRequestsBeforeEach(gateway);

      it.each(NOT_ONE_ID_LITERALS)(
        'a literal with %s: GRAPHQL_VALIDATION_FAILED',
        async (_, customer) => {
          const { status, body } = await sendToGateway(
            gateway(),
            startSessionWithLiteral(customer),
          );

          expect(status).toBe(200);
          expect(body.data).toBeUndefined();
          expect(body.errors).toEqual([
            expect.objectContaining({
              message: 'OneOf Input Object "CustomerRefInput" must specify exactly one key.',
              extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
            }),
          ]);
          expectNoCallBehind();
        },
      );

      it.each(NOT_ONE_ID_VARIABLES)(
        'variables with %s: HTTP 400, an error without a code',
        async (_, customer) => {
          const { status, body } = await sendToGateway(gateway(), START_SESSION, { customer });

          expect(status).toBe(400);
          expect(body.data).toBeUndefined();
          expect(body.errors).toHaveLength(1);
          expect(body.errors?.[0]?.message).toMatch(
            /^Variable "\$customer" got invalid value .*; Exactly one key must be specified for OneOf type "CustomerRefInput"\.$/,
          );
          expect(body.errors?.[0]?.extensions).toBeUndefined();
          expectNoCallBehind();
        },
      );

      it.each(NOT_ONE_ID_LITERALS)(
        'a literal with %s, when the client accepts application/graphql-response+json: HTTP 400',
        async (_, customer) => {
          const { status, body } = await sendToGateway(
            gateway(),
            startSessionWithLiteral(customer),
            undefined,
            { ...FRONTEND_HEADERS, accept: 'application/graphql-response+json' },
          );

          expect(status).toBe(400);
          expect(body.errors?.[0]?.extensions).toEqual({ code: 'GRAPHQL_VALIDATION_FAILED' });
          expectNoCallBehind();
        },
      );

      /**
       * Synctera was not called. That this subgraph was not asked either shows in the errors: no
       * `serviceName`, and codes this subgraph never gives.
       */
      function expectNoCallBehind(): void {
        expect(subgraphs.emulator.requests).toHaveLength(0);
      }
    });
  });

  describe("Hive Gateway's request id (on by default)", () => {
    const gateway = behind(() => guildComposed);
    forgetRequestsBeforeEach(gateway);
    const customer = { personId: PERSON_ID };

    it("sends the frontend's X-Request-Id to every subgraph, the customers one too", async () => {
      await sendToGateway(gateway(), START_SESSION, { customer });

      expect(subgraphs.emulator.requests[0]?.headers['x-request-id']).toBe(
        FRONTEND_HEADERS['x-request-id'],
      );
      expect(subgraphs.customers.receivedHeaders.length).toBeGreaterThan(0);
      for (const headers of subgraphs.customers.receivedHeaders) {
        expect(headers['x-request-id']).toBe(FRONTEND_HEADERS['x-request-id']);
      }
    });

    it('without one, sends the id it makes up upstream and answers with it', async () => {
      const { headers } = await sendToGateway(gateway(), START_SESSION, { customer }, AUTH);

      const requestId = headers.get('x-request-id');
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(subgraphs.emulator.requests[0]?.headers['x-request-id']).toBe(requestId);
    });
  });

  describe('with `requestId: false`, as the documentation offers', () => {
    const gateway = behind(() => withoutRequestId);
    forgetRequestsBeforeEach(gateway);

    it("still sends the frontend's X-Request-Id to this subgraph, and not to the others", async () => {
      await sendToGateway(gateway(), START_SESSION, { customer: { personId: PERSON_ID } });

      expect(subgraphs.emulator.requests[0]?.headers['x-request-id']).toBe(
        FRONTEND_HEADERS['x-request-id'],
      );
      expect(subgraphs.customers.receivedHeaders.length).toBeGreaterThan(0);
      for (const headers of subgraphs.customers.receivedHeaders) {
        expect(headers['x-request-id']).toBeUndefined();
      }
    });
  });

  describe("with Apollo's composition, which drops @oneOf", () => {
    const gateway = behind(() => apolloComposed);

    itServesTheFrontend(gateway);

    describe('the subgraph refuses zero or two customer ids, with no upstream call', () => {
      itLeavesOneOfToTheSubgraph(gateway);
    });
  });
});
