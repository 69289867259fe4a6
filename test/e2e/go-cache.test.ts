// The Go caches follow the build from runner to runner: restored through the Actions cache (the
// local service, speaking the protocol the real @actions/cache speaks), injected into the
// Dockerfile's cache mounts or used by go build on the runner, saved in the post step.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { buildkitdUp, createRemoteBuilder, pruneBuilder, removeBuilder } from './support/buildkit.js';
import { compiledPackages, groupLines, stageBuildSteps, stageBuildTitle, stepOutput } from './support/log.js';
import { REGISTRY } from './support/registry.js';
import { goRunnerEnv } from './support/go-runner.js';
import { copyFixture, fakeSha, moduleProxyStats, resetModuleProxy, stackUp, wipeRunner } from './support/stack.js';

let server: CacheServer;
let runnerHome = '';
const times: Array<[string, number]> = [];

/** The runner's Go folders: stable paths (the cache version hashes them), emptied for a fresh runner. */
function goDirs(): Record<string, string> {
  return { GOMODCACHE: path.join(runnerHome, 'go/pkg/mod'), GOCACHE: path.join(runnerHome, '.cache/go-build') };
}

function freshRunner(): void {
  wipeRunner();
  for (const dir of Object.values(goDirs())) {
    if (fs.existsSync(dir)) {
      fs.chmodSync(dir, 0o755);
      fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
    }
  }
}

async function build(
  label: string,
  workspace: string,
  sha: string,
  inputs: Record<string, string>,
  protocol: 'v1' | 'v2' = 'v2'
): Promise<ActionRun> {
  const run = await runAction({
    workspace,
    sha,
    measureMemory: true,
    inputs: { network: 'host', ...inputs },
    env: goRunnerEnv(server, runnerHome, protocol)
  });
  times.push([label, run.main.durationMs + run.post.durationMs]);
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
  expect(run.post.exitCode).toBe(0);
  return run;
}

beforeAll(() => {
  stackUp();
  runnerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-runner-home-'));
}, 900_000);

/** Each describe gets an empty Actions cache service of its own, as a new repository would. */
function withOwnCacheService(): void {
  beforeAll(async () => {
    server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-cache-')), host: '127.0.0.1' });
  });
  afterAll(async () => {
    await server.close();
  });
}

const compileTimes: Array<[string, number | undefined]> = [];

