// The environment of a runner job that carries Go caches: the Actions cache service's variables
// (v2 as on github.com, v1 as on GHES), the runner's platform, the stack's module proxy and the
// runner's Go folders under `home`.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CacheServer } from '../../support/cache-server/server.js';

export function goRunnerDirs(home: string): { GOMODCACHE: string; GOCACHE: string } {
  return { GOMODCACHE: path.join(home, 'go/pkg/mod'), GOCACHE: path.join(home, '.cache/go-build') };
}

export function goRunnerEnv(server: CacheServer, home: string, protocol: 'v1' | 'v2' = 'v2', cacheUrl?: string): Record<string, string> {
  const base = server.env(protocol);
  // Through a proxy, every cache call goes to it instead.
  if (cacheUrl)
    for (const key of ['ACTIONS_CACHE_URL', 'ACTIONS_RESULTS_URL'])
      if (base[key]) base[key] = base[key].replace(server.url.replace(/\/$/, ''), cacheUrl.replace(/\/$/, ''));
  return {
    ...base,
    // A server other than github.com is GHES, which the library serves with the v1 protocol.
    GITHUB_SERVER_URL: protocol === 'v2' ? 'https://github.com' : 'https://ghes.example',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    NO_PROXY: '127.0.0.1,localhost',
    GOPROXY: process.env.STACK_GOPROXY as string,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=readonly',
    ...goRunnerDirs(home)
  };
}

/** The runner's Go folders emptied, as on a fresh runner (the module cache is read-only: made writable first). */
export function emptyGoFolders(home: string): void {
  for (const dir of Object.values(goRunnerDirs(home))) {
    if (!fs.existsSync(dir)) continue;
    fs.chmodSync(dir, 0o755);
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
  }
}

/**
 * The engine's Go cache mounts (hello-svc's ids) keep their content but lose the action's markers:
 * the action then restores and fills as on a runner whose builder holds no caches it knows of.
 */
export function forgetMountMarkers(baseImage: string): void {
  const context = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-unmark-'));
  const dockerfile = [
    `FROM ${baseImage}`,
    'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod --mount=type=cache,id=gobuild,target=/root/.cache/go-build \\',
    `    rm -f /go/pkg/mod/.cached-image-build-key /root/.cache/go-build/.cached-image-build-key && echo ${Date.now()}`,
    ''
  ].join('\n');
  execFileSync('docker', ['build', '-q', '--network', 'none', '-f', '-', context], {
    input: dockerfile,
    env: { ...process.env, DOCKER_BUILDKIT: '1' },
    stdio: ['pipe', 'ignore', 'pipe']
  });
  fs.rmSync(context, { recursive: true, force: true });
}
