// The buildx path against the real stack: a standalone buildkitd on loopback (buildx's remote
// driver), the loopback registry holding the cache manifests, and the engine for the pull path.
// Cold, then fresh runners (the builder's cache and every local image wiped) with no change and with
// a one-line Go change; a registry that refuses the cache export (no fallback: the image is pushed);
// the remote builder the action creates for buildkit-endpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { buildSteps, groupLines, stepStatus } from './support/log.js';
import { REGISTRY, listTags, manifestDigest } from './support/registry.js';
import { buildkitdUp, createRemoteBuilder, pruneBuilder, removeBuilder, sh } from './support/buildkit.js';
import { startFaultProxy, type FaultProxy } from '../support/fault-proxy.js';
import { breakDockerfile, commitAll, copyFixture, wipeRunner } from './support/stack.js';

const id = Date.now().toString(36);
const buildxImage = `${REGISTRY}/e2e/buildx-${id}`;
const builderName = `cib-e2e-${id}`;
let endpoint = '';
const times: Record<string, number> = {};

const FINAL = 'Build the image';
/** The buildx path builds once: the builder stage's steps are in the image's build. */
const builderSteps = (log: string) => buildSteps(log, FINAL).filter(v => v.stage === 'builder');

/** A fresh runner: no local images or build cache, and a builder whose cache is empty. */
function freshRunner(): void {
  wipeRunner();
  pruneBuilder(builderName);
}

/** copy-unchanged off: these runs are about the registry cache (a no-change run would copy latest). */
async function build(workspace: string, sha: string, inputs: Record<string, string>): Promise<ActionRun> {
  return runAction({ workspace, sha, inputs: { network: 'host', 'go-cache': 'false', 'copy-unchanged': 'false', ...inputs } });
}

function ok(label: string, run: ActionRun): ActionRun {
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
  expect(run.post.exitCode).toBe(0);
  return run;
}

function nonFrom(steps: ReturnType<typeof buildSteps>) {
  return steps.filter(v => !v.instruction?.startsWith('FROM '));
}

/** The manifest at repo:tag, as the registry serves it. */
async function manifest(
  image: string,
  tag: string
): Promise<{ mediaType?: string; config?: { mediaType?: string }; layers?: unknown[] } | undefined> {
  const repo = image.slice(image.indexOf('/') + 1);
  const response = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, {
    headers: { Accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' }
  });
  return response.ok ? ((await response.json()) as { mediaType?: string }) : undefined;
}

function builders(): string {
  return sh('docker', ['buildx', 'ls']);
}

beforeAll(() => {
  // Idempotent: skipped in seconds when the pinned binaries are there and the daemon answers.
  endpoint = buildkitdUp();
  createRemoteBuilder(builderName, endpoint);
}, 1_800_000);

afterAll(() => {
  removeBuilder(builderName);
  const rows = ['cold', 'fresh runner, no change', 'fresh runner, one-line change'].map(
    label => `  ${label.padEnd(32)} ${((times[label] ?? NaN) / 1000).toFixed(1).padStart(6)} s`
  );
  // For the log only: speed is the benchmark's to show (npm run bench), not a test's.
  console.log(`buildx path (remote builder on loopback buildkitd), whole main step:\n${rows.join('\n')}`);
});

