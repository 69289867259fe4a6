import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { builderProblem, parseBuildxInspect, type BuilderFacts, type Facts } from '../src/facts.js';
import { CACHE_EXPORT_OPTIONS, planBuildx } from '../src/plan/buildx.js';
import { choosePlan, fallbackPlan } from '../src/plan/choose.js';
import type { GoCacheState } from '../src/plan/go.js';
import { builderFailure, readBuildMetadata } from '../src/run/outcome.js';
import { SHA, environment, inputs, makeWorkspace } from './support/workspace.js';

const ws = makeWorkspace();
const IMAGE = '127.0.0.1:5000/acme/api';
const remote: BuilderFacts = { name: 'ci', driver: 'remote', status: 'running', endpoint: 'tcp://127.0.0.1:1234' };
const facts: Facts = {
  dockerClient: '20.10.24',
  dockerServer: '20.10.24',
  buildx: '0.37.2',
  builder: remote,
  tempDir: '/tmp/run',
  now: '2026-11-22T00:00:00.000Z',
  runner: { os: 'Linux', arch: 'X64' },
  goDirs: { mod: '/home/runner/go/pkg/mod', build: '/home/runner/.cache/go-build' }
};
const config = (values: Record<string, string> = {}) =>
  readConfig(inputs({ image: IMAGE, ...values }), environment(ws));
const step = (plan: ReturnType<typeof planBuildx>, id: string) => plan.steps.find(s => s.id === id);
const argv = (plan: ReturnType<typeof planBuildx>, id: string) => step(plan, id)?.argv.join(' ') ?? '';

