import { describe, expect, it } from 'vitest';
import { goMounts, mountsHoldKey, MOUNT_MARKER, type GoCacheHit } from '../src/cache/go-cache.js';
import { readConfig } from '../src/config.js';
import { readDockerfile } from '../src/dockerfile.js';
import type { Facts } from '../src/facts.js';
import { commonFolder, countCacheMountRecords, planCacheMountRecords, planMountProbe } from '../src/plan/go.js';
import { builderBuild } from '../src/plan/buildx.js';
import { planPull } from '../src/plan/pull.js';
import { FACTS, environment, inputs, makeWorkspace, planInputOf, pullRequestEvent } from './support/workspace.js';
import * as fs from 'node:fs';
import * as path from 'node:path';

const DOCKERFILE = `FROM 127.0.0.1:5000/base/go:1.26 AS builder
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked go mod download
RUN --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 go build ./...
FROM 127.0.0.1:5000/base/runtime:latest
`;
const facts = FACTS;
const ws = makeWorkspace(DOCKERFILE);
fs.writeFileSync(path.join(ws, 'go.mod'), 'module x\n\ngo 1.26\n');
const config = (values: Record<string, string> = {}) => readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws));
const plan = (values: Record<string, string>, hit: GoCacheHit, more: { facts?: Facts; event?: ReturnType<typeof pullRequestEvent> } = {}) =>
  planPull(planInputOf(ws, values, { go: state(hit), ...more }));
const mounts = goMounts(readDockerfile(DOCKERFILE), 'auto');
const KEY = 'cached-image-build-go-Linux-X64-go1.26-0123abcd';
const state = (hit: GoCacheHit) => ({
  hit,
  key: KEY,
  dirs: facts.goDirs,
  mounts,
  baseImage: '127.0.0.1:5000/base/go:1.26',
  ...(hit === 'exact' ? { deltaDir: '/home/runner/.cache/go-build-delta', deltaSince: '2026-12-02T21:40:00.750Z' } : {})
});