describe('buildx path: registry cache on a remote builder', { timeout: 900_000 }, () => {
  let workspace = '';
  beforeAll(() => {
    workspace = copyFixture('hello-svc');
  });

  it('cold: one build pushes the image and writes one cache manifest (every stage); the digest output is what the registry serves', async () => {
    freshRunner();
    const sha = commitAll(workspace);
    const run = ok('buildx cold', await build(workspace, sha, { image: buildxImage, builder: builderName, 'cache-strategy': 'buildx', tags: 'e2e' }));
    times.cold = run.main.durationMs;
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.digest).toBe(await manifestDigest(buildxImage, sha));
    expect(run.outputs['image-id']).toMatch(/^sha256:/);
    expect(await listTags(buildxImage)).toEqual(['buildcache', 'e2e', 'latest', sha].sort());
    expect(run.main.log).not.toContain('Build stage builder');
    expect(run.outputs.tags.split('\n').sort()).toEqual([`${buildxImage}:${sha}`, `${buildxImage}:latest`, `${buildxImage}:e2e`].sort());
    expect(run.outputs['cache-refs']).toBe(`${buildxImage}:buildcache`);
    const cache = await manifest(buildxImage, 'buildcache');
    // image-manifest=true, oci-mediatypes=true: an OCI image manifest whose config is BuildKit's cache config.
    expect(cache?.mediaType).toBe('application/vnd.oci.image.manifest.v1+json');
    expect(cache?.config?.mediaType).toBe('application/vnd.buildkit.cacheconfig.v0');
    // mode=max: the builder stage's layers (base, modules, compile) beside the image's.
    expect(cache?.layers?.length).toBeGreaterThan(4);
    expect(run.main.log).toContain('--provenance=false');
    expect(stepStatus(builderSteps(run.main.log), /^RUN go build/)).toBe('done');
    expect(run.outputs['builder-cache-hit']).toBe('false');
    expect(run.summary).toContain('Registry cache');
    expect(run.summary).toContain(`${buildxImage}:buildcache`);
  });

  it('fresh runner (builder cache and local images wiped), no change: every step CACHED from the registry', async () => {
    freshRunner();
    const sha = commitAll(workspace);
    const run = ok('buildx fresh', await build(workspace, sha, { image: buildxImage, builder: builderName, 'cache-strategy': 'buildx' }));
    times['fresh runner, no change'] = run.main.durationMs;
    const builder = nonFrom(builderSteps(run.main.log));
    const final = nonFrom(buildSteps(run.main.log, FINAL));
    expect(builder.length).toBeGreaterThan(3);
    expect(builder.map(v => [v.instruction, v.status]).filter(([, s]) => s !== 'cached')).toEqual([]);
    expect(final.map(v => [v.instruction, v.status]).filter(([, s]) => s !== 'cached')).toEqual([]);
    expect(run.outputs['builder-cache-hit']).toBe('true');
    expect(run.main.log).toContain(`importing cache manifest from ${buildxImage}:buildcache`);
    expect(await manifestDigest(buildxImage, sha)).toBe(run.outputs.digest);
    expect(run.summary).toMatch(/Build the image<\/td><td>.*buildcache.*<\/td><td>(\d+) of \1<\/td>/);
  });

  // BuildKit sometimes reports a step its registry cache answered with only the layer pulls and DONE,
  // no CACHED line: the progress reader counts those as cached. The message carries the progress.
  it('fresh runner, one-line Go change: dependency steps CACHED, the compile runs', async () => {
    freshRunner();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), `\nvar buildxMarker${Date.now()} = "one-line change"\n`);
    const run = ok(
      'buildx one-line',
      await build(workspace, commitAll(workspace), { image: buildxImage, builder: builderName, 'cache-strategy': 'buildx' })
    );
    times['fresh runner, one-line change'] = run.main.durationMs;
    const builder = builderSteps(run.main.log);
    expect(stepStatus(builder, /^COPY go.mod go.sum/)).toBe('cached');
    const progress = groupLines(run.main.log, FINAL).join('\n');
    expect(stepStatus(builder, /^RUN go mod download/), progress).toBe('cached');
    expect(stepStatus(builder, /^RUN go build/)).toBe('done');
    expect(run.outputs['builder-cache-hit']).toBe('false');
  });

  it('a Dockerfile error under auto fails the step and is never retried on the pull path', async () => {
    const broken = copyFixture('hello-svc');
    const line = breakDockerfile(path.join(broken, 'Dockerfile'));
    const run = await build(broken, commitAll(broken), { image: buildxImage, builder: builderName });
    expect(run.main.exitCode).toBe(1);
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.main.log).not.toContain('fell back');
    expect(run.main.log).toMatch(new RegExp(`::error file=.*Dockerfile,line=${line}::.*exit code: 3`));
  });
});

