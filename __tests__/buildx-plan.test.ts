import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { buildkitProblem, buildxPathProblem, classicClient, imageStoreOf, parseBuildxInspect, type BuilderFacts, type Facts } from '../src/facts.js';
import { CACHE_EXPORT_OPTIONS, planBuildx } from '../src/plan/buildx.js';
import { choosePlan, fallbackPlan } from '../src/plan/choose.js';
import type { GoCacheState } from '../src/cache/go-cache.js';
import { infrastructureFailure, readBuildMetadata } from '../src/run/outcome.js';
import { FACTS, SHA, environment, inputs, makeWorkspace, planInputOf, pullRequestEvent, pushEvent, LABELS } from './support/workspace.js';

const ws = makeWorkspace();
const IMAGE = '127.0.0.1:5000/acme/api';
const remote: BuilderFacts = { name: 'ci', driver: 'remote', status: 'running', endpoint: 'tcp://127.0.0.1:1234' };
const facts: Facts = { ...FACTS, buildx: '0.37.2', builder: remote };
const config = (values: Record<string, string> = {}) => readConfig(inputs({ image: IMAGE, ...values }), environment(ws));
const input = (values: Record<string, string> = {}, more: Parameters<typeof planInputOf>[2] = {}) => planInputOf(ws, values, { facts, ...more });
const BUILDX = ['docker', 'buildx', 'build', '--builder', 'ci', '--progress=plain', '--provenance=false', '--file', path.join(ws, 'Dockerfile')];
const TAIL = ['--output', 'type=image,push=true', '--metadata-file', '/tmp/run/final.metadata.json', ws];

