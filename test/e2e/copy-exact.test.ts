// The copy path copies only what a build would reproduce: latest is copied onto a new commit only
// when the inputs hash covers everything that could change the image. Each case first shows the copy
// happening (same inputs, a new commit), then changes one thing the hash once missed, and checks the
// run builds instead, and that what it pushed is what the change makes.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { goRunnerDirs } from './support/go-runner.js';
import { REGISTRY, manifestDigest } from './support/registry.js';
import { commitAll, copyFixture, git } from './support/stack.js';

const id = Date.now().toString(36);
const times: Array<[string, number]> = [];

async function run(label: string, workspace: string, inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  const sha = commitAll(workspace, label);
  const result = await runAction({ workspace, sha, env, inputs: { network: 'host', ...inputs } });
  times.push([label, result.main.durationMs]);
  if (result.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${result.main.log.slice(-4000)}`);
  expect(result.post.exitCode).toBe(0);
  expect(result.outputs.digest).toBe(await manifestDigest(inputs.image, sha));
  return result;
}

/** The OCI/Docker config of image:tag in the registry (a single-platform manifest). */
async function imageConfig(image: string, tag: string): Promise<{ architecture: string; created?: string }> {
  const repo = image.slice(REGISTRY.length + 1);
  const accept = 'application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json';
  const manifest = (await (await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${tag}`, { headers: { Accept: accept } })).json()) as {
    config: { digest: string };
  };
  return (await (await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${manifest.config.digest}`)).json()) as { architecture: string; created?: string };
}

const copied = (result: ActionRun) => result.outputs.copied;

afterAll(() => {
  console.log(`copy exactness (main step times):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
});

describe('prebuild mode: what go build on the runner reads and how it is run', { timeout: 600_000 }, () => {
  const image = `${REGISTRY}/e2e/exact-prebuild-${id}`;
  const inputs = { image, file: 'Dockerfile.prebuilt', prebuild: './cmd/hello-svc', 'go-cache': 'false' };
  let workspace = '';
  let home = '';
  const env = (goflags: string) => ({
    GOPROXY: process.env.STACK_GOPROXY as string,
    GOSUMDB: 'off',
    GOFLAGS: goflags,
    NO_PROXY: '127.0.0.1,localhost',
    ...goRunnerDirs(home)
  });
  const QUIET = '-mod=readonly -buildvcs=false';

  beforeAll(() => {
    workspace = copyFixture('hello-svc');
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-exact-home-'));
    // The binary the action builds there is no file of the repository.
    fs.appendFileSync(path.join(workspace, '.git/info/exclude'), '.prebuilt/\n');
  });

  it('the same Go environment and sources on a new commit: copied (the case each change below breaks)', async () => {
    await run('prebuild: first', workspace, inputs, env(QUIET));
    expect(copied(await run('prebuild: no change', workspace, inputs, env(QUIET)))).toBe('true');
  });

  it('GOFLAGS changed on the runner, nothing else: built', async () => {
    const result = await run('prebuild: GOFLAGS changed', workspace, inputs, env(`${QUIET} -ldflags=-s`));
    expect(copied(result)).toBe('false');
    expect(result.outputs.strategy).not.toBe('copy');
  });

  it('go build stamps the commit into the binary (-buildvcs not false): each commit builds, and the notice says why', async () => {
    await run('prebuild: vcs stamping, first', workspace, inputs, env('-mod=readonly'));
    const result = await run('prebuild: vcs stamping, new commit', workspace, inputs, env('-mod=readonly'));
    expect(copied(result)).toBe('false');
    expect(result.main.log).toMatch(/buildvcs=false/);
  });

  it('a .dockerignore that sends only the binary: a Go source change still builds', async () => {
    fs.writeFileSync(path.join(workspace, '.dockerignore'), '*\n!.prebuilt\n');
    await run('prebuild: only the binary sent, first', workspace, inputs, env(QUIET));
    expect(copied(await run('prebuild: only the binary sent, no change', workspace, inputs, env(QUIET)))).toBe('true');
    const latest = await manifestDigest(image, 'latest');
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar exactMarker = "changed"\n');
    const result = await run('prebuild: only the binary sent, a .go file changed', workspace, inputs, env(QUIET));
    expect(copied(result)).toBe('false');
    expect(result.outputs.digest).not.toBe(latest);
  });
});