describe('buildx path: builders the action creates, and falling back', { timeout: 900_000 }, () => {
  it('buildkit-endpoint: the action creates a remote builder for it, builds on it, and removes it in the post step', async () => {
    const workspace = copyFixture('hello-svc');
    const image = `${REGISTRY}/e2e/buildx-endpoint-${id}`;
    const sha = commitAll(workspace);
    // The builder the action makes and removes is the question, not the compile.
    const run = ok('endpoint', await build(workspace, sha, { image, file: 'Dockerfile.copyonly', 'buildkit-endpoint': endpoint }));
    expect(run.outputs.strategy).toBe('buildx');
    expect(run.outputs['strategy-reason']).toMatch(/auto: the buildx path.*remote driver/);
    const created = /builder (cached-image-build-[0-9]+-[0-9a-z]+): driver remote/.exec(run.main.log)?.[1];
    expect(created).toBeDefined();
    expect(run.main.log).toContain(`--builder ${created}`);
    expect(builders()).not.toContain(created);
    expect(await listTags(image)).toEqual(expect.arrayContaining(['buildcache']));
    expect(run.outputs.digest).toBe(await manifestDigest(image, sha));
  });

  it('auto with an unreachable buildkit-endpoint: the pull path builds; the warning, summary and outputs say why', async () => {
    const workspace = copyFixture('hello-svc');
    const image = `${REGISTRY}/e2e/buildx-unreachable-${id}`;
    const sha = commitAll(workspace);
    // Which path builds is the question, not the compile: a Dockerfile that compiles nothing.
    const run = ok('unreachable', await build(workspace, sha, { image, file: 'Dockerfile.copyonly', 'buildkit-endpoint': 'tcp://127.0.0.1:9' }));
    expect(run.outputs.strategy).toBe('pull');
    expect(run.outputs['strategy-reason']).toMatch(/pull path.*127\.0\.0\.1:9 does not answer/);
    expect(run.main.log).toMatch(/::warning::cache-strategy auto: the pull path .*does not answer/);
    expect(run.summary).toContain('Fell back');
    expect(run.summary).toContain('does not answer');
    expect(await listTags(image)).toEqual(['builder', 'latest', sha].sort());
    // The builder the action made for the endpoint (whether or not it answered) is gone after the post step.
    const made = /builder (cached-image-build-\S+): driver/.exec(run.main.log)?.[1];
    expect(made).toBeDefined();
    expect(builders()).not.toContain(made);
  });

  /** A proxy in front of the registry that answers 403 to every cache manifest PUT, as registries do that reject the OCI cache manifest. */
  async function refusingRegistry(): Promise<FaultProxy> {
    const proxy = await startFaultProxy({ upstream: REGISTRY, name: 'refusing registry' });
    proxy.add({
      method: 'PUT',
      path: /\/manifests\/buildcache/,
      fault: 'status',
      status: 403,
      message: 'this registry does not accept cache manifests'
    });
    return proxy;
  }

  it.each([['buildx'], ['auto']])(
    'cache-strategy %s and a registry that refuses the cache export: the image is built and pushed once, no fallback, a warning',
    async strategy => {
      const refusing = await refusingRegistry();
      try {
        const workspace = copyFixture('hello-svc');
        const name = `e2e/buildx-refused-${strategy}-${id}`;
        const sha = commitAll(workspace);
        const run = ok(
          `refused, ${strategy}`,
          await build(workspace, sha, { image: `${refusing.address}/${name}`, builder: builderName, 'cache-strategy': strategy })
        );
        expect(refusing.rules()[0].fired).toBe(1);
        expect(run.outputs.strategy).toBe('buildx');
        expect(run.main.log).toMatch(
          /::warning::.*the registry refused the cache export to .*:buildcache .*; the image is built and pushed, but the next run finds no cache there/
        );
        expect(run.main.log).not.toMatch(/fell back/);
        expect(run.summary).toContain('refused:');
        expect(run.outputs['cache-refs']).toBe('');
        // One image: the commit tag and latest name the same digest, pushed by the one build.
        expect(await listTags(`${REGISTRY}/${name}`)).toEqual(['latest', sha].sort());
        expect(await manifestDigest(`${REGISTRY}/${name}`, sha)).toBe(run.outputs.digest);
        expect(await manifestDigest(`${REGISTRY}/${name}`, 'latest')).toBe(run.outputs.digest);
        expect(refusing.log.filter(e => e.method === 'PUT' && /\/manifests\//.test(e.path) && !/buildcache/.test(e.path)).length).toBe(2);
      } finally {
        await refusing.close();
      }
    }
  );
});
