// The action on the engines users run (Docker 28 in both image stores): a `# syntax=docker/dockerfile:1`
// Dockerfile with heredocs and Go cache mounts, a docker-container builder (docker/setup-buildx-action's
// default), and on the containerd store the engine's own builder exporting registry cache. Fresh
// runners wipe the engine (and a docker-container builder's state with it).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { dockerContainerBuilderArgs, sh } from './support/buildkit.js';
import { compiledPackages, stageBuildSteps, stageBuildTitle, stepOutput, stepStatus } from './support/log.js';
import { emptyGoFolders, goRunnerEnv } from './support/go-runner.js';
import { REGISTRY, manifestDigest } from './support/registry.js';
import { CONTAINERD_STORE, ENGINE, MODERN_ENGINE, commitAll, copyFixture, wipeRunner } from './support/stack.js';

const id = Date.now().toString(36);
const times: Array<[string, number]> = [];
let server: CacheServer;
let home = '';

const OWN = ['example.com/hello-svc/internal/greeting', 'example.com/hello-svc/cmd/hello-svc'];
const COMPILE = /go build|<<EOT/;

function goEnv(): Record<string, string> {
  return goRunnerEnv(server, home);
}

function freshRunner(): void {
  wipeRunner();
  emptyGoFolders(home);
}

async function build(label: string, workspace: string, sha: string, inputs: Record<string, string>): Promise<ActionRun> {
  const run = await runAction({ workspace, sha, env: goEnv(), inputs: { network: 'host', ...inputs } });
  times.push([label, run.main.durationMs + run.post.durationMs]);
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
  expect(run.post.exitCode).toBe(0);
  return run;
}

const compiled = (run: ActionRun) => compiledPackages(stepOutput(run.main.log, stageBuildTitle(run.main.log, 'builder'), COMPILE));

beforeAll(async () => {
  if (!MODERN_ENGINE) return;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-modern-home-'));
  server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-modern-cache-')), host: '127.0.0.1' });
}, 900_000);

afterAll(async () => {
  if (!MODERN_ENGINE) return;
  await (server as CacheServer | undefined)?.close(); // unset if beforeAll failed
  console.log(`the action on ${ENGINE} (main + post):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
});

describe.runIf(MODERN_ENGINE)(`the action on ${ENGINE}`, { timeout: 900_000 }, () => {
  it('# syntax=docker/dockerfile:1, heredocs and Go cache mounts: cold, then a one-line change on a fresh runner compiles only what changed', async () => {
    const workspace = copyFixture('hello-svc');
    const image = `${REGISTRY}/e2e/modern-syntax-${id}`;
    const inputs = { image, file: 'Dockerfile.syntax' };
    freshRunner();
    const sha = commitAll(workspace);
    const cold = await build('syntax + heredocs, cold', workspace, sha, inputs);
    expect(cold.outputs['go-cache-hit']).toBe('miss');
    expect(compiled(cold).length).toBeGreaterThan(30);
    expect(cold.outputs.digest).toBe(await manifestDigest(image, sha));
    freshRunner();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar modernMarker = 1\n');
    const warm = await build('syntax + heredocs, fresh runner, one-line change', workspace, commitAll(workspace), inputs);
    expect(warm.outputs['go-cache-hit']).toBe('exact');
    expect(compiled(warm).sort()).toEqual([...OWN].sort());
    expect(stepStatus(stageBuildSteps(warm.main.log, 'builder'), /^COPY go.mod go.sum/)).toBe('cached');
  });

  // What a one-line change does on a builder that reads registry cache: buildx-path.test.ts (a remote
  // builder); here, that this builder's export and import round-trip.
  it('a docker-container builder: cold, a fresh runner with no change answers every step from the registry cache', async () => {
    const workspace = copyFixture('hello-svc');
    const image = `${REGISTRY}/e2e/modern-dc-${id}`;
    const builder = `cib-dc-action-${id}`;
    sh('docker', dockerContainerBuilderArgs(builder));
    try {
      // The export and import of the registry cache are the question, not the compile.
      const inputs = { image, builder, file: 'Dockerfile.copyonly', 'go-cache': 'false', 'copy-unchanged': 'false' };
      freshRunner();
      const cold = await build('docker-container builder, cold', workspace, commitAll(workspace), inputs);
      expect(cold.outputs.strategy).toBe('buildx');
      expect(cold.outputs['cache-refs']).toBe(`${image}:buildcache`);
      freshRunner();
      const same = await build('docker-container builder, fresh runner, no change', workspace, commitAll(workspace), inputs);
      const steps = stageBuildSteps(same.main.log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));
      expect(steps.map(v => v.instruction).sort()).toEqual(['COPY go.mod go.sum ./', 'WORKDIR /src']);
      expect(steps.map(v => v.status)).toEqual(steps.map(() => 'cached'));
    } finally {
      sh('docker', ['buildx', 'rm', '--force', builder]);
    }
  });

  it.runIf(CONTAINERD_STORE)("the containerd store: auto takes the engine's own builder, which exports registry cache", async () => {
    // The pull path on this store: pull-path.test.ts, which the Docker 29 leg runs.
    const workspace = copyFixture('hello-svc');
    const image = `${REGISTRY}/e2e/modern-store-${id}`;
    const inputs = { image, file: 'Dockerfile.copyonly', 'go-cache': 'false', 'copy-unchanged': 'false' };
    freshRunner();
    const cold = await build('containerd store, auto, cold', workspace, commitAll(workspace), inputs);
    expect(cold.outputs.strategy).toBe('buildx');
    expect(cold.outputs['strategy-reason']).toMatch(/buildx path, because builder \S+ \(docker driver\) exports cache/);
    // The summary says which store the engine uses (Docker 29 picks containerd by itself).
    expect(cold.summary).toMatch(/\*\*Engine:\*\* Docker \d+\.\d+\.\d+\S*, containerd image store, buildx \d/);
    freshRunner();
    const same = await build('containerd store, auto, fresh runner, no change', workspace, commitAll(workspace), inputs);
    const steps = stageBuildSteps(same.main.log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));
    expect(steps.map(v => v.instruction).sort()).toEqual(['COPY go.mod go.sum ./', 'WORKDIR /src']);
    expect(steps.map(v => v.status)).toEqual(steps.map(() => 'cached'));
  });
});