describe('Go cache mounts in the plan', () => {
  it('fills the mounts before the builds and, after a partial hit, reads them back after the outputs are written', () => {
    const p = plan({}, 'partial');
    expect(p.steps.map(s => s.id)).toEqual(['fill', 'build-builder', 'build-final', expect.stringMatching(/^push-/), 'push-builder']);
    expect(p.readBack.map(s => s.id)).toEqual(['extract-mod-0', 'unpack-mod-0', 'extract-build-1', 'unpack-build-1']);
  });
  it('gives the helper builds the mount exactly as the Dockerfile has it, and a nonce', () => {
    const p = plan({}, 'partial');
    const inject = p.files.find(f => f.path.endsWith('fill.Dockerfile'))?.content ?? '';
    // One build fills both mounts; its context is the folder holding both caches, each bound by its path.
    expect(inject).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked --mount=type=bind,source=go/pkg/mod,target=/cib-in-0 \\',
        '    --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 --mount=type=bind,source=.cache/go-build,target=/cib-in-1 \\',
        '    cp -a /cib-in-0/. /go/pkg/mod/ && cp -a /cib-in-1/. /root/.cache/go-build/ && echo filled 20261122000000000',
        ''
      ].join('\n')
    );
    const step = p.steps.find(s => s.id === 'fill');
    expect(step?.title).toBe('Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(step?.argv.at(-1)).toBe('/home/runner');
    expect(step?.argv).toEqual(expect.arrayContaining(['--network', 'none']));
    expect(step?.onFailure).toBe('warn');
    // The tar exporter (the local one stalls on a large module cache), unpacked on the runner.
    const extract = p.readBack.find(s => s.id === 'extract-mod-0');
    expect(extract?.argv).toEqual([
      'docker',
      'build',
      '--progress=plain',
      '--network',
      'none',
      '--file',
      '/tmp/run/extract-mod-0.Dockerfile',
      '--output',
      'type=tar,dest=/tmp/run/extracted-mod-0.tar',
      '/tmp/run/empty-context'
    ]);
    expect(extract?.env).toEqual({ DOCKER_BUILDKIT: '1' });
    const unpack = p.readBack.find(s => s.id === 'unpack-mod-0');
    expect(unpack?.argv).toEqual([
      'sh',
      '-c',
      'rm -rf "$1" && mkdir -p "$1" && tar -xf "$2" -C "$1" && rm -f "$2"',
      'unpack',
      '/tmp/run/extracted-mod-0',
      '/tmp/run/extracted-mod-0.tar'
    ]);
    expect(unpack?.extract).toEqual({ from: '/tmp/run/extracted-mod-0', to: '/home/runner/go/pkg/mod' });
  });
  it('reads nothing back in read-only mode, nor for untrusted code (nothing will be saved)', () => {
    expect(plan({ 'go-cache': 'read-only' }, 'partial').steps.some(s => s.phase === 'fill')).toBe(true);
    expect(plan({ 'go-cache': 'read-only' }, 'partial').readBack).toEqual([]);
    expect(plan({}, 'partial', { event: pullRequestEvent('mallory/api') }).readBack).toEqual([]);
    expect(plan({}, 'partial', { event: pullRequestEvent('mallory/api') }).steps[0].id).toBe('fill');
  });
  it('saves only a new key, from a run that may save', () => {
    expect([plan({}, 'miss'), plan({}, 'partial'), plan({}, 'exact'), plan({}, 'warm')].map(p => p.saveGoCaches)).toEqual([true, true, false, false]);
    expect([plan({}, 'miss'), plan({}, 'partial'), plan({}, 'exact'), plan({}, 'warm')].map(p => p.saveGoDelta)).toEqual([false, false, true, false]);
    expect(plan({ 'go-cache': 'read-only' }, 'partial').saveGoCaches).toBe(false);
    expect(plan({}, 'partial', { event: pullRequestEvent('mallory/api') }).saveGoCaches).toBe(false);
    expect(plan({ prebuild: './cmd/...' }, 'partial').saveGoCaches).toBe(true);
  });
  it('marks each mount with the key: the fill after an exact hit, the read-back after the copy (the copy holds no marker)', () => {
    const fill = (hit: GoCacheHit) => plan({}, hit).files.find(f => f.path.endsWith('fill.Dockerfile'))?.content ?? '';
    expect(MOUNT_MARKER).toBe('.cached-image-build-key');
    expect(fill('exact')).toContain(
      `    cp -a /cib-in-0/. /go/pkg/mod/ && echo ${KEY} > /go/pkg/mod/.cached-image-build-key && touch -d @1796247600 /go/pkg/mod/.cached-image-build-key && cp -a /cib-in-1/. /root/.cache/go-build/ && echo ${KEY} > /root/.cache/go-build/.cached-image-build-key && touch -d @1796247600 /root/.cache/go-build/.cached-image-build-key && echo filled`
    );
    // Dated as the restore said (whole seconds): the delta's find -newer compares with it.
    expect(Date.parse('2026-12-02T21:40:00Z') / 1000).toBe(1796247600);
    // A partial hit fills older caches: the mount is marked only by the read-back, which holds this key's.
    expect(fill('partial')).not.toContain(MOUNT_MARKER);
    const extract = plan({}, 'miss').files.find(f => f.path.endsWith('extract-build-1.Dockerfile'))?.content ?? '';
    expect(extract).toContain(
      `    mkdir -p /cib-out && cp -a /root/.cache/go-build/. /cib-out/ && echo ${KEY} > /root/.cache/go-build/.cached-image-build-key && echo extracted`
    );
  });
  it('where markers are not proof (allow-untrusted-on-builder), the fill empties each mount first, and after a miss only empties it', () => {
    const opted = { 'allow-untrusted-on-builder': 'true' };
    const fill = (hit: GoCacheHit) => plan(opted, hit).files.find(f => f.path.endsWith('fill.Dockerfile'))?.content ?? '';
    expect(fill('partial')).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked --mount=type=bind,source=go/pkg/mod,target=/cib-in-0 \\',
        '    --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 --mount=type=bind,source=.cache/go-build,target=/cib-in-1 \\',
        '    find /go/pkg/mod -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a /cib-in-0/. /go/pkg/mod/ && find /root/.cache/go-build -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a /cib-in-1/. /root/.cache/go-build/ && echo filled 20261122000000000',
        ''
      ].join('\n')
    );
    expect(fill('exact')).toContain(`find /go/pkg/mod -mindepth 1 -maxdepth 1 -exec rm -rf {} + && cp -a /cib-in-0/. /go/pkg/mod/ && echo ${KEY} >`);
    // A miss restores nothing: the mounts are emptied, as on a fresh builder; no folder of the runner is bound.
    const miss = plan(opted, 'miss');
    expect(fill('miss')).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked \\',
        '    --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 \\',
        '    find /go/pkg/mod -mindepth 1 -maxdepth 1 -exec rm -rf {} + && find /root/.cache/go-build -mindepth 1 -maxdepth 1 -exec rm -rf {} + && echo filled 20261122000000000',
        ''
      ].join('\n')
    );
    const step = miss.steps.find(s => s.id === 'fill');
    expect(step?.title).toBe("Empty cache mounts gomod, gobuild (nothing restored; what they hold is not known to be this key's)");
    expect(step?.argv.at(-1)).toBe('/tmp/run/empty-context');
    // Emptying is what makes the build safe here: a failure stops the job.
    expect(step?.onFailure).toBe('stop');
    expect(plan(opted, 'partial').steps.find(s => s.id === 'fill')?.title).toBe(
      'Fill cache mounts gomod, gobuild from the restored Go caches, emptied first'
    );
    // Without the opt-in the fill adds to the mounts, and a miss fills nothing.
    expect(fill('partial')).toContain('find /go/pkg/mod');
    expect(plan({}, 'partial').files.find(f => f.path.endsWith('fill.Dockerfile'))?.content).not.toContain('find ');
    expect(plan({}, 'partial').steps.find(s => s.id === 'fill')?.onFailure).toBe('warn');
  });
  it('a warm builder (its mounts hold the key): nothing filled, nothing read back, nothing saved', () => {
    const p = plan({}, 'warm');
    expect(p.steps.map(s => s.id)).toEqual(['build-builder', 'build-final', expect.stringMatching(/^push-/), 'push-builder']);
    expect(p.readBack).toEqual([]);
    expect(p.saveGoCaches).toBe(false);
  });
  it('fills nothing after a miss; after an exact hit reads back only what the build added to GOCACHE, as a delta', () => {
    expect(plan({}, 'miss').steps.some(s => s.phase === 'fill')).toBe(false);
    expect(plan({}, 'miss').readBack.length).toBe(4);
    const exact = plan({}, 'exact');
    expect(exact.readBack.map(s => s.id)).toEqual(['extract-delta', 'unpack-delta']);
    expect([exact.saveGoCaches, exact.saveGoDelta]).toEqual([false, true]);
    expect(exact.files.find(f => f.path.endsWith('extract-delta.Dockerfile'))?.content).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26 AS read',
        'RUN --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 \\',
        '    mkdir -p /cib-out && cd /root/.cache/go-build && find . -type f -newer .cached-image-build-key ! -name .cached-image-build-key | \\',
        '    while read -r f; do mkdir -p "/cib-out/$(dirname "$f")" && cp -p "$f" "/cib-out/$f"; done && echo extracted 20261122000000000',
        'FROM scratch',
        'COPY --from=read /cib-out/ /',
        ''
      ].join('\n')
    );
    expect(exact.readBack[0].argv).toEqual([
      'docker',
      'build',
      '--progress=plain',
      '--network',
      'none',
      '--file',
      '/tmp/run/extract-delta.Dockerfile',
      '--output',
      'type=tar,dest=/tmp/run/extracted-delta.tar',
      '/tmp/run/empty-context'
    ]);
    expect(exact.readBack[1].extract).toEqual({ from: '/tmp/run/extracted-delta', to: '/home/runner/.cache/go-build-delta' });
    // Nothing is saved by a run that may not save, so nothing is read back either.
    expect(plan({ 'go-cache': 'read-only' }, 'exact').readBack).toEqual([]);
    expect(plan({}, 'exact', { event: pullRequestEvent('mallory/api') }).saveGoDelta).toBe(false);
    expect(plan({ prebuild: './cmd/...' }, 'exact').saveGoDelta).toBe(true);
  });
});