describe('planBuildx', () => {
  it('builds the image once on the builder, every stage cached to one registry ref (mode=max), tagged with the commit only', () => {
    const plan = planBuildx(input({ tags: 'v1', 'cache-strategy': 'buildx' }));
    expect(plan.strategy).toBe('buildx');
    expect(plan.steps.map(s => [s.id, s.argv])).toEqual([
      [
        'build-final',
        [
          ...BUILDX,
          '--cache-from',
          `type=registry,ref=${IMAGE}:buildcache`,
          '--cache-to',
          `type=registry,ref=${IMAGE}:buildcache,${CACHE_EXPORT_OPTIONS}`,
          ...LABELS,
          '--tag',
          `${IMAGE}:${SHA}`,
          ...TAIL
        ]
      ]
    ]);
    expect(CACHE_EXPORT_OPTIONS).toBe('mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true');
    expect(plan.steps[0]).toMatchObject({ pushRef: `${IMAGE}:${SHA}`, limit: { idleMs: 600_000 } });
    expect(plan.steps[0].build).toEqual({
      metadataFile: '/tmp/run/final.metadata.json',
      stage: '',
      cacheFrom: [`${IMAGE}:buildcache`],
      cacheTo: `${IMAGE}:buildcache`
    });
    expect(plan.refs).toMatchObject({
      cacheWrite: `${IMAGE}:buildcache`,
      cacheRead: [`${IMAGE}:buildcache`],
      extra: [`${IMAGE}:v1`],
      moveLatest: true
    });
    // Only auto falls back; an explicit buildx stops.
    expect(plan.steps.every(s => !s.fallback)).toBe(true);
  });

  it("a branch reads its own registry cache, then the default branch's, and writes its own", () => {
    const plan = planBuildx(input({}, { event: pushEvent('feature/login') }));
    const own = `${IMAGE}:buildcache-feature-login-${plan.refs.cacheWrite?.slice(-16)}`;
    expect(plan.refs.cacheWrite).toBe(own);
    const argv = plan.steps[0].argv;
    expect(argv.filter((a, i) => argv[i - 1] === '--cache-from')).toEqual([`type=registry,ref=${own}`, `type=registry,ref=${IMAGE}:buildcache`]);
    expect(argv.filter((a, i) => argv[i - 1] === '--cache-to')).toEqual([`type=registry,ref=${own},${CACHE_EXPORT_OPTIONS}`]);
  });

  it('says pull-previous is ignored when auto takes the buildx path', () => {
    expect(planBuildx(input({ 'pull-previous': 'true' })).notes).toContain(
      'pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing'
    );
    expect(planBuildx(input({})).notes.filter(n => n.includes('pull-previous'))).toEqual([]);
  });

  it("a fork reads the base's cache, writes none, pushes nothing", () => {
    const plan = planBuildx(input({}, { event: pullRequestEvent(undefined) }));
    const argv = plan.steps[0].argv;
    expect(argv).not.toContain('--cache-to');
    expect(argv.filter((a, i) => argv[i - 1] === '--cache-from')).toEqual([`type=registry,ref=${IMAGE}:buildcache`]);
    expect(argv.slice(-5)).toEqual(['--output', 'type=image,push=false', '--metadata-file', '/tmp/run/final.metadata.json', ws]);
    expect(plan.steps[0].pushRef).toBeUndefined();
  });

  it('push: false reads the cache but writes none and pushes nothing', () => {
    const plan = planBuildx(input({ push: 'false' }));
    const argv = plan.steps[0].argv;
    expect(argv).toContain('--cache-from');
    expect(argv).not.toContain('--cache-to');
    expect(argv).toContain('type=image,push=false');
    expect(plan.steps[0].pushRef).toBeUndefined();
    expect(plan.notes.join()).toContain('nothing is pushed');
  });

  it('no-cache reads nothing and still writes the caches afresh', () => {
    const plan = planBuildx(input({ 'no-cache': 'true' }));
    const argv = plan.steps[0].argv;
    expect(argv.slice(BUILDX.length, BUILDX.length + 3)).toEqual([
      '--no-cache',
      '--cache-to',
      `type=registry,ref=${IMAGE}:buildcache,${CACHE_EXPORT_OPTIONS}`
    ]);
    expect(plan.steps[0].build?.cacheFrom).toEqual([]);
  });

  it('host network needs the network.host entitlement on a BuildKit daemon; secrets go by file', () => {
    const plan = planBuildx(input({ network: 'host', secrets: 'token=tok-abcdef', 'build-args': 'A=1' }));
    expect(plan.steps[0].argv.slice(BUILDX.length, BUILDX.length + 8)).toEqual([
      '--build-arg',
      'A=1',
      '--secret',
      'id=token,src=/tmp/run/secret-token',
      '--network',
      'host',
      '--allow',
      'network.host'
    ]);
    expect(JSON.stringify(plan.steps)).not.toContain('tok-abcdef');
    expect(planBuildx(input({ network: 'none' })).steps[0].argv).not.toContain('--allow');
  });

  it('fills and reads the Go cache mounts on the same builder', () => {
    const go: GoCacheState = {
      hit: 'partial',
      key: 'cached-image-build-go-Linux-X64-go1.26-0123abcd',
      dirs: facts.goDirs,
      baseImage: '127.0.0.1:5000/base/go:1.26',
      mounts: [{ kind: 'mod', mount: { stage: 'builder', id: 'gomod', target: '/go/pkg/mod' } }]
    };
    const plan = planBuildx(input({}, { go }));
    expect(plan.steps.map(s => s.id)).toEqual(['fill', 'build-final']);
    expect(plan.readBack.map(s => s.id)).toEqual(['extract-mod-0', 'unpack-mod-0']);
    expect(plan.steps[0].argv).toEqual([
      'docker',
      'buildx',
      'build',
      '--builder',
      'ci',
      '--progress=plain',
      '--network',
      'none',
      '--file',
      '/tmp/run/fill.Dockerfile',
      '/home/runner/go/pkg/mod'
    ]);
    expect(plan.readBack[0].argv).toEqual([
      'docker',
      'buildx',
      'build',
      '--builder',
      'ci',
      '--progress=plain',
      '--network',
      'none',
      '--file',
      '/tmp/run/extract-mod-0.Dockerfile',
      '--output',
      'type=tar,dest=/tmp/run/extracted-mod-0.tar',
      '/tmp/run/empty-context'
    ]);
    expect(plan.steps[0].env).toBeUndefined();
  });
});

