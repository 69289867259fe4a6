// The real @actions/cache (6.3) restoring through the fault proxy in front of the local cache
// server: what the library does with a cut, stalled or hung archive download. Each restore runs in
// its own process (harness.runCacheClient), as the cache server's own fault tests do. The hangs
// before any header cost the library minutes; they run only with FAULT_SUITE_SLOW=1.
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import * as cache from '@actions/cache';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyRunnerEnv, runCacheClient, runnerEnv, type ClientResult, type RunnerDirs } from './cache-server/harness.js';
import { startCacheServer, TWIRP_PREFIX, type CacheServer } from './cache-server/server.js';
import { startFaultProxy, type FaultProxy, type RuleSpec } from './fault-proxy.js';

type Proto = 'v1' | 'v2';
const SLOW = process.env.FAULT_SUITE_SLOW === '1';
const FILES = 8;
const FILE_BYTES = 256 * 1024;
// The archive download, in each protocol's URL shape (server.ts).
const DOWNLOAD: Record<Proto, RegExp> = {
  v1: /^\/_apis\/artifactcache\/artifacts\/\d+\?/,
  v2: /^\/localcache\/actions-cache\/entry-\d+\?/
};

let root: string;
let server: CacheServer;
const proxies: FaultProxy[] = [];
const savedEnv = { ...process.env };

const NAMES = ['cut', 'short', 'stall', '500', '503', ...(SLOW ? ['hang', 'hang-lookup'] : [])];
const folders = (name: string): RunnerDirs => ({ workspace: path.join(root, name, 'ws'), runnerTemp: path.join(root, name, 'tmp') });

// Every restore below has an entry of its own (they run at once, each into its own folder), saved
// here in this process, one after the other (the library reads its settings from process.env):
// a process per save would double the cost of the file on a busy machine.
beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'fault-proxy-cache-'));
  server = await startCacheServer({ dir: path.join(root, 'store') });
  const quiet = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    for (const proto of ['v1', 'v2'] as const) {
      for (const name of NAMES) {
        const dirs = folders(`${proto}-${name}`);
        const data = path.join(dirs.workspace, 'data');
        await fsp.mkdir(data, { recursive: true });
        // Random bytes do not compress: the archive's first half holds about the first half of the files.
        for (let i = 0; i < FILES; i++) await fsp.writeFile(path.join(data, `f${i}.bin`), randomBytes(FILE_BYTES));
        applyRunnerEnv(server.env(proto), dirs);
        expect(await cache.saveCache([data], `${proto}-${name}`)).toBeGreaterThan(0);
        await fsp.rm(data, { recursive: true });
        await fsp.mkdir(data);
      }
    }
  } finally {
    quiet.mockRestore();
    for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
    Object.assign(process.env, savedEnv);
  }
}, 60_000);

afterAll(async () => {
  await Promise.all(proxies.map(p => p.close()));
  await (server as CacheServer | undefined)?.close(); // unset if beforeAll failed
  if (root) await fsp.rm(root, { recursive: true, force: true });
});

interface Restored {
  client: ClientResult;
  proxy: FaultProxy;
  /** The library's log without its ::debug:: lines. */
  log: string[];
  debug: string[];
  /** Files found in the restore's target after it, and those of full size. */
  filesLeft: number;
  wholeFiles: number;
}

/** Restores the entry saved for `name` into its emptied folder, in a process of its own, through a fresh proxy with `rule`. */
async function restoreThrough(proto: Proto, name: string, rule: RuleSpec): Promise<Restored> {
  const key = `${proto}-${name}`;
  const dirs = folders(key);
  const data = path.join(dirs.workspace, 'data');
  const proxy = await startFaultProxy({ upstream: `127.0.0.1:${server.port}`, name: `cache ${key}` });
  proxies.push(proxy);
  proxy.add(rule);
  const through = { ...server.env(proto), ACTIONS_CACHE_URL: proxy.url, ACTIONS_RESULTS_URL: proxy.url };
  const client = await runCacheClient({ op: 'restore', paths: [data], key, env: runnerEnv(process.env, through, dirs), outDir: root });
  const lines = client.stdout.split('\n').filter(l => l !== '');
  let filesLeft = 0;
  let wholeFiles = 0;
  for (const file of await fsp.readdir(data)) {
    filesLeft++;
    if ((await fsp.stat(path.join(data, file))).size === FILE_BYTES) wholeFiles++;
  }
  return {
    client,
    proxy,
    log: lines.filter(l => !l.startsWith('::debug::')),
    debug: lines.filter(l => l.startsWith('::debug::')),
    filesLeft,
    wholeFiles
  };
}

function warnings(r: Restored): string[] {
  return r.log.filter(l => l.startsWith('::warning::') || l.startsWith('::error::'));
}

/** The restore ended as a miss the library reported, not as a crash or a throw. */
function expectMiss(r: Restored): void {
  expect(r.client.exitCode, r.client.stdout + r.client.stderr).toBe(0);
  expect(r.client.outcome).toMatchObject({ op: 'restore', result: null, threw: false });
}

