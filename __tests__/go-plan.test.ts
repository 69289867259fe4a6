import { describe, expect, it } from 'vitest';
import { goMounts } from '../src/cache/go-cache.js';
import { readConfig } from '../src/config.js';
import { readDockerfile } from '../src/dockerfile.js';
import type { Facts } from '../src/facts.js';
import { commonFolder } from '../src/plan/go.js';
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
const plan = (
  values: Record<string, string>,
  hit: 'exact' | 'partial' | 'miss',
  more: { facts?: Facts; event?: ReturnType<typeof pullRequestEvent> } = {}
) => planPull(planInputOf(ws, values, { go: state(hit), ...more }));
const mounts = goMounts(readDockerfile(DOCKERFILE), 'auto');
const state = (hit: 'exact' | 'partial' | 'miss') => ({ hit, dirs: facts.goDirs, mounts, baseImage: '127.0.0.1:5000/base/go:1.26' });

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
    expect([plan({}, 'miss'), plan({}, 'partial'), plan({}, 'exact')].map(p => p.saveGoCaches)).toEqual([true, true, false]);
    expect(plan({ 'go-cache': 'read-only' }, 'partial').saveGoCaches).toBe(false);
    expect(plan({}, 'partial', { event: pullRequestEvent('mallory/api') }).saveGoCaches).toBe(false);
    expect(plan({ prebuild: './cmd/...' }, 'partial').saveGoCaches).toBe(true);
  });
  it('fills nothing after a miss and reads nothing back after an exact hit', () => {
    expect(plan({}, 'miss').steps.some(s => s.phase === 'fill')).toBe(false);
    expect(plan({}, 'miss').readBack.length).toBe(4);
    expect(plan({}, 'exact').readBack).toEqual([]);
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
