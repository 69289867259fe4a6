// The pull path (cache-strategy: pull: on the containerd store auto takes the engine's own builder)
// against the real engine and registry: cold, then fresh runners (all local state
// wiped) with no change and with a one-line Go change, push: false, and bad inputs.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { execFileSync } from 'node:child_process';
import { buildSteps, dockerfileStageSteps, groupLines, stageBuildSteps, stageBuildTitle, stepStatus } from './support/log.js';
import { REGISTRY, listTags, manifestDigest } from './support/registry.js';
import { CONTAINERD_STORE, breakDockerfile, commitAll, copyFixture, wipeRunner } from './support/stack.js';

const image = `${REGISTRY}/e2e/hello-${Date.now().toString(36)}`;
const times: Array<[string, number]> = [];
let workspace = '';

async function build(label: string, sha: string, extra: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({ workspace, sha, inputs: { image, network: 'host', tags: 'e2e', 'cache-strategy': 'pull', ...extra } });
  times.push([label, run.main.durationMs]);
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-4000)}`);
  expect(run.post.exitCode).toBe(0);
  return run;
}

const BUILDER = 'Build stage builder';
const FINAL = 'Build the image';

/** The builder stage's steps (not its FROM) as one build reported them. */
const builderStepsOf = (log: string, title: string) =>
  buildSteps(log, title).filter(v => v.stage === 'builder' && !v.instruction?.startsWith('FROM'));

/** The builder stage's steps, as the fixture's Dockerfile has them. */
const builderSteps = () => dockerfileStageSteps(fs.readFileSync(path.join(workspace, 'Dockerfile'), 'utf8'), 'builder');

/** Whether the engine holds the image (a fresh runner holds nothing). */
function inEngine(ref: string): boolean {
  try {
    execFileSync('docker', ['image', 'inspect', ref], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

beforeAll(() => {
  workspace = copyFixture('hello-svc');
}, 900_000);

afterAll(() => {
  console.log(`pull path times (whole main step, ${image}):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
});

