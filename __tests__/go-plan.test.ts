import { describe, expect, it } from 'vitest';
import { goMounts } from '../src/cache/go-cache.js';
import { readConfig } from '../src/config.js';
import { readDockerfile } from '../src/dockerfile.js';
import { commonFolder } from '../src/plan/go.js';
import { planPull } from '../src/plan/pull.js';
import { FACTS, environment, inputs, makeWorkspace } from './support/workspace.js';
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
const mounts = goMounts(readDockerfile(DOCKERFILE), 'auto');
const state = (hit: 'exact' | 'partial' | 'miss') => ({ hit, dirs: facts.goDirs, mounts, baseImage: '127.0.0.1:5000/base/go:1.26' });

describe('Go cache mounts in the plan', () => {
  it('fills the mounts before the builds and, after a partial hit, reads them back after the push', () => {
    const plan = planPull(config(), facts, state('partial'));
    expect(plan.steps.map(s => s.id)).toEqual([
      'inject',
      'build-builder',
      'build-final',
      'check-builder',
      'push-builder',
      expect.stringMatching(/^push-/),
      'push-latest',
      'extract-mod-0',
      'unpack-mod-0',
      'extract-build-1',
      'unpack-build-1'
    ]);
  });
  it('gives the helper builds the mount exactly as the Dockerfile has it, and a nonce', () => {
    const plan = planPull(config(), facts, state('partial'));
    const inject = plan.files.find(f => f.path.endsWith('inject.Dockerfile'))?.content ?? '';
    // One build fills both mounts; its context is the folder holding both caches, each bound by its path.
    expect(inject).toBe(
      [
        'FROM 127.0.0.1:5000/base/go:1.26',
        'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod,sharing=locked --mount=type=bind,source=go/pkg/mod,target=/cib-in-0 \\',
        '    --mount=type=cache,id=gobuild,target=/root/.cache/go-build,uid=1000 --mount=type=bind,source=.cache/go-build,target=/cib-in-1 \\',
        '    cp -a /cib-in-0/. /go/pkg/mod/ && cp -a /cib-in-1/. /root/.cache/go-build/ && echo injected 20261122000000000',
        ''
      ].join('\n')
    );
    const step = plan.steps.find(s => s.id === 'inject');
    expect(step?.title).toBe('Fill cache mounts gomod, gobuild from the restored Go caches');
    expect(step?.argv.at(-1)).toBe('/home/runner');
    expect(step?.argv).toEqual(expect.arrayContaining(['--network', 'none']));
    expect(step?.onFailure).toBe('warn');
    // The tar exporter (the local one stalls on a large module cache), unpacked on the runner.
    const extract = plan.steps.find(s => s.id === 'extract-mod-0');
    expect(extract?.argv).toEqual(expect.arrayContaining(['--output', 'type=tar,dest=/tmp/run/extracted-mod-0.tar']));
    const unpack = plan.steps.find(s => s.id === 'unpack-mod-0');
    expect(unpack?.argv.slice(-2)).toEqual(['/tmp/run/extracted-mod-0', '/tmp/run/extracted-mod-0.tar']);
    expect(unpack?.extract).toEqual({ from: '/tmp/run/extracted-mod-0', to: '/home/runner/go/pkg/mod' });
  });
  it('reads nothing back in read-only mode (nothing will be saved)', () => {
    const plan = planPull(config({ 'go-cache': 'read-only' }), facts, state('partial'));
    expect(plan.steps.some(s => s.phase === 'inject')).toBe(true);
    expect(plan.steps.some(s => s.phase === 'extract')).toBe(false);
  });
  it('injects nothing after a miss and reads nothing back after an exact hit', () => {
    expect(planPull(config(), facts, state('miss')).steps.some(s => s.phase === 'inject')).toBe(false);
    expect(planPull(config(), facts, state('exact')).steps.some(s => s.phase === 'extract')).toBe(false);
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
    const plan = planPull(config({ prebuild: './cmd/...', 'prebuild-output': 'bin' }), facts, state('exact'));
    const step = plan.steps[0];
    expect(step).toMatchObject({ id: 'prebuild', cwd: ws, argv: ['go', 'build', '-v', '-trimpath', '-o', `${ws}/bin/`, './cmd/...'] });
    expect(step.env).toMatchObject({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64', GOMODCACHE: facts.goDirs.mod });
  });
  it('needs Go on the runner, and says so before any work', () => {
    expect(() => planPull(config({ prebuild: './cmd/...' }), { ...facts, go: undefined })).toThrow(/no go on PATH/);
  });
  it('keeps the binaries inside the context', () => {
    expect(() => config({ prebuild: './cmd/...', 'prebuild-output': '../out' })).toThrow(/Input 'prebuild-output'/);
  });
});
