/**
 * `npm run supergraph`: the unified graph on one port for frontend developers. Starts the
 * upstream emulator, this subgraph, the sample customers subgraph, Apollo Gateway with Sandbox,
 * and the web example on its own origin (built at start); stops cleanly on SIGINT/SIGTERM.
 */
import 'reflect-metadata';
import { startSupergraph, type SupergraphPorts, EXAMPLE_OPERATION } from './supergraph-stack';
import { PERSON_ID } from '../fixtures/customer-ids';

/** Each port's variable and default; 0 picks a free port. */
const PORT_VARIABLES: Record<keyof SupergraphPorts, readonly [string, number]> = {
  gateway: ['SUPERGRAPH_PORT', 4100],
  subgraph: ['SUPERGRAPH_SUBGRAPH_PORT', 4001],
  customers: ['SUPERGRAPH_CUSTOMERS_PORT', 4002],
  emulator: ['SUPERGRAPH_EMULATOR_PORT', 0],
  web: ['SUPERGRAPH_WEB_PORT', 4200],
};

function portsFrom(env: NodeJS.ProcessEnv): SupergraphPorts {
  const entries = Object.entries(PORT_VARIABLES).map(([key, [name, fallback]]) => {
    const text = env[name];
    if (text === undefined || text === '') return [key, fallback];
    const port = Number(text);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new Error(`${name} must be a port number from 0 to 65535, got "${text}".`);
    }
    return [key, port];
  });
  return Object.fromEntries(entries) as SupergraphPorts;
}

async function main(): Promise<void> {
  const supergraph = await startSupergraph({ ports: portsFrom(process.env), web: true });
  console.log(`
Supergraph ready at ${supergraph.url}
Open it in a browser for Apollo Sandbox.
Web example (examples/web) at ${supergraph.webUrl ?? ''} (rebuilt at each start)
  document-verification  ${supergraph.subgraphUrl}
  customers              ${supergraph.customers.url}
  upstream               embedded emulator at ${supergraph.emulator.url}
                         (sessions are NOT real document verifications)

Send the header  Authorization: Bearer <any token>  and try, with {"personId": "${PERSON_ID}"}:

${EXAMPLE_OPERATION}
Ctrl+C stops everything.`);

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await supergraph.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
}

main().catch((error: unknown) => {
  console.error('Failed to start the supergraph:', error instanceof Error ? error.message : error);
  process.exit(1);
});