describe("the probe of the builder's Go cache mounts", () => {
  it("reads each mount's marker, with the mounts as the Dockerfile has them, into a file per mount, without the network", () => {
    const probe = planMountProbe(
      { mounts, baseImage: '127.0.0.1:5000/base/go:1.26' },
      facts,
      { argv: ['docker', 'build'], env: { DOCKER_BUILDKIT: '1' } },
      {
        idleMs: 5000
      }
    );
    expect(probe.files.find(f => f.path === '/tmp/run/probe.Dockerfile')?.content).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26 AS probe',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked \\',
        '    --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 \\',
        '    mkdir -p /cib-probe && (cat /go/pkg/mod/.cached-image-build-key > /cib-probe/0 2>/dev/null || true) && (cat /root/.cache/go-build/.cached-image-build-key > /cib-probe/1 2>/dev/null || true) && echo probed 20261122000000000',
        'FROM scratch',
        'COPY --from=probe /cib-probe/ /',
        ''
      ].join('\n')
    );
    expect(probe.step.argv).toEqual([
      'docker',
      'build',
      '--progress=plain',
      '--network',
      'none',
      '--file',
      '/tmp/run/probe.Dockerfile',
      '--output',
      'type=local,dest=/tmp/run/probed-mounts',
      '/tmp/run/empty-context'
    ]);
    expect(probe.out).toBe('/tmp/run/probed-mounts');
    expect(probe.step.onFailure).toBe('warn');
  });
  it('is warm only when every mount names this key', () => {
    expect(mountsHoldKey([`${KEY}\n`, KEY], KEY)).toBe(true);
    expect(mountsHoldKey([KEY, undefined], KEY)).toBe(false);
    expect(mountsHoldKey([KEY, 'cached-image-build-go-Linux-X64-go1.26-older'], KEY)).toBe(false);
    expect(mountsHoldKey(['', ''], KEY)).toBe(false);
    expect(mountsHoldKey([], KEY)).toBe(false);
  });
  it("asks a named builder first whether it holds any cache mount; the engine's BuildKit is not asked so", () => {
    expect(planCacheMountRecords(builderBuild('cib-remote'))).toEqual([
      'docker',
      'buildx',
      'du',
      '--builder',
      'cib-remote',
      '--filter',
      'type=exec.cachemount'
    ]);
    expect(planCacheMountRecords({ argv: ['docker', 'build'], env: { DOCKER_BUILDKIT: '1' } })).toBeUndefined();
    expect(planCacheMountRecords({ argv: ['docker', 'buildx', 'build', '--builder'] })).toBeUndefined();
  });
  it("counts the cache mounts in docker buildx du's table (buildx 0.29), and knows nothing of any other output", () => {
    const header = 'ID                           RECLAIMABLE   SIZE      LAST ACCESSED';
    expect(countCacheMountRecords('ID        RECLAIMABLE   SIZE      LAST ACCESSED\n')).toBe(0);
    expect(
      countCacheMountRecords(
        [
          header,
          'lfrhrbmi6w61i0u7zgkcfsxno*   true          666.7kB   2 minutes ago',
          'yz1txkb8oj098u3m0oaz1k8i0*   true          91.94MB   2 minutes ago',
          '',
          'Reclaimable:\t92.6MB',
          'Total:\t\t92.6MB',
          ''
        ].join('\n')
      )
    ).toBe(2);
    expect(countCacheMountRecords('')).toBeUndefined();
    expect(countCacheMountRecords('ERROR: no builder "x" found\n')).toBeUndefined();
    expect(countCacheMountRecords('{"ID":"lfrhrbmi6w61i0u7zgkcfsxno","Type":"exec.cachemount"}\n')).toBeUndefined();
  });
});

