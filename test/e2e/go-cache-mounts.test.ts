// The Go caches follow the build from runner to runner through BuildKit's cache mounts: restored
// through the Actions cache (the local service, speaking the protocol the real @actions/cache
// speaks), injected into the Dockerfile's cache mounts, read back and saved in the post step. The
// core scenario, which CI runs on every engine; the rest is in go-cache.test.ts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compiledPackages, stageBuildSteps } from './support/log.js';
import { REGISTRY } from './support/registry.js';
import { compileOutput, goCacheHarness, OWN } from './support/go-cache-harness.js';
import { commitAll, copyFixture, ENGINE } from './support/stack.js';

const h = goCacheHarness();

describe('Go caches through BuildKit cache mounts', { timeout: 600_000 }, () => {
  h.withOwnCacheService();
  const image = `${REGISTRY}/e2e/gomounts-${Date.now().toString(36)}`;
  const inputs = { image, file: 'Dockerfile.cachemount' };
  let workspace = '';
  let coldPackages: string[] = [];

  it('cold: miss, everything compiled and downloaded, caches read back and saved', async () => {
    workspace = copyFixture('hello-svc');
    h.freshRunner();
    await h.moduleProxy().reset();
    const run = await h.build('mounts: cold', workspace, commitAll(workspace), inputs);
    h.compileSeconds('cold', run);
    expect(run.outputs['go-cache-hit']).toBe('miss');
    coldPackages = compiledPackages(compileOutput(run.main.log));
    expect(coldPackages.length).toBeGreaterThan(30);
    expect((await h.moduleProxy().stats()).total).toBeGreaterThan(0);
    expect(run.main.log).toContain('::group::Read cache mount gomod back into');
    expect(run.main.log).toContain('::group::Read cache mount gobuild back into');
    expect(run.post.log).toMatch(/Go caches saved under cached-image-build-go-Linux-X64-go1\.26-[0-9a-f]{64}/);
    expect(h.server().stats().entries).toBe(1);
  });

  it('fresh runner, one-line change: exact hit, only the changed packages compile, no module download; only what the build added is saved, as a delta', async () => {
    h.freshRunner();
    await h.moduleProxy().reset();
    const uploadsBefore = h.server().stats().bytesUploaded;
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar buildMarker = "one-line change"\n');
    const sha = commitAll(workspace);
    const run = await h.build('mounts: fresh runner, one-line change', workspace, sha, inputs);
    h.compileSeconds('fresh runner, restored caches, one-line change', run);
    expect(run.outputs['go-cache-hit']).toBe('exact');
    // One throwaway build fills both mounts.
    expect(run.main.log).toContain('::group::Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(run.main.log.split('\n').filter(line => /^\[command\].* --file \S*fill\.Dockerfile /.test(line))).toHaveLength(1);
    const compiled = compiledPackages(compileOutput(run.main.log));
    expect(compiled.sort()).toEqual([...OWN].sort());
    expect((await h.moduleProxy().stats()).total).toBe(0);
    // An exact hit: the mounts are not read back whole; what the build added is, and saved as a small delta.
    expect(run.main.log).not.toContain('::group::Read cache mount');
    expect(run.main.log).toContain('::group::Read what the build added to cache mount gobuild back into');
    expect(run.post.log).toMatch(new RegExp(`Go caches saved under cached-image-build-godelta-Linux-X64-go1\\.26-[0-9a-f]{64}-${sha}`));
    const uploaded = h.server().stats().bytesUploaded - uploadsBefore;
    expect(uploaded).toBeGreaterThan(0);
    expect(uploaded).toBeLessThan(uploadsBefore / 10);
    expect(h.server().stats().entries).toBe(2);
    expect(run.summary).toContain('Go caches');
  });

  it("warm machine (nothing wiped), one-line change: the builder's mounts hold the key, so nothing is restored or filled", async () => {
    fs.appendFileSync(path.join(workspace, 'cmd/hello-svc/main.go'), '\nvar warmMarker = 1\n');
    const run = await h.build('mounts: warm machine, one-line change', workspace, commitAll(workspace), inputs);
    h.compileSeconds('warm machine, one-line change', run);
    expect(run.outputs['go-cache-hit']).toBe('warm');
    expect(run.main.log).toMatch(
      /the builder's cache mounts already hold the Go caches of cached-image-build-go-Linux-X64-go1\.26-[0-9a-f]{64}: not restored, not filled/
    );
    expect(run.main.log).toMatch(
      /The builder's Go cache mounts: gomod: cached-image-build-go-\S+, gobuild: cached-image-build-go-\S+ \(asked in [\d.]+ s\)/
    );
    expect(run.main.log).not.toContain('::group::Fill cache mount');
    // The mounts still hold the greeting package the fresh runner compiled: only main compiles.
    expect(compiledPackages(compileOutput(run.main.log))).toEqual(['example.com/hello-svc/cmd/hello-svc']);
    expect(run.post.log).not.toContain('Go caches saved');
  });

  it('no drift: a fresh runner after a change in another package restores the delta too, and compiles only that package', async () => {
    h.freshRunner();
    fs.appendFileSync(path.join(workspace, 'cmd/hello-svc/main.go'), '\nvar driftMarker = 1\n');
    const sha = commitAll(workspace);
    const run = await h.build('mounts: fresh runner, change in another package', workspace, sha, inputs);
    expect(run.outputs['go-cache-hit']).toBe('exact');
    expect(run.main.log).toMatch(
      /Restored the delta cached-image-build-godelta-Linux-X64-go1\.26-[0-9a-f]{64}-[0-9a-f]{40}: [1-9]\d* GOCACHE entries/
    );
    // Without the delta, greeting (changed since the key's entry) would compile again.
    expect(compiledPackages(compileOutput(run.main.log))).toEqual(['example.com/hello-svc/cmd/hello-svc']);
    expect(run.post.log).toMatch(new RegExp(`Go caches saved under cached-image-build-godelta-.*-${sha}`));
  });

  it('fresh runner, no change: latest was built from the same inputs, so the Go caches are neither restored nor injected', async () => {
    h.freshRunner();
    await h.moduleProxy().reset();
    const downloadsBefore = h.server().stats().bytesDownloaded;
    const run = await h.build('mounts: fresh runner, no change', workspace, commitAll(workspace), { ...inputs, 'copy-unchanged': 'false' });
    expect(run.outputs['go-cache-hit']).toBe('unneeded');
    expect(run.main.log).toMatch(/:latest was built from the same inputs [0-9a-f]{12} \(\d+ entries/);
    expect(run.main.log).not.toContain('::group::Restore the Go caches');
    expect(run.main.log).not.toContain('::group::Fill cache mount');
    expect(run.main.log).not.toContain('::group::Read cache mount');
    expect(h.server().stats().bytesDownloaded).toBe(downloadsBefore);
    const builder = stageBuildSteps(run.main.log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));
    expect(builder.length).toBeGreaterThan(3);
    // The steps that did not come from the cache, named: an empty list is the claim. CANCELED: dockerd
    // 20.10's BuildKit stops a step it had started once a later one is found in the cache (CI, 2026-12-03).
    expect(builder.filter(v => v.status !== 'cached' && v.status !== 'canceled').map(v => `${v.position} ${v.instruction}: ${v.status}`)).toEqual([]);
    expect(run.outputs['builder-cache-hit']).toBe('true');
    expect((await h.moduleProxy().stats()).total).toBe(0);
    expect(run.post.log).not.toContain('Go caches saved');
    expect(run.main.log).not.toContain('::warning::');
  });

  it('a file .dockerignore leaves out changes nothing: the inputs still match', async () => {
    // .dockerignore of hello-svc leaves out README.md: BuildKit never sees it, and neither does the hash.
    fs.appendFileSync(path.join(workspace, 'README.md'), '\nignored line\n');
    h.freshRunner();
    const ignored = await h.build('mounts: fresh runner, ignored file changed', workspace, commitAll(workspace), inputs);
    expect(ignored.outputs['go-cache-hit']).toBe('unneeded');
    expect(ignored.outputs['builder-cache-hit']).toBe('true');
  });

  // The cache service's faults do not depend on the engine: this cold compile runs on the default one only.
  it.runIf(ENGINE === 'docker28')('the cache service down: a warning, and the build succeeds without the caches', async () => {
    h.freshRunner();
    h.server().setFault('refuse');
    try {
      fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar secondMarker = 2\n');
      const run = await h.build('mounts: cache service down', workspace, commitAll(workspace), inputs);
      expect(run.outputs['go-cache-hit']).toBe('miss');
      expect(run.main.log).toMatch(/::warning::.*(cache|Cache)/);
      expect(run.outputs.digest).toMatch(/^sha256:/);
    } finally {
      h.server().setFault('none');
    }
  });
});
