// Faults of the registry, the Actions cache service and BuildKit, through loopback proxies of the
// tests' own on the real engine and registry: for each, the build's outcome, what was pushed, what
// the log said, and how long the main step took. A build that can succeed always does; nothing hangs
// past its limit; a push that fails moves no other tag.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { startFaultProxy, type FaultProxy, type RuleSpec } from '../support/fault-proxy.js';
import { startSilentListener, type SilentListener } from '../support/silent-listener.js';
import { emptyGoFolders, forgetMountMarkers, goRunnerEnv } from './support/go-runner.js';
import { REGISTRY, listTags, manifestDigest } from './support/registry.js';
import { commitAll, copyFixture } from './support/stack.js';

const id = Date.now().toString(36);
/**
 * Short limits, so a hang costs seconds: look-ups 3 s (a builder's start 12 s), 60 s of silence (a
 * docker push prints nothing while a layer uploads; the stall below sets 10 s).
 */
const LIMITS = { 'lookup-timeout': '3', 'idle-timeout': '60', 'copy-unchanged': 'false' };
const table: Array<{ fault: string; outcome: string; pushed: string; said: string; seconds: number }> = [];
let registry: FaultProxy;
let workspace = '';
/** Makes each appended Go declaration's name unique. */
let n = 0;

beforeAll(async () => {
  registry = await startFaultProxy({ upstream: REGISTRY, name: 'registry' });
  workspace = copyFixture('hello-svc');
}, 900_000);

afterAll(async () => {
  await (registry as FaultProxy | undefined)?.close(); // unset if beforeAll failed
  console.log(
    `faults (main step times; limits: lookup 3 s, idle 60 s unless said):\n${table.map(r => `  ${r.fault}: ${r.outcome}; pushed ${r.pushed}; ${r.said} (${r.seconds.toFixed(1)} s)`).join('\n')}`
  );
});

/** Tags, with the digest each names, of a repository behind the proxy (asked of the registry itself). */
async function tagsOf(image: string): Promise<Record<string, string>> {
  const direct = `${REGISTRY}/${image.slice(image.indexOf('/') + 1)}`;
  const out: Record<string, string> = {};
  for (const tag of await listTags(direct)) out[tag] = (await manifestDigest(direct, tag)) as string;
  return out;
}

async function withFault<T>(proxy: FaultProxy, spec: RuleSpec, work: () => Promise<T>): Promise<T> {
  const rule = proxy.add(spec);
  try {
    return await work();
  } finally {
    proxy.remove(rule);
  }
}

interface Faulted {
  run: ActionRun;
  before: Record<string, string>;
  after: Record<string, string>;
  seconds: number;
}

async function build(fault: string, image: string, inputs: Record<string, string> = {}, env: Record<string, string> = {}): Promise<Faulted> {
  const before = await tagsOf(image);
  const sha = commitAll(workspace);
  const started = Date.now();
  // The registry's and BuildKit's faults are about the calls around a build, not its compile: a
  // Dockerfile that compiles nothing, unless a test names another (the Actions cache's need Go).
  const run = await runAction({
    workspace,
    sha,
    env,
    inputs: { image, network: 'host', 'go-cache': 'false', file: 'Dockerfile.copyonly', ...LIMITS, ...inputs }
  });
  const seconds = (Date.now() - started) / 1000;
  const after = await tagsOf(image);
  const changed = Object.keys(after)
    .filter(t => before[t] !== after[t])
    .map(t => (t === sha ? 'commit' : t));
  const said = [...run.main.log.matchAll(/^::(warning|error)::(.*)$/gm)].map(m => `${m[1]}: ${m[2].slice(0, 160)}`).join(' | ') || 'no warning';
  table.push({ fault, outcome: run.main.exitCode === 0 ? 'succeeded' : 'failed', pushed: changed.join(', ') || 'nothing', said, seconds });
  expect(run.post.exitCode).toBe(0);
  return { run, before, after, seconds };
}