describe('commonFolder', () => {
  it('is the deepest folder holding every path', () => {
    expect(commonFolder(['/home/runner/go/pkg/mod', '/home/runner/.cache/go-build'])).toBe('/home/runner');
    expect(commonFolder(['/go/pkg/mod', '/root/.cache/go-build'])).toBe('/');
    expect(commonFolder(['/a/b/c'])).toBe('/a/b/c');
    expect(commonFolder(['/a/bc', '/a/b'])).toBe('/a');
  });
});

describe('prebuild mode', () => {
  it('runs one go build on the runner with the caches, for linux, before the builds', () => {
    const step = plan({ prebuild: './cmd/...', 'prebuild-output': 'bin' }, 'exact').steps[0];
    expect(step).toMatchObject({ id: 'prebuild', cwd: ws, argv: ['go', 'build', '-v', '-trimpath', '-o', `${ws}/bin/`, './cmd/...'] });
    expect(step.env).toMatchObject({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOMODCACHE: facts.goDirs.mod });
  });
  it('needs Go on the runner, and says so before any work', () => {
    expect(() => plan({ prebuild: './cmd/...' }, 'miss', { facts: { ...facts, go: undefined } })).toThrow(/no go on PATH/);
  });
  it('keeps the binaries inside the context', () => {
    expect(() => config({ prebuild: './cmd/...', 'prebuild-output': '../out' })).toThrow(/Input 'prebuild-output'/);
  });
});
