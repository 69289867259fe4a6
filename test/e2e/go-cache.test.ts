// The Go caches follow the build from runner to runner: restored through the Actions cache (the
// local service, speaking the protocol the real @actions/cache speaks), injected into the
// Dockerfile's cache mounts or used by go build on the runner, saved in the post step. The core
// scenario (cache mounts on the default builder) is in go-cache-mounts.test.ts; here: a buildx
// builder's mounts, flat saves over go.sum changes, prebuild through v1, streaming.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActionRun } from '../support/action-runner.js';
import { buildkitdUp, createRemoteBuilder, pruneBuilder, removeBuilder } from './support/buildkit.js';
import { compiledPackages, groupLines } from './support/log.js';
import { REGISTRY } from './support/registry.js';
import { compileOutput, goCacheHarness, OWN } from './support/go-cache-harness.js';
import { commitAll, copyFixture, wipeRunner } from './support/stack.js';

const h = goCacheHarness();

describe('Go caches through the cache mounts of a buildx builder (remote BuildKit)', { timeout: 1_800_000 }, () => {
  h.withOwnCacheService();
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
    h.freshRunner();
    pruneBuilder(builder);
  }

  it('cold on the buildx path: miss, the mounts are read back from the builder and saved', async () => {
    workspace = copyFixture('hello-svc');
    freshBuildxRunner();
    const run = await h.build('buildx mounts: cold', workspace, commitAll(workspace), inputs);
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs['go-cache-hit']).toBe('miss');
    expect(run.main.log).toContain('::group::Read cache mount gobuild back into');
    expect(run.post.log).toContain('Go caches saved under');
  });

  it('fresh runner and builder, one-line change: the mounts are filled on the builder, only the changed packages compile', async () => {
    freshBuildxRunner();
    await h.moduleProxy().reset();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const run = await h.build('buildx mounts: fresh runner, one-line change', workspace, commitAll(workspace), inputs);
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs['go-cache-hit']).toBe('exact');
    expect(run.main.log).toContain('::group::Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(compiledPackages(compileOutput(run.main.log)).sort()).toEqual([...OWN].sort());
    expect((await h.moduleProxy().stats()).total).toBe(0);
  });
});

