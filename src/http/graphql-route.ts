import type { ApolloServer, ContextFunction } from '@apollo/server';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { GraphQLFormattedError } from 'graphql';
import type { Context, ContextArgs } from '../graphql/context';
import { withRequestId } from '../graphql/plugins/request';
import type { RequestObservation, Telemetry } from '../telemetry/telemetry';
import { parseJsonObject } from '../utils/json';
import { createCallerGone } from './caller-gone';
import { refusalOf } from './refusals';

export const GRAPHQL_PATH = '/graphql';

/** Methods of the GraphQL endpoint (OPTIONS for CORS preflights). */
export const GRAPHQL_METHODS = ['GET', 'POST', 'OPTIONS'];

/**
 * `/graphql`: GET and POST through Apollo Server, observed from the request's arrival (so a body
 * refused before Apollo is counted too), with the caller-gone signal in the context; OPTIONS
 * answered 204 when CORS has not answered it (no CORS_ORIGINS, another origin, a plain OPTIONS).
 */
export function registerGraphQLRoute(
  fastify: FastifyInstance,
  apollo: ApolloServer<Context>,
  context: ContextFunction<[ContextArgs], Context>,
  telemetry: Telemetry,
  maxBodyBytes: number,
): void {
  const observations = new WeakMap<FastifyRequest, RequestObservation>();
  const observationOf = (request: FastifyRequest) => observations.get(request);
  const apolloHandler = fastifyApolloHandler(apollo, {
    context: (request, reply) =>
      context({ req: request.raw, callerGone: createCallerGone(request.raw, reply.raw) }),
  });
  fastify.route<{ Reply: string }>({
    method: ['GET', 'POST'],
    url: GRAPHQL_PATH,
    onRequest: async (request, reply) => {
      const observation = telemetry.startGraphQL(request.raw);
      if (observation === undefined) return;
      observations.set(request, observation);
      reply.raw.once('close', () => observation.end(reply.raw.statusCode));
    },
    onError: async (request, _reply, error) => {
      // A caller gone is no refusal: the error handler only logs it.
      if (request.raw.socket.destroyed) return;
      observationOf(request)?.refused(refusalOf(error, maxBodyBytes).code);
    },
    handler: async function (request, reply) {
      const observation = observationOf(request);
      observation?.body(request.body);
      const serve = async () => apolloHandler.call(this, request, reply);
      return observation === undefined ? serve() : observation.run(serve);
    },
    // Apollo Server's refusals before its request plugin runs (CSRF, method, malformed request,
    // a context that could not be made) get the request id in their errors here, and are
    // counted, like every other error.
    onSend: async (request, reply, payload) =>
      reply.statusCode >= 400 && typeof payload === 'string'
        ? withRequestIdInErrors(payload, request.id, (code) =>
            observationOf(request)?.refused(code),
          )
        : payload,
  });
  fastify.route({
    method: 'OPTIONS',
    url: GRAPHQL_PATH,
    handler: async (_request, reply) =>
      reply
        .code(204)
        .header('allow', GRAPHQL_METHODS.join(', '))
        .header('content-length', 0)
        .send(),
  });
}

/**
 * `text` with the request id in each error, when it is a GraphQL response whose errors lack it
 * (Apollo's request plugin did not see them); `count` is told each such error's code.
 */
function withRequestIdInErrors(
  text: string,
  requestId: string,
  count: (code: string) => void,
): string {
  const body = parseJsonObject(text);
  if (body === undefined || !Array.isArray(body.errors)) return text;
  const errors = body.errors as GraphQLFormattedError[];
  if (errors.every((error) => error.extensions?.requestId === requestId)) return text;
  for (const error of errors) count(String(error.extensions?.code));
  const newline = text.endsWith('\n') ? '\n' : '';
  return `${JSON.stringify({ ...body, errors: withRequestId(errors, requestId) })}${newline}`;
}