describe('what a Dockerfile fetches and what the environment feeds the build', { timeout: 600_000 }, () => {
  let server: http.Server;
  let served = 'first content\n';
  let url = '';

  beforeAll(async () => {
    server = http.createServer((_, response) => {
      response.writeHead(200, { 'Content-Type': 'text/plain' });
      response.end(served);
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/data.txt`;
  });

  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });

  /** A one-stage image that ADDs what the server serves. */
  function addWorkspace(): string {
    const workspace = copyFixture('hello-svc');
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), `FROM ${REGISTRY}/base/runtime:latest AS builder\nADD ${url} /data.txt\n`);
    return workspace;
  }

  it('ADD <url> whose content changed: built, and the new image holds the new content', async () => {
    const image = `${REGISTRY}/e2e/exact-add-${id}`;
    const workspace = addWorkspace();
    served = 'first content\n';
    const first = await run('ADD url: first', workspace, { image });
    served = 'second content\n';
    const second = await run('ADD url: content changed', workspace, { image });
    expect(copied(second)).toBe('false');
    expect(second.outputs.digest).not.toBe(first.outputs.digest);
    expect(second.main.log).toMatch(/--checksum/);
  });

  it('ADD <url> --checksum: exact, so an unchanged commit is copied', async () => {
    const image = `${REGISTRY}/e2e/exact-add-sum-${id}`;
    const workspace = addWorkspace();
    served = 'pinned content\n';
    const sum = (await import('node:crypto')).createHash('sha256').update(served).digest('hex');
    fs.writeFileSync(
      path.join(workspace, 'Dockerfile'),
      `FROM ${REGISTRY}/base/runtime:latest AS builder\nADD --checksum=sha256:${sum} ${url} /data.txt\n`
    );
    await run('ADD url --checksum: first', workspace, { image });
    expect(copied(await run('ADD url --checksum: no change', workspace, { image }))).toBe('true');
  });

  it('SOURCE_DATE_EPOCH changed: built, with the new creation time', async () => {
    const image = `${REGISTRY}/e2e/exact-epoch-${id}`;
    const workspace = copyFixture('hello-svc');
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), `FROM ${REGISTRY}/base/runtime:latest AS builder\nCOPY go.mod /go.mod\n`);
    await run('SOURCE_DATE_EPOCH: first', workspace, { image }, { SOURCE_DATE_EPOCH: '1700000000' });
    expect(copied(await run('SOURCE_DATE_EPOCH: same', workspace, { image }, { SOURCE_DATE_EPOCH: '1700000000' }))).toBe('true');
    const changed = await run('SOURCE_DATE_EPOCH: changed', workspace, { image }, { SOURCE_DATE_EPOCH: '1800000000' });
    expect(copied(changed)).toBe('false');
  });
});

describe('the platform built for when platforms is empty', { timeout: 900_000 }, () => {
  it("DOCKER_DEFAULT_PLATFORM=linux/arm64 where latest is amd64: built, and the pushed image is arm64's", async () => {
    const image = `${REGISTRY}/e2e/exact-platform-${id}`;
    const workspace = copyFixture('hello-svc');
    // What a platform changes is the image, not the compile: a Dockerfile that compiles nothing.
    const inputs = { image, file: 'Dockerfile.copyonly', 'go-cache': 'false' };
    await run('platform: default (amd64)', workspace, inputs);
    expect((await imageConfig(image, 'latest')).architecture).toBe('amd64');
    const arm = await run('platform: DOCKER_DEFAULT_PLATFORM=linux/arm64', workspace, inputs, { DOCKER_DEFAULT_PLATFORM: 'linux/arm64' });
    expect(copied(arm)).toBe('false');
    expect((await imageConfig(image, git(workspace, 'rev-parse', 'HEAD'))).architecture).toBe('arm64');
  });
});
