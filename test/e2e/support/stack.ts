// The real stack the e2e tests run against, brought up by scripts/stack.sh (idempotent).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const STACK = path.join(ROOT, 'scripts/stack.sh');

/** The engine the stack runs the tests on (STACK_ENGINE; scripts/stack.sh's default is docker28). */
export const ENGINE = process.env.STACK_ENGINE || 'docker28';

/**
 * Bring the stack up (the engine STACK_ENGINE names) and put its environment (DOCKER_HOST, PATH with
 * that engine's docker first, its DOCKER_CONFIG, …) into process.env.
 */
export function stackUp(): Record<string, string> {
  execFileSync('bash', [STACK, 'up'], { stdio: 'inherit' });
  const env: Record<string, string> = {};
  const text = execFileSync('bash', [STACK, 'env'], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
    // docker20's env drops a DOCKER_CONFIG left by a Docker 28 engine's.
    const unset = /^unset ([A-Za-z_][A-Za-z0-9_]*)$/.exec(line.trim());
    if (unset) delete process.env[unset[1]];
  }
  Object.assign(process.env, env);
  return env;
}

/** Local Docker state as a fresh runner has it: no images, no build cache. The registry stays. */
export function wipeRunner(): void {
  execFileSync('bash', [STACK, 'wipe-runner'], { stdio: 'ignore' });
}

/** A copy of a fixture in a temporary workspace, so a test may change it. */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cib-${name}-`));
  fs.cpSync(path.join(ROOT, 'test/fixtures', name), dir, { recursive: true });
  return dir;
}

export async function moduleProxyStats(): Promise<{ total: number; byPath: Record<string, number> }> {
  const response = await fetch(`${process.env.STACK_GOPROXY}/_stats`);
  return (await response.json()) as { total: number; byPath: Record<string, number> };
}

export async function resetModuleProxy(): Promise<void> {
  await fetch(`${process.env.STACK_GOPROXY}/_reset`, { method: 'POST' });
}

/** A commit SHA of 40 hex digits, different for each call. */
export function fakeSha(n: number): string {
  return (n.toString(16).padStart(8, '0') + 'c0ffee'.repeat(6)).slice(0, 40);
}