describe('choosePlan', () => {
  it('auto takes buildx when the builder exports cache, and says why', () => {
    const plan = choosePlan(input());
    expect(plan.strategy).toBe('buildx');
    expect(plan.reason).toMatch(/auto: the buildx path, because builder ci \(remote driver\)/);
    expect(plan.fellBack).toBeUndefined();
    expect(plan.steps.filter(s => s.build).every(s => s.fallback)).toBe(true);
  });

  it('auto takes the pull path with the docker driver (a note, not a fallback)', () => {
    const plan = choosePlan(input({}, { facts: { ...facts, builder: { name: 'default', driver: 'docker', status: 'running' } } }));
    expect(plan.strategy).toBe('pull');
    expect(plan.reason).toMatch(/pull path .*docker driver, which cannot export cache/);
    expect(plan.fellBack).toBeUndefined();
  });

  it('auto takes the pull path without buildx', () => {
    expect(choosePlan(input({}, { facts: { ...facts, buildx: undefined, builder: undefined } })).reason).toMatch(/buildx plugin is not installed/);
  });

  it('auto with a buildkit-endpoint that does not answer falls back to the pull path, with a warning', () => {
    const plan = choosePlan(
      input(
        { 'buildkit-endpoint': 'tcp://127.0.0.1:1234' },
        {
          facts: {
            ...facts,
            builder: { name: 'x', driver: 'remote', problem: 'builder x at tcp://127.0.0.1:1234 does not answer: context deadline exceeded' }
          }
        }
      )
    );
    expect(plan.strategy).toBe('pull');
    expect(plan.fellBack).toBe(true);
    expect(plan.reason).toContain('does not answer');
    expect(plan.notes[0]).toBe(plan.reason);
  });

  it('explicit buildx on a builder that cannot export cache fails before any command, saying what to do', () => {
    expect(() => choosePlan(input({ 'cache-strategy': 'buildx' }, { facts: { ...facts, builder: { name: 'default', driver: 'docker' } } }))).toThrow(
      /cache-strategy buildx: builder default uses the docker driver.*cache-strategy auto/
    );
  });

  it('pull stays pull whatever the builder', () => {
    expect(choosePlan(input({ 'cache-strategy': 'pull' })).strategy).toBe('pull');
  });

  it('the fallback plan is the pull path, saying why', () => {
    const plan = fallbackPlan(input(), 'builder ci does not answer');
    expect(plan.strategy).toBe('pull');
    expect(plan.fellBack).toBe(true);
    expect(plan.reason).toBe('cache-strategy auto: fell back from buildx to the pull path, because builder ci does not answer');
  });
});

describe('builder facts and outcomes', () => {
  it.each([
    ['20.10.24+dfsg1', true, undefined],
    ['23.0.0', false, 'no buildx plugin'],
    ['28.5.2+dfsg4', false, 'no buildx plugin'],
    ['unknown', false, undefined]
  ])('docker CLI %s: classic %s; without buildx, %s', (dockerClient, classic, problem) => {
    expect(classicClient({ dockerClient })).toBe(classic);
    const found = buildkitProblem({ dockerClient, buildx: undefined });
    if (problem) expect(found).toContain(problem);
    else expect(found).toBeUndefined();
    expect(buildkitProblem({ dockerClient, buildx: '0.29.1' })).toBeUndefined();
  });

  it('reads docker buildx inspect', () => {
    const text = `Name:          ci\nDriver:        remote\nLast Activity: 2026-11-22\n\nNodes:\nName:             ci0\nEndpoint:         unix:///run/buildkitd.sock\nStatus:           running\nBuildKit version: v0.33.1\n`;
    expect(parseBuildxInspect(text)).toEqual({
      name: 'ci',
      driver: 'remote',
      endpoint: 'unix:///run/buildkitd.sock',
      status: 'running',
      buildkit: 'v0.33.1'
    });
    expect(parseBuildxInspect(`${text}Platforms:        linux/amd64*, linux/amd64/v2, linux/arm64\n`).platforms).toEqual([
      'linux/amd64',
      'linux/amd64/v2',
      'linux/arm64'
    ]);
  });

  it('knows which builders can export registry cache', () => {
    expect(buildxPathProblem(facts)).toBeUndefined();
    const classic = 'classic' as const;
    expect(buildxPathProblem({ buildx: '0.37.2', imageStore: classic, builder: { name: 'b', driver: 'docker-container' } })).toBeUndefined();
    expect(buildxPathProblem({ buildx: '0.37.2', imageStore: classic, builder: { name: 'default', driver: 'docker' } })).toMatch(
      /docker driver, which cannot export cache to a registry with the engine's classic image store/
    );
    expect(buildxPathProblem({ buildx: '0.37.2', imageStore: classic, builder: { ...remote, problem: 'gone' } })).toBe('gone');
    // The containerd image store lets the engine's own BuildKit export registry cache.
    expect(buildxPathProblem({ buildx: '0.29.1', imageStore: 'containerd', builder: { name: 'default', driver: 'docker' } })).toBeUndefined();
  });

  it('reads the image store from docker info', () => {
    expect(imageStoreOf('[["driver-type","io.containerd.snapshotter.v1"]]')).toBe('containerd');
    expect(imageStoreOf('[["Backing Filesystem","extfs"],["Supports d_type","true"]]')).toBe('classic');
    expect(imageStoreOf('')).toBe('classic');
  });

  it('tells a builder or cache failure from a Dockerfile failure', () => {
    expect(infrastructureFailure('ERROR: context deadline exceeded', false)).toBeDefined();
    expect(infrastructureFailure('ERROR: failed to build: Cache export is not supported for the docker driver.', false)).toBeDefined();
    expect(
      infrastructureFailure(
        'ERROR: failed to build: failed to solve: granting entitlement network.host is not allowed by build daemon configuration',
        false
      )
    ).toBeDefined();
    expect(infrastructureFailure('ERROR: dial unix /run/buildkitd.sock: connect: connection refused', false)).toBeDefined();
    expect(
      infrastructureFailure('ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', true)
    ).toBeUndefined();
    expect(infrastructureFailure('ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN', false)).toBeUndefined();
    // A Dockerfile step failed: never a fallback, whatever else the log says.
    expect(infrastructureFailure('connection refused', true)).toBeUndefined();
    // A builder killed by its time limit is the builder's fault.
    expect(infrastructureFailure('killed: still running after 30 s', false, true)).toBeDefined();
  });

  it('reads the digest, image id and cache manifest from buildx metadata', () => {
    const json = JSON.stringify({
      'cache.manifest': JSON.stringify({ mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: 'sha256:c', size: 1 }),
      'containerimage.config.digest': 'sha256:i',
      'containerimage.digest': 'sha256:d'
    });
    expect(readBuildMetadata(json)).toEqual({ imageId: 'sha256:i', digest: 'sha256:d', cacheManifest: 'sha256:c' });
    expect(readBuildMetadata('{}')).toEqual({ imageId: undefined, digest: undefined, cacheManifest: undefined });
  });
});

