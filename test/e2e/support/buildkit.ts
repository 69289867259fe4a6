// A standalone buildkitd on loopback and a buildx `remote` builder on it: a builder that can
// export cache to the registry, as docker/setup-buildx-action's would on a runner.
import { execFileSync } from 'node:child_process';
import { ROOT } from './stack.js';

export function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { encoding: 'utf8', cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
}

/**
 * The standalone buildkitd's address. The stack started it (scripts/stack.sh up-tests); `up` is
 * asked again, idempotent, in case a test before this one stopped it.
 */
export function buildkitdUp(): string {
  sh('bash', ['scripts/buildkitd.sh', 'up']);
  return sh('bash', ['scripts/buildkitd.sh', 'addr']).trim();
}

/**
 * `docker buildx create` of a docker-container builder as docker/setup-buildx-action makes one, on
 * the host network (the registry and module proxy are on loopback), with the stack's buildkitd.toml.
 */
export function dockerContainerBuilderArgs(name: string): string[] {
  const config = process.env.STACK_BUILDKITD_CONFIG;
  if (!config) throw new Error('STACK_BUILDKITD_CONFIG is not set: run under the e2e global setup (test/setup/stack.ts)');
  return ['buildx', 'create', '--name', name, '--driver', 'docker-container', '--driver-opt', 'network=host', '--buildkitd-config', config];
}

export function createRemoteBuilder(name: string, endpoint: string): void {
  sh('docker', ['buildx', 'create', '--name', name, '--driver', 'remote', endpoint]);
  sh('docker', ['buildx', 'inspect', '--bootstrap', name]);
}

export function removeBuilder(name: string): void {
  try {
    sh('docker', ['buildx', 'rm', name]);
  } catch {
    // already gone
  }
}

/** The builder's own cache, as a fresh runner's builder would have it: empty. */
export function pruneBuilder(name: string): void {
  sh('docker', ['buildx', 'prune', '--builder', name, '-af']);
}
