/**
 * Run the local Actions cache server as a standalone process.
 *
 *   node_modules/.bin/tsx test/support/cache-server/cli.ts --dir D [--port P] [--protocol v2|v1]
 *                                                          [--token T] [--fault MODE] [--verbose]
 *
 * Once listening it prints the env vars a runner would have, one KEY=VALUE per
 * line on stdout, then a line `# ready` (so a parent can wait for it):
 *
 *   ACTIONS_CACHE_URL=http://127.0.0.1:P/
 *   ACTIONS_RESULTS_URL=http://127.0.0.1:P/
 *   ACTIONS_RUNTIME_TOKEN=…
 *   ACTIONS_CACHE_SERVICE_V2=true        (empty with --protocol v1: the library then uses v1)
 *   # ready
 *
 * It runs until SIGINT/SIGTERM (or stdin closes with --exit-on-stdin-close).
 * Faults can be flipped from anywhere: curl -X POST 'http://127.0.0.1:P/_fault?mode=5xx'
 * and stats read with: curl http://127.0.0.1:P/_stats
 */
import { parseArgs } from 'node:util';
import { isFaultMode, startCacheServer } from './server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      dir: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
      protocol: { type: 'string', default: 'v2' },
      token: { type: 'string' },
      fault: { type: 'string', default: 'none' },
      'fault-status': { type: 'string' },
      'fault-delay-ms': { type: 'string' },
      verbose: { type: 'boolean', default: false },
      'exit-on-stdin-close': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false }
    },
    strict: true
  });
  if (values.help || !values.dir) {
    process.stderr.write(
      'usage: tsx test/support/cache-server/cli.ts --dir DIR [--port PORT] [--protocol v2|v1] [--token T]\n' +
        '       [--fault none|5xx|slow|refuse] [--fault-status 5xx] [--fault-delay-ms MS] [--verbose] [--exit-on-stdin-close]\n'
    );
    process.exit(values.help ? 0 : 2);
  }
  if (values.host !== '127.0.0.1') throw new Error('the cache server only listens on 127.0.0.1');
  if (values.protocol !== 'v1' && values.protocol !== 'v2') throw new Error('--protocol must be v1 or v2');
  if (!isFaultMode(values.fault)) throw new Error('--fault must be one of none, 5xx, slow, refuse');
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port ${values.port}`);

  const server = await startCacheServer({
    dir: values.dir,
    port,
    host: '127.0.0.1',
    token: values.token,
    fault: values.fault,
    faultOptions: {
      status: values['fault-status'] !== undefined ? Number(values['fault-status']) : undefined,
      delayMs: values['fault-delay-ms'] !== undefined ? Number(values['fault-delay-ms']) : undefined
    },
    log: values.verbose ? line => process.stderr.write(`[cache-server] ${line}\n`) : undefined
  });

  for (const [k, v] of Object.entries(server.env(values.protocol))) process.stdout.write(`${k}=${v}\n`);
  process.stdout.write('# ready\n');
  if (!values.verbose) process.stderr.write(`[cache-server] listening on ${server.url} (dir ${server.dir})\n`);

  let stopping = false;
  const stop = (why: string): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`[cache-server] stopping (${why})\n`);
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', () => {
    stop('SIGINT');
  });
  process.on('SIGTERM', () => {
    stop('SIGTERM');
  });
  if (values['exit-on-stdin-close']) {
    process.stdin.on('end', () => {
      stop('stdin closed');
    });
    process.stdin.on('close', () => {
      stop('stdin closed');
    });
    process.stdin.resume();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`[cache-server] ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
