// The stack's modern engines themselves (scripts/stack.sh, STACK_ENGINE=docker28, docker28-containerd
// or docker29): what a runner's engine does that the 20.10 one cannot, offline. The
// `# syntax=` frontend and the docker-container builder's BuildKit image come from the local
// registry through the engine's registry-mirrors; builds use the host network (no bridge).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dockerContainerBuilderArgs } from './support/buildkit.js';
import { REGISTRY, manifestDigest } from './support/registry.js';
import { CONTAINERD_STORE, ENGINE, MODERN_ENGINE } from './support/stack.js';

const id = Date.now().toString(36);
const image = `${REGISTRY}/e2e/engines-${id}`;
const builder = `cib-dc-${id}`;
let context = '';

/** docker with the stack's environment; stdout and stderr together, and the exit code. */
function docker(args: string[]): { code: number; out: string } {
  const run = spawnSync('docker', args, { cwd: context, encoding: 'utf8', timeout: 300_000 });
  return { code: run.status ?? -1, out: `${run.stdout}${run.stderr}` };
}

function ok(args: string[]): string {
  const run = docker(args);
  if (run.code !== 0) throw new Error(`docker ${args.join(' ')} exited ${run.code}:\n${run.out.slice(-3000)}`);
  return run.out;
}

const DOCKERFILE = `# syntax=docker/dockerfile:1
FROM ${REGISTRY}/base/runtime:latest
ARG STAMP
RUN <<EOT
set -e
echo "heredoc ran: $STAMP" > /greeting
echo "second line" >> /greeting
EOT
COPY <<EOT /etc/motd
from COPY <<EOT
EOT
CMD ["cat", "/greeting", "/etc/motd"]
`;

beforeAll(() => {
  if (!MODERN_ENGINE) return;
  context = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-engines-'));
  fs.writeFileSync(path.join(context, 'Dockerfile'), DOCKERFILE);
}, 900_000);

afterAll(() => {
  if (!MODERN_ENGINE) return;
  docker(['buildx', 'rm', '--force', builder]);
  if (context) fs.rmSync(context, { recursive: true, force: true });
});

describe.runIf(MODERN_ENGINE)(`${ENGINE}: offline BuildKit features`, { timeout: 300_000 }, () => {
  it('# syntax=docker/dockerfile:1 with heredocs builds on the engine, the frontend from the registry mirror', () => {
    const out = ok(['build', '--progress', 'plain', '--network', 'host', '--build-arg', `STAMP=${id}`, '-t', `${image}:heredoc`, '.']);
    expect(out).toMatch(/docker-image:\/\/docker\.io\/docker\/dockerfile:1@sha256:/);
    const printed = execFileSync('docker', ['run', '--rm', '--network', 'none', `${image}:heredoc`], { encoding: 'utf8' });
    expect(printed).toBe(`heredoc ran: ${id}\nsecond line\nfrom COPY <<EOT\n`);
  });

  it('a RUN step without --network host fails: the engine has no bridge (--bridge=none)', () => {
    const run = docker(['build', '--progress', 'plain', '--no-cache', '--build-arg', `STAMP=${id}-nonet`, '.']);
    expect(run.code).not.toBe(0);
    expect(run.out).toContain('network bridge not found');
  });

  it('the docker driver: registry cache export refused on the classic store, done on the containerd store', () => {
    const run = docker([
      'buildx',
      'build',
      '--progress',
      'plain',
      '--network',
      'host',
      '--build-arg',
      `STAMP=${id}-driver`,
      '--cache-to',
      `type=registry,ref=${image}:driver-cache,mode=max,image-manifest=true,oci-mediatypes=true`,
      '-t',
      `${image}:driver`,
      '--push',
      '.'
    ]);
    if (!CONTAINERD_STORE) {
      expect(run.code).not.toBe(0);
      expect(run.out).toContain('Cache export is not supported for the docker driver');
    } else {
      expect(run.code, run.out.slice(-3000)).toBe(0);
      expect(run.out).toMatch(/exporting attestation manifest/);
      expect(run.out).toMatch(/writing cache image manifest/);
    }
  });

  it('a docker-container builder (moby/buildkit:buildx-stable-1 from the mirror) exports registry cache; a fresh builder reads it back', async () => {
    ok([...dockerContainerBuilderArgs(builder), '--bootstrap']);
    const cache = ['--cache-from', `type=registry,ref=${image}:buildcache`];
    const args = ['buildx', 'build', '--builder', builder, '--progress', 'plain', '--build-arg', `STAMP=${id}-dc`, ...cache];
    const first = ok([
      ...args,
      '--cache-to',
      `type=registry,ref=${image}:buildcache,mode=max,image-manifest=true,oci-mediatypes=true`,
      '-t',
      `${image}:dc`,
      '--push',
      '.'
    ]);
    expect(first).toMatch(/writing cache image manifest/);
    expect(await manifestDigest(image, 'buildcache')).toMatch(/^sha256:/);
    expect(await manifestDigest(image, 'dc')).toMatch(/^sha256:/);
    // The builder's own state gone, as on a new runner: the heredoc step comes from the registry.
    ok(['buildx', 'prune', '--builder', builder, '-af']);
    const second = ok([...args, '-t', `${image}:dc`, '--push', '.']);
    expect(second).toMatch(/RUN <<EOT[^\n]*\n#\d+ CACHED/);
  });
});