afterAll(() => {
  console.log(`go cache times (main + post):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
  console.log(`compile step (BuildKit's time for RUN go build):\n${compileTimes.map(([l, s]) => `  ${l}: ${s?.toFixed(1)} s`).join('\n')}`);
});

function compileSeconds(label: string, run: ActionRun): void {
  compileTimes.push([label, stageBuildSteps(run.main.log, 'builder').find(v => COMPILE.test(v.instruction ?? ''))?.seconds]);
}

const COMPILE = /^RUN .*go build/;
/** What the compile printed, in the first build that reached the builder stage. */
const compileOutput = (log: string) => stepOutput(log, stageBuildTitle(log, 'builder'), COMPILE);
const OWN = ['example.com/hello-svc/internal/greeting', 'example.com/hello-svc/cmd/hello-svc'];

describe('Go caches through BuildKit cache mounts', { timeout: 600_000 }, () => {
  withOwnCacheService();
  const image = `${REGISTRY}/e2e/gomounts-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.cachemount' };
  let workspace = '';
  let coldPackages: string[] = [];

  it('cold: miss, everything compiled and downloaded, caches read back and saved', async () => {
    workspace = copyFixture('hello-svc');
    freshRunner();
    await resetModuleProxy();
    const run = await build('mounts: cold', workspace, fakeSha(101), inputs);
    compileSeconds('cold', run);
    expect(run.outputs['go-cache-hit']).toBe('miss');
    coldPackages = compiledPackages(compileOutput(run.main.log));
    expect(coldPackages.length).toBeGreaterThan(30);
    expect((await moduleProxyStats()).total).toBeGreaterThan(0);
    expect(run.main.log).toContain('::group::Read cache mount gomod back into');
    expect(run.main.log).toContain('::group::Read cache mount gobuild back into');
    expect(run.post.log).toMatch(/Go caches saved under cached-image-build-go-Linux-X64-go1\.26-[0-9a-f]{64}/);
    expect(server.stats().entries).toBe(1);
  });

  it('fresh runner, one-line change: exact hit, only the changed packages compile, no module download, no save', async () => {
    freshRunner();
    await resetModuleProxy();
    const uploadsBefore = server.stats().bytesUploaded;
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const run = await build('mounts: fresh runner, one-line change', workspace, fakeSha(102), inputs);
    compileSeconds('fresh runner, restored caches, one-line change', run);
    expect(run.outputs['go-cache-hit']).toBe('exact');
    // One throwaway build fills both mounts.
    expect(run.main.log).toContain('::group::Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(run.main.log.split('\n').filter(line => /^\[command\].* --file \S*fill\.Dockerfile /.test(line))).toHaveLength(1);
    const compiled = compiledPackages(compileOutput(run.main.log));
    expect(compiled.sort()).toEqual([...OWN].sort());
    expect((await moduleProxyStats()).total).toBe(0);
    // An exact hit: nothing to read back, nothing saved.
    expect(run.main.log).not.toContain('::group::Read cache mount');
    expect(run.post.log).not.toContain('Go caches saved');
    expect(server.stats().bytesUploaded).toBe(uploadsBefore);
    expect(run.summary).toContain('Go caches');
  });

  it('fresh runner, no change: latest was built from the same inputs, so the Go caches are neither restored nor injected', async () => {
    freshRunner();
    await resetModuleProxy();
    const downloadsBefore = server.stats().bytesDownloaded;
    const run = await build('mounts: fresh runner, no change', workspace, fakeSha(103), { ...inputs, 'copy-unchanged': 'false' });
    expect(run.outputs['go-cache-hit']).toBe('unneeded');
    expect(run.main.log).toMatch(/:latest was built from the same inputs [0-9a-f]{12} \(\d+ entries/);
    expect(run.main.log).not.toContain('::group::Restore the Go caches');
    expect(run.main.log).not.toContain('::group::Fill cache mount');
    expect(run.main.log).not.toContain('::group::Read cache mount');
    expect(server.stats().bytesDownloaded).toBe(downloadsBefore);
    expect(run.outputs['builder-cache-hit']).toBe('true');
    const builder = stageBuildSteps(run.main.log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));
    expect(builder.length).toBeGreaterThan(3);
    expect(builder.every(v => v.status === 'cached')).toBe(true);
    expect((await moduleProxyStats()).total).toBe(0);
    expect(run.post.log).not.toContain('Go caches saved');
    expect(run.main.log).not.toContain('::warning::');
  });

  it('a file .dockerignore leaves out changes nothing: the inputs still match', async () => {
    // .dockerignore of hello-svc leaves out README.md: BuildKit never sees it, and neither does the hash.
    fs.appendFileSync(path.join(workspace, 'README.md'), '\nignored line\n');
    freshRunner();
    const ignored = await build('mounts: fresh runner, ignored file changed', workspace, fakeSha(105), inputs);
    expect(ignored.outputs['go-cache-hit']).toBe('unneeded');
    expect(ignored.outputs['builder-cache-hit']).toBe('true');
  });

  it('warm machine (nothing wiped), one-line change: the limit a fresh runner is measured against', async () => {
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar warmMarker = 1\n');
    const run = await build('mounts: warm machine, one-line change', workspace, fakeSha(104), inputs);
    compileSeconds('warm machine, one-line change', run);
    expect(compiledPackages(compileOutput(run.main.log)).sort()).toEqual([...OWN].sort());
  });

  it('the cache service down: a warning, and the build succeeds without the caches', async () => {
    freshRunner();
    server.setFault('refuse');
    try {
      fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar secondMarker = 2\n');
      const run = await build('mounts: cache service down', workspace, fakeSha(103), inputs);
      expect(run.outputs['go-cache-hit']).toBe('miss');
      expect(run.main.log).toMatch(/::warning::.*(cache|Cache)/);
      expect(run.outputs.digest).toMatch(/^sha256:/);
    } finally {
      server.setFault('none');
    }
  });
});

describe('Go caches through the cache mounts of a buildx builder (remote BuildKit)', { timeout: 1_800_000 }, () => {
  withOwnCacheService();
  const image = `${REGISTRY}/e2e/gobuildx-${Date.now().toString(36)}`;
  const builder = `cib-gocache-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.cachemount', 'cache-strategy': 'buildx', builder };
  let workspace = '';

  beforeAll(() => {
    createRemoteBuilder(builder, buildkitdUp());
  }, 1_800_000);
  afterAll(() => {
    removeBuilder(builder);
  });

  function freshBuildxRunner(): void {
    freshRunner();
    pruneBuilder(builder);
  }

  it('cold on the buildx path: miss, the mounts are read back from the builder and saved', async () => {
    workspace = copyFixture('hello-svc');
    freshBuildxRunner();
    const run = await build('buildx mounts: cold', workspace, fakeSha(501), inputs);
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs['go-cache-hit']).toBe('miss');
    expect(run.main.log).toContain('::group::Read cache mount gobuild back into');
    expect(run.post.log).toContain('Go caches saved under');
  });

  it('fresh runner and builder, one-line change: the mounts are filled on the builder, only the changed packages compile', async () => {
    freshBuildxRunner();
    await resetModuleProxy();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const run = await build('buildx mounts: fresh runner, one-line change', workspace, fakeSha(502), inputs);
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs['go-cache-hit']).toBe('exact');
    expect(run.main.log).toContain('::group::Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(compiledPackages(compileOutput(run.main.log)).sort()).toEqual([...OWN].sort());
    expect((await moduleProxyStats()).total).toBe(0);
  });
});

describe('the saved Go caches stay flat over go.sum changes', { timeout: 600_000 }, () => {
  withOwnCacheService();
  const image = `${REGISTRY}/e2e/goflat-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.cachemount' };
  const sizes: number[] = [];
  let workspace = '';

  function savedSize(run: ActionRun): number {
    const key = /Go caches saved under (\S+):/.exec(run.post.log)?.[1];
    expect(key, 'the post step saved the caches').toBeDefined();
    const entry = server.entries().find(e => e.key === key);
    if (!entry) throw new Error(`the cache service has no entry under ${String(key)}`);
    return entry.size;
  }

  function tidy(): void {
    execFileSync('go', ['mod', 'tidy'], {
      cwd: workspace,
      env: {
        ...process.env,
        GOPROXY: process.env.STACK_GOPROXY,
        GOFLAGS: '-mod=mod',
        GOSUMDB: 'off',
        GOMODCACHE: path.join(runnerHome, 'tidy-modcache')
      }
    });
  }

  it('go.sum changes restore the newest entry (partial) and save only what the build used', async () => {
    workspace = copyFixture('hello-svc');
    const original = Object.fromEntries(
      ['go.mod', 'go.sum', 'internal/greeting/greeting.go', 'internal/greeting/greeting_test.go'].map(f => [
        f,
        fs.readFileSync(path.join(workspace, f), 'utf8')
      ])
    );

    freshRunner();
    const cold = await build('flat: cold', workspace, fakeSha(301), inputs);
    expect(cold.outputs['go-cache-hit']).toBe('miss');
    const coldCompiled = compiledPackages(compileOutput(cold.main.log));
    sizes.push(savedSize(cold));

    // Drop a dependency: go.sum changes, the old entry is restored as a partial hit.
    const greeting = path.join(workspace, 'internal/greeting/greeting.go');
    fs.writeFileSync(
      greeting,
      original['internal/greeting/greeting.go']
        .replace('\t"github.com/google/uuid"\n', '')
        .replace('uuid.NewString()', 'now.UTC().Format(time.RFC3339Nano)')
    );
    fs.rmSync(path.join(workspace, 'internal/greeting/greeting_test.go'));
    tidy();
    expect(fs.readFileSync(path.join(workspace, 'go.sum'), 'utf8')).not.toContain('github.com/google/uuid');
    freshRunner();
    const dropped = await build('flat: go.sum without uuid', workspace, fakeSha(302), inputs);
    expect(dropped.outputs['go-cache-hit']).toBe('partial');
    const removed = /removed (\d+) module files .* and (\d+) GOCACHE files/.exec(dropped.main.log);
    // Go marked what it used; the rest of the restored GOCACHE (the old greeting package, uuid) goes.
    expect(Number(removed?.[1])).toBeGreaterThan(0);
    expect(Number(removed?.[2])).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(goDirs().GOMODCACHE, 'github.com/google/uuid@v1.6.0'))).toBe(false);
    sizes.push(savedSize(dropped));

    // Back to the original code with one more go.sum line: another key, uuid comes back.
    for (const [file, text] of Object.entries(original)) fs.writeFileSync(path.join(workspace, file), text);
    fs.appendFileSync(path.join(workspace, 'go.sum'), `example.com/unused v1.0.0/go.mod h1:${'A'.repeat(43)}=\n`);
    freshRunner();
    const back = await build('flat: uuid back', workspace, fakeSha(303), inputs);
    expect(back.outputs['go-cache-hit']).toBe('partial');
    // What the previous build used was kept: only uuid, what it needs and our own packages compile.
    const compiled = compiledPackages(compileOutput(back.main.log));
    expect(compiled).toContain('github.com/google/uuid');
    expect(compiled.length).toBeLessThan(coldCompiled.length / 3);
    sizes.push(savedSize(back));

    console.log(`saved Go cache archive sizes over the runs: ${sizes.map(b => `${(b / 1e6).toFixed(2)} MB`).join(', ')}`);
    // Without keeping only what was used, each partial save would hold the old entry and more.
    expect(sizes[1]).toBeLessThan(sizes[0]);
    expect(sizes[2]).toBeLessThanOrEqual(sizes[0] * 1.02);
  });
});

describe('Go caches in prebuild mode (go build on the runner), through the v1 (GHES) protocol', { timeout: 600_000 }, () => {
  withOwnCacheService();
  const image = `${REGISTRY}/e2e/goprebuild-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.prebuilt', prebuild: './cmd/hello-svc' };
  let workspace = '';
  const PREBUILD = 'go build ./cmd/hello-svc on the runner';

  it('cold: builds on the runner, packages the binary, saves the caches', async () => {
    workspace = copyFixture('hello-svc');
    freshRunner();
    await resetModuleProxy();
    const run = await build('prebuild (v1 protocol): cold', workspace, fakeSha(201), inputs, 'v1');
    expect(compiledPackages(groupLines(run.main.log, PREBUILD)).length).toBeGreaterThan(30);
    expect((await moduleProxyStats()).total).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(workspace, '.prebuilt/hello-svc'))).toBe(true);
    expect(run.post.log).toContain('Go caches saved under');
    expect(run.outputs.digest).toMatch(/^sha256:/);
  });

  it('fresh runner, one-line change: exact hit, only the changed packages compile, no module download', async () => {
    freshRunner();
    fs.rmSync(path.join(workspace, '.prebuilt'), { recursive: true, force: true });
    await resetModuleProxy();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const run = await build('prebuild (v1 protocol): fresh runner, one-line change', workspace, fakeSha(202), inputs, 'v1');
    expect(run.outputs['go-cache-hit']).toBe('exact');
    expect(compiledPackages(groupLines(run.main.log, PREBUILD)).sort()).toEqual([...OWN].sort());
    expect((await moduleProxyStats()).total).toBe(0);
    expect(run.post.log).not.toContain('Go caches saved');
  });
});