describe('the saved Go caches stay flat over go.sum changes', { timeout: 600_000 }, () => {
  h.withOwnCacheService();
  const image = `${REGISTRY}/e2e/goflat-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.cachemount' };
  const sizes: number[] = [];
  let workspace = '';

  function savedSize(run: ActionRun): number {
    const key = /Go caches saved under (\S+):/.exec(run.post.log)?.[1];
    expect(key, 'the post step saved the caches').toBeDefined();
    const entry = h
      .server()
      .entries()
      .find(e => e.key === key);
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
        GOMODCACHE: path.join(h.runnerHome(), 'tidy-modcache')
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

    h.freshRunner();
    const cold = await h.build('flat: cold', workspace, commitAll(workspace), inputs);
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
    h.freshRunner();
    const dropped = await h.build('flat: go.sum without uuid', workspace, commitAll(workspace), inputs);
    expect(dropped.outputs['go-cache-hit']).toBe('partial');
    const removed = /removed (\d+) module files .* and (\d+) GOCACHE files/.exec(dropped.main.log);
    // Go marked what it used; the rest of the restored GOCACHE (the old greeting package, uuid) goes.
    expect(Number(removed?.[1])).toBeGreaterThan(0);
    expect(Number(removed?.[2])).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(h.goDirs().GOMODCACHE, 'github.com/google/uuid@v1.6.0'))).toBe(false);
    sizes.push(savedSize(dropped));

    // Back to the original code with one more go.sum line: another key, uuid comes back.
    for (const [file, text] of Object.entries(original)) fs.writeFileSync(path.join(workspace, file), text);
    fs.appendFileSync(path.join(workspace, 'go.sum'), `example.com/unused v1.0.0/go.mod h1:${'A'.repeat(43)}=\n`);
    h.freshRunner();
    const back = await h.build('flat: uuid back', workspace, commitAll(workspace), inputs);
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
  h.withOwnCacheService();
  const image = `${REGISTRY}/e2e/goprebuild-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.prebuilt', prebuild: './cmd/hello-svc' };
  let workspace = '';
  const PREBUILD = 'go build ./cmd/hello-svc on the runner';

  it('cold: builds on the runner, packages the binary, saves the caches', async () => {
    workspace = copyFixture('hello-svc');
    h.freshRunner();
    await h.moduleProxy().reset();
    const run = await h.build('prebuild (v1 protocol): cold', workspace, commitAll(workspace), inputs, 'v1');
    expect(compiledPackages(groupLines(run.main.log, PREBUILD)).length).toBeGreaterThan(30);
    expect((await h.moduleProxy().stats()).total).toBeGreaterThan(0);
    expect(fs.existsSync(path.join(workspace, '.prebuilt/hello-svc'))).toBe(true);
    expect(run.post.log).toContain('Go caches saved under');
    expect(run.outputs.digest).toMatch(/^sha256:/);
  });

  it('fresh runner, one-line change: exact hit, only the changed packages compile, no module download; what they added saved as a delta', async () => {
    h.freshRunner();
    fs.rmSync(path.join(workspace, '.prebuilt'), { recursive: true, force: true });
    await h.moduleProxy().reset();
    const uploadsBefore = h.server().stats().bytesUploaded;
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const sha = commitAll(workspace);
    const run = await h.build('prebuild (v1 protocol): fresh runner, one-line change', workspace, sha, inputs, 'v1');
    expect(run.outputs['go-cache-hit']).toBe('exact');
    expect(compiledPackages(groupLines(run.main.log, PREBUILD)).sort()).toEqual([...OWN].sort());
    expect((await h.moduleProxy().stats()).total).toBe(0);
    // Collected on the runner: the GOCACHE entries newer than the restore.
    expect(run.post.log).toMatch(new RegExp(`Go caches saved under cached-image-build-godelta-Linux-X64-go1\\.26(\\.\\d+)?-[0-9a-f]{64}-${sha}`));
    expect(h.server().stats().bytesUploaded - uploadsBefore).toBeLessThan(uploadsBefore / 10);
  });

  it("warm machine (the runner's Go folders kept), one-line change: they name the key, so nothing is restored", async () => {
    // As a self-hosted runner: the engine may be wiped, the Go folders are not.
    wipeRunner();
    const downloadsBefore = h.server().stats().bytesDownloaded;
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar warmMarker = 2\n');
    const run = await h.build('prebuild (v1 protocol): warm machine, one-line change', workspace, commitAll(workspace), inputs, 'v1');
    expect(run.outputs['go-cache-hit']).toBe('warm');
    expect(run.main.log).toMatch(
      /the runner's Go folders already hold the Go caches of cached-image-build-go-Linux-X64-go1\.26\S*-[0-9a-f]{64}: not restored/
    );
    expect(run.main.log).not.toContain('::group::Restore the Go caches');
    expect(h.server().stats().bytesDownloaded).toBe(downloadsBefore);
    expect(compiledPackages(groupLines(run.main.log, PREBUILD)).sort()).toEqual([...OWN].sort());
    expect(run.post.log).not.toContain('Go caches saved');
  });
});

describe('the action streams: its Node process stays small however large the caches are', { timeout: 600_000 }, () => {
  h.withOwnCacheService();
  const MB = 1024 * 1024;
  const image = `${REGISTRY}/e2e/gomemory-${Date.now().toString(36)}`;
  // Built each time: a copy of latest would restore nothing.
  const inputs = { image, file: 'Dockerfile.prebuilt', prebuild: './cmd/hello-svc', 'copy-unchanged': 'false' };

  it('saves and restores a 300 MB GOCACHE under 200 MB resident', async () => {
    const workspace = copyFixture('hello-svc');
    h.freshRunner();
    // Incompressible entries, as Go names them, in the runner's GOCACHE before a cold build.
    for (let i = 0; i < 300; i++) {
      const dir = path.join(h.goDirs().GOCACHE, (i % 256).toString(16).padStart(2, '0'));
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, `${randomBytes(32).toString('hex')}-d`), randomBytes(MB));
    }
    const saved = await h.build('memory: save 300 MB', workspace, commitAll(workspace), inputs);
    const savedMb = Number(/Go caches saved under \S+: ([\d.]+) MB/.exec(saved.post.log)?.[1]);
    expect(savedMb).toBeGreaterThan(300);
    h.freshRunner();
    const restored = await h.build('memory: restore 300 MB', workspace, commitAll(workspace), inputs);
    expect(restored.outputs['go-cache-hit']).toBe('exact');
    const peaks = [saved.main, saved.post, restored.main, restored.post].map(s => s.maxRssMb ?? Infinity);
    console.log(
      `peak RSS of the action (MB): save main ${peaks[0].toFixed(0)}, save post ${peaks[1].toFixed(0)}, restore main ${peaks[2].toFixed(0)}, restore post ${peaks[3].toFixed(0)}`
    );
    for (const peak of peaks) expect(peak).toBeLessThan(200);
  });
});