describe('planBuildx', () => {
  it('builds the image once on the builder, every stage cached to one registry ref (mode=max)', () => {
    const plan = planBuildx(config({ tags: 'v1', 'cache-strategy': 'buildx' }), facts);
    expect(plan.strategy).toBe('buildx');
    expect(plan.steps.map(s => s.id)).toEqual(['build-final']);
    const final = argv(plan, 'build-final');
    expect(final).toMatch(/^docker buildx build --builder ci --progress=plain --provenance=false /);
    expect(final).toContain(`--cache-from type=registry,ref=${IMAGE}:buildcache --cache-to`);
    expect(final.match(/--cache-from/g)).toHaveLength(1);
    expect(final).toContain(`--cache-to type=registry,ref=${IMAGE}:buildcache,${CACHE_EXPORT_OPTIONS}`);
    expect(CACHE_EXPORT_OPTIONS).toBe("mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true");
    expect(final.match(/--cache-to/g)).toHaveLength(1);
    expect(final).toContain(`--tag ${IMAGE}:${SHA} --tag ${IMAGE}:latest --tag ${IMAGE}:v1`);
    expect(final).toContain('--output type=image,push=true');
    expect(final).toContain(`--label org.opencontainers.image.revision=${SHA}`);
    expect(final).not.toContain('--target');
    expect(step(plan, 'build-final')).toMatchObject({ pushRef: `${IMAGE}:${SHA}`, pushedRefs: [`${IMAGE}:${SHA}`, `${IMAGE}:latest`, `${IMAGE}:v1`] });
    expect(step(plan, 'build-final')?.build).toMatchObject({
      metadataFile: '/tmp/run/final.metadata.json',
      cacheFrom: [`${IMAGE}:buildcache`],
      cacheTo: `${IMAGE}:buildcache`
    });
    expect(plan.refs.cache).toEqual({ final: `${IMAGE}:buildcache` });
    expect(plan.refs.pushed).toEqual([`${IMAGE}:${SHA}`, `${IMAGE}:latest`, `${IMAGE}:v1`]);
    // Only auto falls back; an explicit buildx stops.
    expect(plan.steps.every(s => !s.fallback)).toBe(true);
  });

  it('push: false reads the cache but writes none and pushes nothing', () => {
    const plan = planBuildx(config({ push: 'false' }), facts);
    const all = plan.steps.map(s => s.argv.join(' ')).join('\n');
    expect(all).toContain('--cache-from');
    expect(all).not.toContain('--cache-to');
    expect(argv(plan, 'build-final')).toContain('--output type=image,push=false');
    expect(step(plan, 'build-final')?.pushRef).toBeUndefined();
    expect(plan.notes.join()).toContain('nothing is pushed');
  });

  it('no-cache reads nothing and still writes the caches afresh', () => {
    const plan = planBuildx(config({ 'no-cache': 'true' }), facts);
    const all = plan.steps.map(s => s.argv.join(' ')).join('\n');
    expect(all).not.toContain('--cache-from');
    expect(argv(plan, 'build-final')).toContain('--no-cache');
    expect(all).toContain('--cache-to');
    expect(step(plan, 'build-final')?.build?.cacheFrom).toEqual([]);
  });

  it('host network needs the network.host entitlement on a BuildKit daemon; secrets go by file', () => {
    const plan = planBuildx(config({ network: 'host', secrets: 'token=tok-abcdef', 'build-args': 'A=1' }), facts);
    const final = argv(plan, 'build-final');
    expect(final).toContain('--network host --allow network.host');
    expect(final).toContain('--secret id=token,src=/tmp/run/secret-token');
    expect(final).toContain('--build-arg A=1');
    expect(final).not.toContain('tok-abcdef');
    expect(argv(planBuildx(config({ network: 'none' }), facts), 'build-final')).not.toContain('--allow');
  });

  it('fills and reads the Go cache mounts on the same builder', () => {
    const go: GoCacheState = {
      hit: 'partial',
      dirs: facts.goDirs,
      baseImage: '127.0.0.1:5000/base/go:1.26',
      mounts: [{ kind: 'mod', mount: { stage: 'builder', id: 'gomod', target: '/go/pkg/mod' } }]
    };
    const plan = planBuildx(config(), facts, go);
    expect(plan.steps.map(s => s.id)).toEqual(['inject', 'build-final', 'extract-mod-0', 'unpack-mod-0']);
    expect(argv(plan, 'inject')).toMatch(/^docker buildx build --builder ci --progress=plain --network none --file \/tmp\/run\/inject.Dockerfile \/home\/runner\/go\/pkg\/mod$/);
    expect(argv(plan, 'extract-mod-0')).toMatch(/^docker buildx build --builder ci .*--output type=tar,dest=\/tmp\/run\/extracted-mod-0.tar /);
    expect(step(plan, 'inject')?.env).toBeUndefined();
  });
});

describe('choosePlan', () => {
  it('auto takes buildx when the builder exports cache, and says why', () => {
    const plan = choosePlan(config(), facts);
    expect(plan.strategy).toBe('buildx');
    expect(plan.reason).toMatch(/auto: the buildx path, because builder ci \(remote driver\)/);
    expect(plan.fellBack).toBeUndefined();
    expect(plan.steps.filter(s => s.build).every(s => s.fallback)).toBe(true);
  });

  it('auto takes the pull path with the docker driver (a note, not a fallback)', () => {
    const plan = choosePlan(config(), { ...facts, builder: { name: 'default', driver: 'docker', status: 'running' } });
    expect(plan.strategy).toBe('pull');
    expect(plan.reason).toMatch(/pull path .*docker driver, which cannot export cache/);
    expect(plan.fellBack).toBeUndefined();
  });

  it('auto takes the pull path without buildx', () => {
    expect(choosePlan(config(), { ...facts, buildx: undefined, builder: undefined }).reason).toMatch(/buildx plugin is not installed/);
  });

  it('auto with a buildkit-endpoint that does not answer falls back to the pull path, with a warning', () => {
    const plan = choosePlan(config({ 'buildkit-endpoint': 'tcp://10.0.0.1:1234' }), {
      ...facts,
      builder: { name: 'x', driver: 'remote', problem: 'builder x at tcp://10.0.0.1:1234 does not answer: context deadline exceeded' }
    });
    expect(plan.strategy).toBe('pull');
    expect(plan.fellBack).toBe(true);
    expect(plan.reason).toContain('does not answer');
    expect(plan.notes[0]).toBe(plan.reason);
  });

  it('explicit buildx on a builder that cannot export cache fails before any command, saying what to do', () => {
    expect(() => choosePlan(config({ 'cache-strategy': 'buildx' }), { ...facts, builder: { name: 'default', driver: 'docker' } })).toThrow(
      /cache-strategy buildx: builder default uses the docker driver.*cache-strategy auto/
    );
  });

  it('pull stays pull whatever the builder', () => {
    expect(choosePlan(config({ 'cache-strategy': 'pull' }), facts).strategy).toBe('pull');
  });

  it('the fallback plan is the pull path, saying why', () => {
    const plan = fallbackPlan(config(), facts, undefined, 'the registry refused the cache export to X: denied');
    expect(plan.strategy).toBe('pull');
    expect(plan.fellBack).toBe(true);
    expect(plan.reason).toBe('cache-strategy auto: fell back from buildx to the pull path, because the registry refused the cache export to X: denied');
  });
});

