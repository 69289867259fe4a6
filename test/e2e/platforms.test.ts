// amd64 and arm64 in one image by Go cross-compilation, no emulation: a docker-container builder on a
// Docker 28 engine builds test/fixtures/hello-svc's Dockerfile.multiarch for both platforms. Read from
// the registry itself: the index holds both platforms, and each image's binary is an ELF file of its
// architecture. The Go caches reach both compiles: after a one-line change on a fresh runner, each
// compiles only the changed packages.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAction, type ActionRun } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { dockerContainerBuilderArgs, sh } from './support/buildkit.js';
import { buildSteps, compiledPackages } from './support/log.js';
import { emptyGoFolders, goRunnerEnv } from './support/go-runner.js';
import { REGISTRY } from './support/registry.js';
import { ENGINE, MODERN_ENGINE, commitAll, copyFixture, wipeRunner } from './support/stack.js';

const id = Date.now().toString(36);
const image = `${REGISTRY}/e2e/platforms-${id}`;
const builder = `cib-platforms-${id}`;
const PLATFORMS = 'linux/amd64,linux/arm64';
const OWN = ['example.com/hello-svc/internal/greeting', 'example.com/hello-svc/cmd/hello-svc'];
/** ELF e_machine values. */
const MACHINE: Record<string, number> = { amd64: 0x3e, arm64: 0xb7 };
const times: Array<[string, number]> = [];
let server: CacheServer;
let home = '';
let workspace = '';

const ACCEPT = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
].join(', ');

async function registryJson<T>(repo: string, reference: string): Promise<T> {
  const response = await fetch(`http://${REGISTRY}/v2/${repo}/manifests/${reference}`, { headers: { Accept: ACCEPT } });
  if (!response.ok) throw new Error(`${repo}@${reference}: ${response.status}`);
  return (await response.json()) as T;
}

