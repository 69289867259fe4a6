// The real stack the e2e tests run against, brought up by scripts/stack.sh (idempotent).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const STACK = path.join(ROOT, 'scripts/stack.sh');

/** Bring the stack up and put its environment (PATH with the BuildKit-capable docker first, …) into process.env. */
export function stackUp(): Record<string, string> {
  execFileSync('bash', [STACK, 'up'], { stdio: 'inherit' });
  const env: Record<string, string> = {};
  const text = execFileSync('bash', [STACK, 'env'], { encoding: 'utf8' });
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
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
