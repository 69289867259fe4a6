// The real stack the e2e tests run against, brought up by scripts/stack.sh (idempotent).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../../..');
const STACK = path.join(ROOT, 'scripts/stack.sh');

/**
 * The engine the stack runs the tests on (STACK_ENGINE; scripts/stack.sh's default is docker28), as
 * a kind: a lane's engine (docker28-lane2, a second docker28 for files that run side by side) is a docker28.
 */
export const ENGINE = laneKind(process.env.STACK_ENGINE || 'docker28');

/** The kind of a lane's engine: its name without the -laneN suffix. */
export function laneKind(engine: string): string {
  return engine.replace(/-lane[2-9]$/, '');
}

/** Engines of Docker 23 and later (their client builds through buildx): every engine but 20.10. */
export const MODERN_ENGINE = ENGINE !== 'docker20';

/** Engines on the containerd image store: Docker 28 with the feature on, Docker 29 by its own choice. */
export const CONTAINERD_STORE = ENGINE === 'docker28-containerd' || ENGINE === 'docker29';

/**
 * Brings the stack up (the engine STACK_ENGINE names): `main` is what the action's main job needs
 * (engine, registry, module proxy, base images), `tests` also the pinned tools, BuildKit's images and
 * the standalone buildkitd. Then puts its environment into process.env (stackEnv). The e2e runs'
 * global setup (test/setup/stack.ts) does it once, before any test file starts; the demo and the
 * benchmark call it themselves.
 */
export function stackUp(what: 'main' | 'tests' = 'main'): Record<string, string> {
  execFileSync('bash', [STACK, what === 'tests' ? 'up-tests' : 'up'], { stdio: 'inherit' });
  return stackEnv();
}

/**
 * Another engine brought up for tests (scripts/stack.sh up-tests with STACK_ENGINE=engine), its
 * environment returned, not put into process.env: a lane's engine, for the workers of that lane.
 */
export function stackUpOther(engine: string): Record<string, string> {
  const env = { ...process.env, STACK_ENGINE: engine };
  execFileSync('bash', [STACK, 'up-tests'], { stdio: 'inherit', env });
  return stackEnvOf(env);
}

/**
 * The stack's environment (DOCKER_HOST, PATH with that engine's docker first, its DOCKER_CONFIG, …)
 * put into process.env. Reads only: the stack is already up.
 */
export function stackEnv(): Record<string, string> {
  const env = stackEnvOf(process.env);
  Object.assign(process.env, env);
  return env;
}

/** What `scripts/stack.sh env` prints for the engine `from` names (STACK_ENGINE), as variables. */
function stackEnvOf(from: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  const text = execFileSync('bash', [STACK, 'env'], { encoding: 'utf8', env: from });
  for (const line of text.split('\n')) {
    const match = /^export ([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line.trim());
    if (match) env[match[1]] = match[2].replace(/^(['"])(.*)\1$/, '$2');
  }
  return env;
}

/** Local Docker state as a fresh runner has it: no images, no build cache. The registry stays. */
export function wipeRunner(): void {
  execFileSync('bash', [STACK, 'wipe-runner'], { stdio: 'ignore' });
}

/**
 * A copy of a fixture in a temporary workspace, so a test may change it: a git repository with the
 * fixture as its first commit on main, as a runner's checkout is (the action reads the commit built
 * from it).
 */
export function copyFixture(name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cib-${name}-`));
  fs.cpSync(path.join(ROOT, 'test/fixtures', name), dir, { recursive: true });
  git(dir, 'init', '-q', '-b', 'main');
  commitAll(dir, name);
  return dir;
}

/**
 * A Dockerfile error: `RUN exit 3` right after the builder stage's WORKDIR, so that the build fails
 * before any compile. Returns its line (1-based), where the error must be annotated.
 */
export function breakDockerfile(file: string): number {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const workdir = lines.findIndex(l => l.startsWith('WORKDIR '));
  if (workdir < 0) throw new Error(`${file} has no WORKDIR to put the error after`);
  lines.splice(workdir + 1, 0, 'RUN exit 3');
  fs.writeFileSync(file, lines.join('\n'));
  return workdir + 2;
}

/**
 * Everything in the workspace as a new commit (an empty one when nothing changed), as a push brings
 * it: its SHA, which a run of it gets as GITHUB_SHA.
 */
export function commitAll(workspace: string, message = 'a change'): string {
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '--allow-empty', '--no-verify', '-m', message);
  return git(workspace, 'rev-parse', 'HEAD');
}

export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', ['-C', dir, ...args], {
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'e2e',
      GIT_AUTHOR_EMAIL: 'e2e@example.com',
      GIT_COMMITTER_NAME: 'e2e',
      GIT_COMMITTER_EMAIL: 'e2e@example.com'
    }
  }).trim();
}

export interface ModuleProxyScope {
  /** The GOPROXY of the scope: the stack's module proxy, its requests counted apart. */
  url: string;
  /** Module requests through this scope since its last reset. */
  stats(): Promise<{ total: number; byPath: Record<string, number> }>;
  reset(): Promise<void>;
}

/**
 * A scope of the stack's counting module proxy (scripts/modproxy.mjs): builds given its url as
 * GOPROXY are counted apart, so the counts are this test's alone even while other tests build.
 */
export function moduleProxyScope(name: string): ModuleProxyScope {
  const base = process.env.STACK_GOPROXY;
  if (!base) throw new Error('STACK_GOPROXY is not set: run under the e2e global setup (test/setup/stack.ts)');
  const scope = `${name}-${process.pid}-${Date.now().toString(36)}`;
  return {
    url: `${base}/scope/${scope}`,
    stats: async () => (await fetch(`${base}/_stats?scope=${scope}`)).json() as Promise<{ total: number; byPath: Record<string, number> }>,
    reset: async () => {
      await fetch(`${base}/_reset?scope=${scope}`, { method: 'POST' });
    }
  };
}

/** A commit SHA of 40 hex digits, different for each call. */
export function fakeSha(n: number): string {
  return (n.toString(16).padStart(8, '0') + 'c0ffee'.repeat(6)).slice(0, 40);
}
