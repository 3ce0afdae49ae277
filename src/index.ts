/** The public API (docs/embedding.md). Importing it starts nothing and reads no environment. */
// type-graphql's decorators read design-time types through this polyfill as the classes load.
import 'reflect-metadata';

export {
  type Config,
  ConfigError,
  type CorsOrigins,
  DEFAULT_SESSION_PATH,
  loadConfig,
  type OperationLimits,
  type UpstreamConfig,
} from './config';
export {
  type Context,
  type ContextArgs,
  createContextFunction,
  SUBGRAPH_REQUEST_HEADERS,
} from './graphql/context';
export * from './verification/errors';
export { errorFromUpstreamStatus, type UpstreamProblem } from './synctera/upstream-errors';
export { createLogger, type Logger, type LogLevel } from './logger';
export { createSubgraphSchema, FEDERATION_SPEC_URL, printSubgraphSdl } from './graphql/schema';
export { type ApolloServerFactoryOptions, createApolloServer } from './graphql/apollo-server';
export { createServer, type SubgraphServer, GRAPHQL_PATH, type ServerOptions } from './http/server';
export { createUpstream, type Upstream } from './synctera/upstream';
export { startTracing, type Tracing } from './telemetry/tracing';
export { readTracingConfig, type TracingConfig } from './telemetry/tracing-config';
export { LANGUAGES, type Language, type LanguageCode } from './verification/language';