describe('pull path on a real engine and registry', { timeout: 600_000 }, () => {
  it('cold: pushes the commit, latest, builder and extra tags; the digest output is what the registry serves', async () => {
    wipeRunner();
    const sha = commitAll(workspace);
    const run = await build('cold', sha);
    expect(run.outputs.strategy).toBe('pull');
    expect(run.outputs.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(run.outputs.digest).toBe(await manifestDigest(image, sha));
    expect(await listTags(image)).toEqual(['builder', 'e2e', 'latest', sha].sort());
    expect(run.outputs.tags.split('\n').sort()).toEqual([`${image}:builder`, `${image}:${sha}`, `${image}:latest`, `${image}:e2e`].sort());
    expect(run.outputs['builder-cache-hit']).toBe('false');
    expect(stepStatus(stageBuildSteps(run.main.log, 'builder'), /^RUN go build/)).toBe('done');
    // The commit tag and the cache tag together (two images), then latest and the extra tag after them.
    expect(run.main.log).toMatch(/^Push \S+:[0-9a-f]{40}, Push \S+:builder: together in \d+\.\d s$/m);
    expect([...run.main.log.matchAll(/^::group::Push \S+:(\S+)$/gm)].map(m => m[1])).toEqual([sha, 'builder', 'latest', 'e2e']);
    // No latest to compare inputs with: the builder stage is built first, and the image's build reads
    // it from the engine's cache: nothing of it runs again.
    expect(stageBuildTitle(run.main.log, 'builder')).toBe(BUILDER);
    expect(builderStepsOf(run.main.log, FINAL).map(v => v.status)).toEqual(builderSteps().map(() => 'cached'));
    expect(run.summary).toContain('Phases');
    expect(run.summary).toContain(run.outputs.digest);
    // The engine as the run found it: the store the stack gave this engine (Docker 29 chose containerd).
    expect(run.summary).toContain(`, ${CONTAINERD_STORE ? 'containerd' : 'classic'} image store, buildx `);
  });

  it("fresh runner, no change: nothing built; the commit tag and the extra tag get latest's image, copied in the registry", async () => {
    wipeRunner();
    const latest = await manifestDigest(image, 'latest');
    const builderDigest = await manifestDigest(image, 'builder');
    const sha = commitAll(workspace);
    const run = await build('fresh runner, no change (copied)', sha);
    expect(run.outputs).toMatchObject({ copied: 'true', strategy: 'copy', digest: latest, 'builder-cache-hit': 'true', 'latest-moved': 'false' });
    expect(await manifestDigest(image, sha)).toBe(latest);
    expect(await manifestDigest(image, 'e2e')).toBe(latest);
    expect(await manifestDigest(image, 'builder')).toBe(builderDigest);
    expect(run.main.log).not.toMatch(/^\[command\]docker (build|push) /m);
    // By the registry's HTTP API (no buildx process): the commit tag and the extra tag in one step.
    expect(run.main.log).toMatch(
      new RegExp(`^${image}:${sha}, ${image}:e2e: the manifest of ${image}@${latest} put there by the registry's HTTP API \\(\\d+ ms\\)$`, 'm')
    );
    expect(run.main.log).not.toContain('imagetools');
    expect(run.summary).toContain('No build');
  });

  it('fresh runner, no change, copy-unchanged: false: every builder step CACHED from the registry; the builder image is neither fetched nor pushed', async () => {
    wipeRunner();
    const builderDigest = await manifestDigest(image, 'builder');
    const sha = commitAll(workspace);
    const run = await build('fresh runner, no change', sha, { 'copy-unchanged': 'false' });
    expect(run.outputs['builder-cache-hit']).toBe('true');
    expect(run.main.log).toMatch(
      /:latest was built from the same inputs .*: every step should come from the layer cache \(the image is built first\)/
    );
    expect(run.main.log).toMatch(
      /Build stage builder: skipped, the builder stage came whole from the cache and .*:builder is in the registry already/
    );
    expect(groupLines(run.main.log, BUILDER)).toEqual([]);
    expect(inEngine(`${image}:builder`)).toBe(false);
    expect(await manifestDigest(image, 'builder')).toBe(builderDigest);
    expect(run.outputs.tags.split('\n')).not.toContain(`${image}:builder`);
    const builder = stageBuildSteps(run.main.log, 'builder');
    expect(builder.filter(v => !v.instruction?.startsWith('FROM')).map(v => v.status)).toEqual(expect.arrayContaining(['cached']));
    // CANCELED: dockerd 20.10's BuildKit stops a step it had started once a later one is found in the cache.
    expect(builder.filter(v => !v.instruction?.startsWith('FROM')).every(v => v.status === 'cached' || v.status === 'canceled')).toBe(true);
    expect(stepStatus(buildSteps(run.main.log, FINAL), /^COPY --from=builder/)).toBe('cached');
    expect(run.summary).toContain('CACHED');
    expect(await manifestDigest(image, sha)).toBe(run.outputs.digest);
  });

  it('fresh runner, pull-previous: true, no change: also every builder step CACHED (measured beside the above)', async () => {
    wipeRunner();
    const run = await build('fresh runner, no change, pull-previous', commitAll(workspace), { 'pull-previous': 'true', 'copy-unchanged': 'false' });
    expect(run.main.log).toContain(`::group::Pull ${image}:builder`);
    expect(run.outputs['builder-cache-hit']).toBe('true');
  });

  it('fresh runner, one-line Go change: module download CACHED, compile step runs', async () => {
    wipeRunner();
    const file = path.join(workspace, 'internal/greeting/greeting.go');
    fs.appendFileSync(file, '\nvar buildMarker = "one-line change"\n');
    const builderDigest = await manifestDigest(image, 'builder');
    const run = await build('fresh runner, one-line change', commitAll(workspace));
    // Other inputs than latest's: the builder stage is built first, from the builder tag alone.
    expect(run.main.log).toMatch(/not compared with .*:latest: it was built from other inputs/);
    expect(stageBuildTitle(run.main.log, 'builder')).toBe(BUILDER);
    const builder = stageBuildSteps(run.main.log, 'builder');
    expect(stepStatus(builder, /^WORKDIR/)).toBe('cached');
    expect(stepStatus(builder, /^COPY go.mod go.sum/)).toBe('cached');
    expect(stepStatus(builder, /^RUN go mod download/)).toBe('cached');
    expect(stepStatus(builder, /^RUN go build/)).toBe('done');
    expect(builderStepsOf(run.main.log, FINAL).map(v => v.status)).toEqual(builderSteps().map(() => 'cached'));
    expect(run.outputs['builder-cache-hit']).toBe('false');
    // The stage changed: its tag is exported and pushed again.
    expect(await manifestDigest(image, 'builder')).not.toBe(builderDigest);
    expect(run.outputs.tags.split('\n')).toContain(`${image}:builder`);
  });

  it('push: false pushes nothing', async () => {
    const before = await listTags(image);
    const latest = await manifestDigest(image, 'latest');
    // Built (copy-unchanged off), from the engine's layer cache: whether it pushes is the question.
    const run = await build('push: false', commitAll(workspace), { push: 'false', 'copy-unchanged': 'false' });
    expect(run.outputs.digest).toBe('');
    expect(run.outputs.tags).toBe('');
    expect(run.outputs['image-id']).toMatch(/^sha256:/);
    expect(await listTags(image)).toEqual(before);
    expect(await manifestDigest(image, 'latest')).toBe(latest);
  });

  it('a Dockerfile error fails the step with the reason, annotated at its line', async () => {
    const broken = copyFixture('hello-svc');
    const line = breakDockerfile(path.join(broken, 'Dockerfile'));
    const run = await runAction({ workspace: broken, sha: commitAll(broken), inputs: { image, network: 'host', 'cache-strategy': 'pull' } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toMatch(new RegExp(`::error file=.*Dockerfile,line=${line}::.*exit code: 3`));
    expect(run.summary).toContain('Failed');
  });
});