describe('the action streams: its Node process stays small however large the caches are', { timeout: 600_000 }, () => {
  withOwnCacheService();
  const MB = 1024 * 1024;
  const image = `${REGISTRY}/e2e/gomemory-${Date.now().toString(36)}`;
  // Built each time: a copy of latest would restore nothing.
  const inputs = { image, file: 'Dockerfile.prebuilt', prebuild: './cmd/hello-svc', 'copy-unchanged': 'false' };

  it('saves and restores a 300 MB GOCACHE under 200 MB resident', async () => {
    const workspace = copyFixture('hello-svc');
    freshRunner();
    // Incompressible entries, as Go names them, in the runner's GOCACHE before a cold build.
    for (let i = 0; i < 300; i++) {
      const dir = path.join(goDirs().GOCACHE, (i % 256).toString(16).padStart(2, '0'));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${randomBytes(32).toString('hex')}-d`), randomBytes(MB));
    }
    const saved = await build('memory: save 300 MB', workspace, fakeSha(401), inputs);
    const savedMb = Number(/Go caches saved under \S+: ([\d.]+) MB/.exec(saved.post.log)?.[1]);
    expect(savedMb).toBeGreaterThan(300);
    freshRunner();
    const restored = await build('memory: restore 300 MB', workspace, fakeSha(402), inputs);
    expect(restored.outputs['go-cache-hit']).toBe('exact');
    const peaks = [saved.main, saved.post, restored.main, restored.post].map(s => s.maxRssMb ?? Infinity);
    console.log(
      `peak RSS of the action (MB): save main ${peaks[0].toFixed(0)}, save post ${peaks[1].toFixed(0)}, restore main ${peaks[2].toFixed(0)}, restore post ${peaks[3].toFixed(0)}`
    );
    for (const peak of peaks) expect(peak).toBeLessThan(200);
  });
});