/** A file's first bytes from an image's layers (the last layer that holds it), straight from the registry. */
async function fileHead(repo: string, manifestDigest: string, file: string): Promise<Buffer | undefined> {
  const manifest = await registryJson<{ layers: Array<{ digest: string }> }>(repo, manifestDigest);
  for (const layer of [...manifest.layers].reverse()) {
    const blob = Buffer.from(await (await fetch(`http://${REGISTRY}/v2/${repo}/blobs/${layer.digest}`)).arrayBuffer());
    const tar = blob[0] === 0x1f && blob[1] === 0x8b ? gunzipSync(blob) : blob;
    for (let offset = 0; offset + 512 <= tar.length;) {
      const name = tar
        .subarray(offset, offset + 100)
        .toString('utf8')
        .replace(/\0.*$/s, '');
      const prefix = tar
        .subarray(offset + 345, offset + 500)
        .toString('utf8')
        .replace(/\0.*$/s, '');
      const size = parseInt(
        tar
          .subarray(offset + 124, offset + 136)
          .toString('utf8')
          .replace(/\0.*$/s, '')
          .trim() || '0',
        8
      );
      if (!name) break;
      const full = (prefix ? `${prefix}/${name}` : name).replace(/^\.\//, '');
      if (full === file) return tar.subarray(offset + 512, offset + 512 + Math.min(size, 64));
      offset += 512 + Math.ceil(size / 512) * 512;
    }
  }
  return undefined;
}

function goEnv(): Record<string, string> {
  return goRunnerEnv(server, home);
}

function freshRunner(): void {
  wipeRunner();
  emptyGoFolders(home);
}

async function build(label: string, sha: string, inputs: Record<string, string> = {}): Promise<ActionRun> {
  const run = await runAction({
    workspace,
    sha,
    env: goEnv(),
    inputs: { image, builder, platforms: PLATFORMS, file: 'Dockerfile.multiarch', network: 'host', 'copy-unchanged': 'false', ...inputs }
  });
  times.push([label, run.main.durationMs + run.post.durationMs]);
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
  expect(run.post.exitCode).toBe(0);
  return run;
}

/** What each platform's compile printed (`go build -v`: the packages it compiled). */
function compiledPerPlatform(run: ActionRun): Record<string, string[]> {
  const lines = run.main.log.split('\n');
  const out: Record<string, string[]> = {};
  for (const v of buildSteps(run.main.log, 'Build the image').filter(s => /go build/.test(s.instruction ?? '') && s.platform)) {
    const prefix = `#${v.id} `;
    out[v.platform as string] = compiledPackages(
      lines.filter(l => l.startsWith(prefix) && /^#\d+ \d+\.\d+ /.test(l)).map(l => l.replace(/^#\d+ \d+\.\d+ /, ''))
    );
  }
  return out;
}

beforeAll(async () => {
  if (!MODERN_ENGINE) return;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-platforms-home-'));
  workspace = copyFixture('hello-svc');
  server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-platforms-cache-')), host: '127.0.0.1' });
  sh('docker', dockerContainerBuilderArgs(builder));
}, 900_000);

afterAll(async () => {
  if (!MODERN_ENGINE) return;
  await (server as CacheServer | undefined)?.close(); // unset if beforeAll failed
  sh('docker', ['buildx', 'rm', '--force', builder]);
  console.log(`two platforms on ${ENGINE} (main + post):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
});

describe.runIf(MODERN_ENGINE)(`linux/amd64 and linux/arm64 in one image, on ${ENGINE}`, { timeout: 900_000 }, () => {
  it('cold: one index with both platforms, each binary of its own architecture, the summary lists each digest', async () => {
    freshRunner();
    const sha = commitAll(workspace);
    const run = await build('two platforms, cold', sha);
    expect(run.outputs.strategy).toBe('buildx');
    const repo = image.slice(REGISTRY.length + 1);
    const index = await registryJson<{ manifests: Array<{ digest: string; platform?: { os: string; architecture: string } }> }>(repo, sha);
    const platforms = index.manifests.filter(m => m.platform && m.platform.os !== 'unknown');
    expect(platforms.map(m => `${m.platform?.os}/${m.platform?.architecture}`).sort()).toEqual(['linux/amd64', 'linux/arm64']);
    for (const m of platforms) {
      const head = await fileHead(repo, m.digest, 'usr/local/bin/hello-svc');
      expect(head?.subarray(0, 4).toString('latin1')).toBe('\x7fELF');
      expect(head?.readUInt16LE(18)).toBe(MACHINE[m.platform?.architecture as string]);
      expect(run.summary).toContain(m.digest);
    }
    const compiled = compiledPerPlatform(run);
    expect(Object.keys(compiled).length).toBe(2);
    for (const list of Object.values(compiled)) expect(list.length).toBeGreaterThan(30);
    expect(run.main.log).not.toMatch(/would run under emulation/);
  });

  it('fresh runner, one-line change: the Go caches reach both compiles, each compiles only what changed', async () => {
    freshRunner();
    fs.appendFileSync(path.join(workspace, 'internal/greeting/greeting.go'), '\nvar platformsMarker = 1\n');
    const run = await build('two platforms, fresh runner, one-line change', commitAll(workspace));
    expect(run.outputs['go-cache-hit']).toBe('exact');
    // The wiped builder is known to hold no Go caches from docker buildx du, without a probe build.
    expect(run.main.log).toMatch(/The builder's Go cache mounts: the builder holds no cache mount yet \(asked in [\d.]+ s\)/);
    const compiled = compiledPerPlatform(run);
    expect(Object.keys(compiled).length).toBe(2);
    for (const list of Object.values(compiled)) expect(list.sort()).toEqual([...OWN].sort());
  });

  it('a stage that would run under emulation is said before the build, with the fix', async () => {
    const run = await runAction({
      workspace,
      sha: commitAll(workspace),
      env: goEnv(),
      inputs: { image, builder, platforms: PLATFORMS, file: 'Dockerfile', network: 'host', push: 'false', 'go-cache': 'false' }
    });
    const canEmulate = /Platforms:.*linux\/arm64/.test(sh('docker', ['buildx', 'inspect', builder]));
    expect(run.main.log).toContain('FROM --platform=$BUILDPLATFORM');
    if (canEmulate) {
      // With QEMU the builder can run it: a warning, and the build goes on (slowly).
      expect(run.main.log).toMatch(/::warning::stage builder runs RUN steps on the target platform/);
    } else {
      // No QEMU here: refused before any build.
      expect(run.main.exitCode).toBe(1);
      expect(run.main.log).toMatch(/::error::Input 'platforms': stage builder runs RUN steps on the target platform/);
      expect(run.main.log).not.toMatch(/^\[command\]docker buildx build /m);
    }
  });
});