describe('registry faults', { timeout: 600_000 }, () => {
  const image = () => `${registry.address}/e2e/faults-${id}`;

  it('first, a build through the proxy with no fault: the cache tags the faults below aim at', async () => {
    const { run, after } = await build('none (warm-up)', image());
    expect(run.main.exitCode).toBe(0);
    expect(Object.keys(after).sort()).toEqual(expect.arrayContaining(['builder', 'latest']));
  });

  it.each([
    ['500 on reading the cache tag', { fault: 'status', status: 500 } as const, /500 Internal Server Error/],
    ['401 on reading the cache tag', { fault: 'status', status: 401 } as const, /401 Unauthorized|pull access denied|authorization/],
    ['403 on reading the cache tag', { fault: 'status', status: 403 } as const, /403 Forbidden|denied|forbidden/i],
    ['no answer when reading the cache tag', { fault: 'hang' } as const, /no answer \(still running after 3 s\)/]
  ])('%s: a warning that names the tag and the status, and the build succeeds without it', async (label, fault, status) => {
    const { run, seconds } = await withFault(registry, { path: /\/manifests\/builder$/, method: 'HEAD', ...fault }, () =>
      withFault(registry, { path: /\/manifests\/builder$/, method: 'GET', ...fault }, () => build(label, image()))
    );
    expect(run.main.exitCode).toBe(0);
    const warning = run.main.log.split('\n').find(l => l.startsWith(`::warning::Cache tag ${image()}:builder could not be read`));
    expect(warning).toMatch(status);
    expect(run.main.log).not.toMatch(/builder is not in the registry yet/);
    expect(seconds).toBeLessThan(120);
  });

  it("500 once on the commit tag's manifest: the push is tried again and succeeds", async () => {
    const { run, after } = await withFault(
      registry,
      { method: 'PUT', path: /\/manifests\/[0-9a-f]{40}$/, fault: 'status', status: 500, times: 1 },
      () => build('500 once on the commit tag push', image())
    );
    expect(run.main.exitCode).toBe(0);
    expect(run.main.log).toMatch(/looks passing; trying again in 1 s \(1 of 2\)/);
    expect(after.latest).toBe(run.outputs.digest);
  });

  it('500 on every push of the commit tag: the step fails saying what to check, and latest and the extra tags do not move', async () => {
    const { run, before, after } = await withFault(
      registry,
      { method: 'PUT', path: /\/manifests\/[0-9a-f]{40}$/, fault: 'status', status: 500 },
      () => build('500 on every commit tag push', image(), { tags: 'extra' })
    );
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toMatch(
      /::error::Push \S+ failed \(exit 1\): received unexpected HTTP status: 500 Internal Server Error\. Fix: check that the registry is reachable/
    );
    expect(after.latest).toBe(before.latest);
    expect(after.extra).toBeUndefined();
    expect(run.outputs.digest).toBe('');
    expect(run.outputs['latest-moved']).toBe('false');
  });

  it("a registry that stalls on the commit tag's manifest: killed after 10 s of silence, the step fails, nothing else moves", async () => {
    const { run, before, after, seconds } = await withFault(registry, { method: 'PUT', path: /\/manifests\/[0-9a-f]{40}$/, fault: 'hang' }, () =>
      build('commit tag push stalls (idle-timeout 10)', image(), { 'idle-timeout': '10' })
    );
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toMatch(/::error::Push \S+ failed: killed: no output for 10 s/);
    expect(after.latest).toBe(before.latest);
    expect(seconds).toBeLessThan(90);
  });
});

