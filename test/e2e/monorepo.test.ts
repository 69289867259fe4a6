// Many images in one step, only those that changed: the monorepo fixture (four Go services sharing
// modules and an internal package; each Dockerfile's own .dockerignore keeps its context to its
// service, the shared package and go.mod/go.sum). Checked in the registry itself.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { emptyGoFolders, goRunnerEnv } from './support/go-runner.js';
import { REGISTRY, manifestDigest } from './support/registry.js';
import { commitAll, copyFixture, wipeRunner } from './support/stack.js';

const SERVICES = ['api', 'worker', 'auth', 'billing'];
const id = Date.now().toString(36);
const imageOf = (svc: string) => `${REGISTRY}/e2e/mono-${id}/${svc}`;
const IMAGES = SERVICES.map(svc => `${svc}:\n  image: ${imageOf(svc)}\n  file: cmd/${svc}/Dockerfile`).join('\n');
const times: Array<[string, number]> = [];
let workspace = '';
let home = '';
let server: CacheServer;

type Images = Record<string, { image: string; digest: string; tags: string[]; built: boolean; copied: boolean }>;

async function build(label: string, sha: string): Promise<{ run: ActionRun; images: Images }> {
  const run = await runAction({
    workspace,
    sha,
    inputs: { images: IMAGES, network: 'host' },
    env: goRunnerEnv(server, home)
  });
  times.push([label, run.main.durationMs + run.post.durationMs]);
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
  expect(run.post.exitCode).toBe(0);
  return { run, images: JSON.parse(run.outputs.images) as Images };
}

function freshRunner(): void {
  wipeRunner();
  emptyGoFolders(home);
}

/** Which services were built and which copied, as the outputs say; and every commit tag checked in the registry. */
async function outcome(images: Images, sha: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const svc of SERVICES) {
    const entry = images[svc];
    expect(entry.image).toBe(imageOf(svc));
    expect(await manifestDigest(imageOf(svc), sha)).toBe(entry.digest);
    expect(entry.tags).toContain(`${imageOf(svc)}:${sha}`);
    out[svc] = entry.copied ? 'copied' : entry.built ? 'built' : '?';
  }
  return out;
}

beforeAll(async () => {
  workspace = copyFixture('mono');
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-mono-home-'));
  server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-mono-cache-')), host: '127.0.0.1' });
}, 900_000);

afterAll(async () => {
  await (server as CacheServer | undefined)?.close(); // unset if beforeAll failed
  console.log(`monorepo, four images in one step (main + post):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
});

describe('four images of a monorepo in one step', { timeout: 900_000 }, () => {
  it('cold: all four built and pushed, one Go cache restore and one save for all', async () => {
    freshRunner();
    const sha = commitAll(workspace);
    const { run, images } = await build('cold', sha);
    expect(await outcome(images, sha)).toEqual({ api: 'built', worker: 'built', auth: 'built', billing: 'built' });
    for (const svc of SERVICES) expect(await manifestDigest(imageOf(svc), 'latest')).toBe(images[svc].digest);
    expect(run.main.log.match(/^::group::Restore the Go caches$/gm)).toHaveLength(1);
    expect(run.post.log.match(/Go caches saved under/g)).toHaveLength(1);
    expect(run.summary).toContain('Cached Image Build: 4 images');
    expect(run.outputs.digest).toBe('');
  });

  it('fresh runner, a one-line change in one service: that one built, the other three copied', async () => {
    freshRunner();
    fs.appendFileSync(path.join(workspace, 'cmd/api/main.go'), '\nvar apiMarker = 1\n');
    const sha = commitAll(workspace);
    const before = Object.fromEntries(
      await Promise.all(SERVICES.map(async (svc): Promise<[string, string | undefined]> => [svc, await manifestDigest(imageOf(svc), 'latest')]))
    );
    const { images } = await build('fresh runner, one-line change in api', sha);
    expect(await outcome(images, sha)).toEqual({ api: 'built', worker: 'copied', auth: 'copied', billing: 'copied' });
    // The copies are the images latest already names; api's latest moved to its new build.
    for (const svc of ['worker', 'auth', 'billing']) expect(images[svc].digest).toBe(before[svc]);
    expect(await manifestDigest(imageOf('api'), 'latest')).toBe(images.api.digest);
    expect(images.api.digest).not.toBe(before.api);
  });

  it('fresh runner, a change in the shared package: all four built', async () => {
    freshRunner();
    fs.appendFileSync(path.join(workspace, 'internal/shared/shared.go'), '\nvar sharedMarker = 1\n');
    const sha = commitAll(workspace);
    const { images } = await build('fresh runner, one-line change in the shared package', sha);
    expect(await outcome(images, sha)).toEqual({ api: 'built', worker: 'built', auth: 'built', billing: 'built' });
  });
});
