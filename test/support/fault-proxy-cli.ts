// The fault proxy in a process of its own: for trying a fault by hand against the stack, and for
// tests that measure the proxy's own memory apart from theirs.
//
//   tsx test/support/fault-proxy-cli.ts --upstream 127.0.0.1:5000 [--port P] [--rule JSON]...
//
// A rule is a RuleSpec in JSON with `path` as a RegExp source, e.g.
//   --rule '{"method":"PUT","path":"/manifests/","fault":"status","status":500}'
// Prints `FAULT_PROXY=host:port`, then `# ready`. Each line `stats` on stdin is answered with one JSON
// line: {rssBytes, maxRssKb, requests, rules: [{name, matched, fired}]}. Ends when stdin closes.
import * as readline from 'node:readline';
import { parseArgs } from 'node:util';
import { startFaultProxy, type RuleSpec } from './fault-proxy.js';

const { values } = parseArgs({
  options: {
    upstream: { type: 'string' },
    port: { type: 'string' },
    rule: { type: 'string', multiple: true }
  }
});
if (!values.upstream) {
  process.stderr.write('usage: fault-proxy-cli.ts --upstream host:port [--port P] [--rule JSON]...\n');
  process.exit(2);
}
const proxy = await startFaultProxy({ upstream: values.upstream, port: values.port ? Number(values.port) : undefined });
for (const text of values.rule ?? []) {
  const spec = JSON.parse(text) as Omit<RuleSpec, 'path'> & { path: string };
  proxy.add({ ...spec, path: new RegExp(spec.path) } as RuleSpec);
}
process.stdout.write(`FAULT_PROXY=${proxy.address}\n# ready\n`);
const lines = readline.createInterface({ input: process.stdin });
lines.on('line', line => {
  if (line.trim() !== 'stats') return;
  const stats = {
    rssBytes: process.memoryUsage().rss,
    maxRssKb: process.resourceUsage().maxRSS,
    requests: proxy.log.length,
    rules: proxy.rules().map(r => ({ name: r.name, matched: r.matched, fired: r.fired }))
  };
  process.stdout.write(`${JSON.stringify(stats)}\n`);
});
lines.on('close', () => void proxy.close().then(() => process.exit(0)));