describe('BuildKit that accepts and never answers', { timeout: 600_000 }, () => {
  let silent: SilentListener;
  beforeAll(async () => {
    silent = await startSilentListener();
  });
  afterAll(async () => {
    await (silent as SilentListener | undefined)?.close(); // unset if beforeAll failed
  });

  it('auto: the builder is given up after its limit and the pull path builds', async () => {
    const image = `${REGISTRY}/e2e/faults-silent-${id}`;
    const { run, seconds } = await build('silent BuildKit endpoint, auto', image, { 'buildkit-endpoint': `tcp://${silent.address}` });
    expect(run.main.exitCode).toBe(0);
    expect(run.outputs.strategy).toBe('pull');
    expect(run.outputs['strategy-reason']).toMatch(/still running after/);
    expect(seconds).toBeLessThan(120);
  });

  it('cache-strategy buildx: the step fails before any build, saying why', async () => {
    const image = `${REGISTRY}/e2e/faults-silent-buildx-${id}`;
    const { run, after } = await build('silent BuildKit endpoint, buildx', image, {
      'buildkit-endpoint': `tcp://${silent.address}`,
      'cache-strategy': 'buildx'
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toMatch(/::error::cache-strategy buildx: .*still running after/);
    expect(after).toEqual({});
  });
});

describe('Actions cache faults', { timeout: 900_000 }, () => {
  let server: CacheServer;
  let cache: FaultProxy;
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-faults-home-'));
  const image = `${REGISTRY}/e2e/faults-cache-${id}`;
  // Every cache call goes through the proxy.
  const env = (protocol: 'v1' | 'v2' = 'v2'): Record<string, string> => goRunnerEnv(server, home, protocol, cache.url);
  const mounts = { file: 'Dockerfile.cachemount', 'go-cache': 'true' };
  // The engine keeps its cache mounts from build to build here: without their markers, so that the
  // action restores (and meets the fault) instead of finding a warm builder.
  const emptyGoDirs = () => {
    emptyGoFolders(home);
    forgetMountMarkers(`${REGISTRY}/base/go:1.26`);
  };

  beforeAll(async () => {
    server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-faults-cache-')), host: '127.0.0.1' });
    cache = await startFaultProxy({ upstream: `127.0.0.1:${server.port}`, name: 'cache' });
  });
  afterAll(async () => {
    await (cache as FaultProxy | undefined)?.close(); // unset if beforeAll failed
    await (server as CacheServer | undefined)?.close();
  });

  it('a save that fails (500 on every upload call): a warning in the post step, the job succeeds', async () => {
    emptyGoDirs();
    // A change to compile: a builder stage answered from the layer cache would save nothing.
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar saveFault = 1\n');
    const { run } = await withFault(cache, { method: 'POST', path: /_apis\/artifactcache\/caches/, fault: 'status', status: 500 }, () =>
      build('cache service 500 on save', image, mounts, env('v1'))
    );
    expect(run.main.exitCode).toBe(0);
    expect(run.post.exitCode).toBe(0);
    expect(run.post.log).toMatch(/^::warning::/m);
    expect(run.post.log).not.toMatch(/^::error::/m);
    expect(server.stats().entries).toBe(0);
  });

  it('a save with no fault, for the restores below to find', async () => {
    emptyGoDirs();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar cacheFaults = 1\n');
    const { run } = await build('none (saves the Go caches)', image, mounts, env());
    expect(run.main.exitCode).toBe(0);
    expect(run.post.log).toMatch(/Go caches saved under/);
    expect(server.stats().entries).toBe(1);
  });

  it.each([
    [
      "500 on the restore's look-up (GHES protocol: not retried)",
      'v1' as const,
      { path: /_apis\/artifactcache\/cache\?/, fault: 'status', status: 500 } satisfies RuleSpec,
      /Go caches|restor/i
    ],
    [
      'a truncated archive (no length to check it by)',
      'v2' as const,
      { method: 'GET', path: /^\/localcache\/actions-cache\//, fault: 'truncate', fraction: 0.5, keepLength: false } satisfies RuleSpec,
      /restoring the Go caches failed .*the folders were emptied/
    ],
    [
      'an archive download that never answers',
      'v2' as const,
      { method: 'GET', path: /^\/localcache\/actions-cache\//, fault: 'hang' } satisfies RuleSpec,
      /the cache service did not finish in time .*still running after 60 s.*the folders were emptied/
    ]
  ])('%s: a miss and a warning, no half cache left, and the build succeeds', async (label, protocol, spec, said) => {
    emptyGoDirs();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), `\nvar cacheFault${n++} = 1\n`);
    const { run } = await withFault(cache, spec, () => build(label, image, mounts, env(protocol)));
    expect(run.main.exitCode).toBe(0);
    expect(run.outputs['go-cache-hit']).toBe('miss');
    expect(run.main.log).toMatch(/::warning::/);
    expect(
      run.main.log
        .split('\n')
        .filter(l => l.startsWith('::warning::'))
        .join('\n')
    ).toMatch(said);
    expect(run.main.log).not.toMatch(/^::error::/m);
  });
});