describe.each<Proto>(['v1', 'v2'])('@actions/cache %s restoring through the fault proxy', proto => {
  it.concurrent(
    'a body cut short of its Content-Length: "aborted", a miss, nothing extracted, no retry',
    async () => {
      const r = await restoreThrough(proto, 'cut', { method: 'GET', path: DOWNLOAD[proto], fault: 'truncate', fraction: 0.5 });
      expectMiss(r);
      expect(warnings(r)).toEqual(['::warning::Failed to restore: aborted']);
      expect(r.filesLeft).toBe(0);
      expect(r.proxy.log.filter(e => e.fault === 'truncate')).toHaveLength(1);
    },
    45_000
  );

  it.concurrent(
    'a short body with no Content-Length: unchecked, tar fails (exit 2), a miss, and half the files are left',
    async () => {
      const r = await restoreThrough(proto, 'short', {
        method: 'GET',
        path: DOWNLOAD[proto],
        fault: 'truncate',
        fraction: 0.5,
        keepLength: false
      });
      expectMiss(r);
      expect(r.debug).toContain('::debug::Unable to validate download, no Content-Length header');
      expect(warnings(r)).toEqual([
        `::warning::Failed to restore: "/usr/bin/tar" failed with error: The process '/usr/bin/tar' failed with exit code 2`
      ]);
      // The library reports a miss, yet tar wrote what it could read before the cut into the target.
      expect(r.filesLeft).toBeGreaterThan(0);
      expect(r.filesLeft).toBeLessThan(FILES);
      expect(r.wholeFiles).toBeGreaterThan(0);
    },
    45_000
  );

  it.concurrent(
    'headers, then a stalled body: the 5 s socket timeout, "Premature close", a miss',
    async () => {
      const r = await restoreThrough(proto, 'stall', { method: 'GET', path: DOWNLOAD[proto], fault: 'hangAfterHeaders' });
      expectMiss(r);
      expect(r.debug).toContain('::debug::Aborting download, socket timed out after 5000 ms');
      expect(warnings(r)).toEqual(['::warning::Failed to restore: Premature close']);
      expect(r.filesLeft).toBe(0);
      const stalled = r.proxy.log.find(e => e.fault === 'hangAfterHeaders');
      expect(stalled?.durationMs).toBeGreaterThanOrEqual(4_900);
      expect(stalled?.durationMs).toBeLessThan(8_000);
    },
    45_000
  );

  it.concurrent(
    'a 500 on the download is not retried; a 503 is, once, 5 s later',
    async () => {
      const [failed, retried] = await Promise.all([
        restoreThrough(proto, '500', { method: 'GET', path: DOWNLOAD[proto], fault: 'status', status: 500 }),
        restoreThrough(proto, '503', { method: 'GET', path: DOWNLOAD[proto], fault: 'status', status: 503, times: 1 })
      ]);
      expectMiss(failed);
      expect(warnings(failed)).toEqual(['::warning::Failed to restore: downloadCache failed: Cache service responded with 500']);
      expect(failed.proxy.log.filter(e => e.fault === 'status')).toHaveLength(1);
      // The second attempt passes: the whole archive, restored.
      expect(retried.client.outcome?.result).toBe(`${proto}-503`);
      expect(retried.wholeFiles).toBe(FILES);
      const downloads = retried.proxy.log.filter(e => DOWNLOAD[proto].test(e.path));
      expect(downloads.map(e => e.status)).toEqual([503, 200]);
    },
    45_000
  );
});

// Measured: a hang before the response headers is only ended by @actions/http-client's socket
// timeout, 3 min of silence (http-client/lib/index.js:389), twice (requestUtils.retry, 2 attempts,
// 5 s sleep after each), whatever the protocol: 370 s. The v2 lookup (Twirp) tries 5 times: about
// 5 x 180 s + 3 + 4.5..6.75 + 6.75..10.1 + 10.1..15.2 s of backoff.
describe.runIf(SLOW)('hangs before any header (FAULT_SUITE_SLOW=1)', () => {
  it.concurrent.each<Proto>(['v1', 'v2'])(
    '%s: a hung archive download ends after 2 x 180 s socket timeouts (+ 2 x 5 s), as a miss',
    async proto => {
      const r = await restoreThrough(proto, 'hang', { method: 'GET', path: DOWNLOAD[proto], fault: 'hang' });
      expectMiss(r);
      expect(warnings(r)[0]).toMatch(/^::warning::Failed to restore: downloadCache failed: Request timeout: /);
      expect(r.client.outcome?.elapsedMs).toBeGreaterThanOrEqual(369_000);
      expect(r.client.outcome?.elapsedMs).toBeLessThan(380_000);
      expect(r.proxy.log.filter(e => e.fault === 'hang').map(e => Math.round((e.durationMs ?? 0) / 1000))).toEqual([180, 180]);
    },
    420_000
  );

  it.concurrent(
    'v2: a hung GetCacheEntryDownloadURL is tried 5 times, 180 s each, then a miss',
    async () => {
      const r = await restoreThrough('v2', 'hang-lookup', {
        method: 'POST',
        path: new RegExp(`^${TWIRP_PREFIX}GetCacheEntryDownloadURL`),
        fault: 'hang'
      });
      expectMiss(r);
      expect(warnings(r)[0]).toMatch(
        /^::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Failed to make request after 5 attempts: Request timeout/
      );
      expect(r.proxy.log.filter(e => e.fault === 'hang')).toHaveLength(5);
      expect(r.client.outcome?.elapsedMs).toBeGreaterThanOrEqual(5 * 180_000 + 24_000);
      expect(r.client.outcome?.elapsedMs).toBeLessThan(5 * 180_000 + 40_000);
    },
    1_200_000
  );
});
