/**
 * Runs the REAL @actions/cache saveCache / restoreCache in its own process,
 * configured only through env vars (as in a runner). Used by tests that need
 * process isolation: env vars are process-global for the library, faults may
 * take the library tens of seconds of retries, and a library crash must show
 * up as a failed exit code rather than take down the test runner.
 *
 *   tsx test/support/cache-server/client.ts save    --path P [--path P2] --key K --out result.json
 *   tsx test/support/cache-server/client.ts restore --path P --key K [--restore-key R]... [--lookup-only] --out result.json
 *
 * Writes {op, result, threw, error?, elapsedMs} to --out. Exit code 0 when the
 * library returned or threw normally (see `threw`); anything else is a crash.
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import * as cache from '@actions/cache';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      path: { type: 'string', multiple: true },
      key: { type: 'string' },
      'restore-key': { type: 'string', multiple: true },
      'lookup-only': { type: 'boolean', default: false },
      out: { type: 'string' }
    }
  });
  const op = positionals[0];
  if ((op !== 'save' && op !== 'restore') || !values.key || !values.path || !values.out) {
    process.stderr.write('usage: client.ts save|restore --path P --key K [--restore-key R] [--lookup-only] --out FILE\n');
    process.exit(2);
  }
  const started = Date.now();
  let result: unknown;
  let threw = false;
  let error: { name: string; message: string } | undefined;
  try {
    result =
      op === 'save'
        ? await cache.saveCache(values.path, values.key)
        : await cache.restoreCache(values.path, values.key, values['restore-key'] ?? [], { lookupOnly: values['lookup-only'] });
  } catch (err) {
    threw = true;
    error = { name: (err as Error).name, message: (err as Error).message };
  }
  writeFileSync(values.out, JSON.stringify({ op, result: result ?? null, threw, error, elapsedMs: Date.now() - started }));
}

void main();