describe('builder facts and outcomes', () => {
  it('reads docker buildx inspect', () => {
    const text = `Name:          ci\nDriver:        remote\nLast Activity: 2026-11-22\n\nNodes:\nName:             ci0\nEndpoint:         unix:///run/buildkitd.sock\nStatus:           running\nBuildKit version: v0.33.1\n`;
    expect(parseBuildxInspect(text)).toEqual({ name: 'ci', driver: 'remote', endpoint: 'unix:///run/buildkitd.sock', status: 'running', buildkit: 'v0.33.1' });
  });

  it('knows which builders can export registry cache', () => {
    expect(builderProblem(facts)).toBeUndefined();
    expect(builderProblem({ buildx: '0.37.2', builder: { name: 'b', driver: 'docker-container' } })).toBeUndefined();
    expect(builderProblem({ buildx: '0.37.2', builder: { name: 'default', driver: 'docker' } })).toMatch(/docker driver/);
    expect(builderProblem({ buildx: '0.37.2', builder: { ...remote, problem: 'gone' } })).toBe('gone');
  });

  it('tells a builder or cache failure from a Dockerfile failure', () => {
    expect(builderFailure('ERROR: context deadline exceeded', false)).toBeDefined();
    expect(builderFailure('ERROR: failed to build: Cache export is not supported for the docker driver.', false)).toBeDefined();
    expect(builderFailure('ERROR: failed to build: failed to solve: granting entitlement network.host is not allowed by build daemon configuration', false)).toBeDefined();
    expect(builderFailure('ERROR: dial unix /run/buildkitd.sock: connect: connection refused', false)).toBeDefined();
    expect(builderFailure('ERROR: failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code: 3', true)).toBeUndefined();
    expect(builderFailure('ERROR: failed to solve: dockerfile parse error on line 3: unknown instruction: RUNN', false)).toBeUndefined();
    // A Dockerfile step failed: never a fallback, whatever else the log says.
    expect(builderFailure('connection refused', true)).toBeUndefined();
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
    expect(() => config({ builder: 'ci', 'buildkit-endpoint': 'tcp://h:1' })).toThrow(/Input 'buildkit-endpoint': give builder or buildkit-endpoint/);
    expect(() => config({ 'buildkit-endpoint': 'http://h:1' })).toThrow(/Input 'buildkit-endpoint': .*tcp:\/\/HOST:PORT/);
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
    ]) reader.line(line);
    expect(reader.steps().map(v => [v.instruction, v.status, v.seconds])).toEqual([
      ['RUN go mod download', 'cached', 3],
      ['COPY . .', 'done', 0.4]
    ]);
  });
});