describe('builder inputs', () => {
  it('accepts a builder or a BuildKit endpoint, not both', () => {
    expect(config({ builder: 'ci' }).builder).toBe('ci');
    expect(config({ 'buildkit-endpoint': 'tcp://127.0.0.1:1234' }).buildkitEndpoint).toBe('tcp://127.0.0.1:1234');
    expect(() => config({ builder: 'ci', 'buildkit-endpoint': 'tcp://127.0.0.1:1' })).toThrow(
      /Input 'buildkit-endpoint': give builder or buildkit-endpoint/
    );
    expect(() => config({ 'buildkit-endpoint': 'http://h:1' })).toThrow(/Input 'buildkit-endpoint': .*tcp:\/\/HOST:PORT/);
    // Plain TCP to another machine would carry the context and secrets unencrypted.
    expect(() => config({ 'buildkit-endpoint': 'tcp://10.1.2.3:1234' })).toThrow(/Input 'buildkit-endpoint': .*plain TCP to another machine.*TLS/);
    expect(() => config({ builder: 'a b' })).toThrow(/Input 'builder'/);
    expect(() => config({ builder: 'ci', 'cache-strategy': 'pull' })).toThrow(/Input 'builder': the pull path/);
  });
});

describe('BuildKit progress of a build answered from registry cache', () => {
  it('keeps a CACHED step cached when BuildKit reports it again while pulling its layers', async () => {
    const { ProgressReader } = await import('../src/run/progress.js');
    const reader = new ProgressReader();
    for (const line of [
      '#9 [builder 4/6] RUN go mod download',
      '#9 CACHED',
      '#9 [builder 4/6] RUN go mod download',
      '#9 sha256:4bb7a9eb 67.43MB / 67.43MB 0.2s done',
      '#9 extracting sha256:4bb7a9eb 2.6s done',
      '#9 DONE 3.0s',
      '#10 [builder 5/6] COPY . .',
      '#10 DONE 0.4s'
    ])
      reader.line(line);
    expect(reader.steps().map(v => [v.instruction, v.status, v.seconds])).toEqual([
      ['RUN go mod download', 'cached', 3],
      ['COPY . .', 'done', 0.4]
    ]);
  });
});
