/**
 * The local cache server exercised with the REAL @actions/cache library
 * (nothing mocked; only process.stdout is captured to read the library's log
 * lines). Set CACHE_SERVER_TEST_VERBOSE=1 to see them.
 *
 * Long fault scenarios (the v2 client retries 5xx for ~30 s, v1 retries a
 * refused connection for 10 s) run in child processes started in beforeAll so
 * they overlap with the rest of the file.
 */
import * as cache from '@actions/cache';
import { BlockBlobClient } from '@azure/storage-blob';
import { createHash, randomBytes, randomFillSync } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { applyRunnerEnv, runCacheClient, runnerEnv, startCacheServerProcess, type ClientResult, type RunnerDirs } from './harness.js';
import { startCacheServer, TWIRP_PREFIX, type CacheServer, type CacheServerEntry, type CacheServerStats } from './server.js';

type Proto = 'v1' | 'v2';

const VERBOSE = process.env.CACHE_SERVER_TEST_VERBOSE === '1';
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);
const MiB = 1024 * 1024;

let root: string;
let dirs: RunnerDirs;
let server: CacheServer;
const savedEnv = { ...process.env };
let logs: string[] = [];

// ------------------------------------------------------------------ helpers

function useProtocol(proto: Proto, srv: CacheServer = server): void {
  applyRunnerEnv(srv.env(proto), dirs);
}

function logText(): string {
  return logs.join('');
}

/** Library log lines, minus ::debug:: noise. */
function logLines(): string[] {
  return logText()
    .split('\n')
    .filter(l => l !== '' && !l.startsWith('::debug::'));
}

async function makeTree(dir: string, variant: string): Promise<void> {
  await fsp.mkdir(path.join(dir, 'nested', 'deeper'), { recursive: true });
  await fsp.writeFile(path.join(dir, 'a.txt'), `hello ${variant}\n`);
  await fsp.writeFile(path.join(dir, 'nested', 'deeper', 'b.bin'), randomBytes(64 * 1024));
  await fsp.writeFile(path.join(dir, 'nested', 'empty'), '');
  await fsp.writeFile(path.join(dir, 'nested', 'ünïcødé name.txt'), `variant=${variant}`);
  await fsp.writeFile(path.join(dir, 'run.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
}

async function writeRandomFile(file: string, bytes: number): Promise<void> {
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const ws = createWriteStream(file);
  const buf = Buffer.alloc(4 * MiB);
  for (let left = bytes; left > 0; left -= buf.length) {
    randomFillSync(buf);
    const part = left >= buf.length ? buf : buf.subarray(0, left);
    if (!ws.write(part))
      await new Promise<void>(r =>
        ws.once('drain', () => {
          r();
        })
      );
  }
  await new Promise<void>((resolve, reject) =>
    ws.end((err?: Error | null) => {
      if (err) reject(err);
      else resolve();
    })
  );
}

/** relative path -> "type mode sha256" for every file and directory under dir */
async function snapshot(dir: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (d: string): Promise<void> => {
    for (const ent of await fsp.readdir(d, { withFileTypes: true })) {
      const full = path.join(d, ent.name);
      const rel = path.relative(dir, full);
      const st = await fsp.lstat(full);
      if (ent.isDirectory()) {
        out[rel] = `dir ${(st.mode & 0o777).toString(8)}`;
        await walk(full);
      } else {
        const sha = createHash('sha256')
          .update(await fsp.readFile(full))
          .digest('hex');
        out[rel] = `file ${(st.mode & 0o777).toString(8)} ${st.size} ${sha}`;
      }
    }
  };
  await walk(dir);
  return out;
}

async function emptyDir(dir: string): Promise<void> {
  for (const name of await fsp.readdir(dir)) await fsp.rm(path.join(dir, name), { recursive: true, force: true });
}

async function sha256File(file: string): Promise<string> {
  return createHash('sha256')
    .update(await fsp.readFile(file))
    .digest('hex');
}

function delta(before: CacheServerStats, after: CacheServerStats, proto: Proto) {
  const d = {} as Record<keyof CacheServerStats['v1'], number>;
  for (const k of Object.keys(after[proto]) as Array<keyof CacheServerStats['v1']>) d[k] = after[proto][k] - before[proto][k];
  return d;
}

function callDelta(before: CacheServerStats, after: CacheServerStats, op: string): number {
  return (after.calls[op] ?? 0) - (before.calls[op] ?? 0);
}

function workDir(name: string): string {
  return path.join(dirs.workspace, name);
}

// ------------------------------------------------------------------ background fault scenarios

interface FaultScenario {
  server: CacheServer;
  runs: Record<string, Promise<ClientResult>>;
}
let v2Fault5xx: FaultScenario;
let v1FaultRefuse: FaultScenario;
const backgroundAbort = new AbortController();

async function startFaultScenario(proto: Proto, mode: '5xx' | 'refuse', name: string): Promise<FaultScenario> {
  const srv = await startCacheServer({ dir: path.join(root, `store-${name}`), host: '127.0.0.1' });
  const sdirs: RunnerDirs = { workspace: path.join(root, `ws-${name}`), runnerTemp: path.join(root, `tmp-${name}`) };
  const data = path.join(sdirs.workspace, 'data');
  await makeTree(data, name);
  // Seed an entry while healthy, so the faulted restore below would otherwise be a hit.
  const env = runnerEnv(process.env, srv.env(proto), sdirs);
  const seeded = await runCacheClient({ op: 'save', paths: [data], key: `${name}-seed`, env, outDir: root });
  expect(seeded.outcome?.result, seeded.stdout + seeded.stderr).toBeGreaterThan(0);
  // Flip the fault over HTTP, as a test would for a server living in another process.
  const r = await fetch(`${srv.url}_fault?mode=${mode}`, { method: 'POST' });
  expect(r.status).toBe(200);
  const before = srv.stats();
  expect(before.fault.mode).toBe(mode);
  return {
    server: srv,
    runs: {
      restore: runCacheClient({ op: 'restore', paths: [data], key: `${name}-seed`, env, outDir: root, signal: backgroundAbort.signal }),
      save: runCacheClient({ op: 'save', paths: [data], key: `${name}-new`, env, outDir: root, signal: backgroundAbort.signal })
    }
  };
}

// ------------------------------------------------------------------ lifecycle

beforeAll(async () => {
  root = await fsp.mkdtemp(path.join(os.tmpdir(), 'cache-server-test-'));
  dirs = { workspace: path.join(root, 'workspace'), runnerTemp: path.join(root, 'runner-temp') };
  await fsp.mkdir(dirs.workspace, { recursive: true });
  await fsp.mkdir(dirs.runnerTemp, { recursive: true });
  server = await startCacheServer({ dir: path.join(root, 'store'), host: '127.0.0.1', token: 'test-token' });
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    logs.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    if (VERBOSE) return write(chunk, ...(rest as []));
    const cb = rest.find(a => typeof a === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  });
  // Slow fault scenarios run in child processes, overlapping with the rest of the file.
  [v2Fault5xx, v1FaultRefuse] = await Promise.all([startFaultScenario('v2', '5xx', 'v2-5xx'), startFaultScenario('v1', 'refuse', 'v1-refuse')]);
}, 60_000);

afterAll(async () => {
  vi.restoreAllMocks();
  for (const k of Object.keys(process.env)) if (!(k in savedEnv)) delete process.env[k];
  Object.assign(process.env, savedEnv);
  // kill background children whose tests did not run (e.g. with -t filters)
  backgroundAbort.abort();
  // Each is unset if its beforeAll did not get that far.
  const v2 = v2Fault5xx as FaultScenario | undefined;
  const v1 = v1FaultRefuse as FaultScenario | undefined;
  await Promise.allSettled([...Object.values(v2?.runs ?? {}), ...Object.values(v1?.runs ?? {})]);
  await Promise.all([(server as CacheServer | undefined)?.close(), v2?.server.close(), v1?.server.close()]);
  if (root) await fsp.rm(root, { recursive: true, force: true });
}, 60_000);

beforeEach(() => {
  logs = [];
  server.setFault('none');
});

// ------------------------------------------------------------------ round trips, per protocol

/** The server's entry under `key`; a save that made none fails here, saying so. */
function entryFor(key: string): CacheServerEntry {
  const entry = server.entries().find(e => e.key === key);
  if (!entry) throw new Error(`the cache server has no entry under ${key}`);
  return entry;
}

describe.each<Proto>(['v1', 'v2'])('@actions/cache %s against the local server', proto => {
  it('saves a directory and restores it byte-for-byte into an emptied directory (exact key hit, zstd)', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-tree`);
    await makeTree(dir, 'A');
    const want = await snapshot(dir);
    const key = `${proto}-tree-key`;

    const s0 = server.stats();
    const id = await cache.saveCache([dir], key);
    expect(id).toBeGreaterThan(0);
    const s1 = server.stats();
    expect(s1.entries).toBe(s0.entries + 1);
    expect(delta(s0, s1, proto)).toMatchObject({ reserves: 1, commits: 1, conflicts: 0 });

    const entry = entryFor(key);
    expect(entry).toMatchObject({ id, protocol: proto });
    expect(delta(s0, s1, proto).bytesUploaded).toBe(entry.size);
    // zstd is installed, so the library archives with `tar --use-compress-program zstdmt` (cache.tzst)
    const head = Buffer.alloc(4);
    const fh = await fsp.open(entry.path, 'r');
    await fh.read(head, 0, 4, 0);
    await fh.close();
    expect(head.equals(ZSTD_MAGIC)).toBe(true);
    expect(logText()).toContain('--use-compress-program zstdmt');

    await emptyDir(dir);
    expect(await snapshot(dir)).toEqual({});
    logs = [];
    const hit = await cache.restoreCache([dir], key);
    expect(hit).toBe(key);
    expect(await snapshot(dir)).toEqual(want);
    const s2 = server.stats();
    expect(delta(s1, s2, proto)).toMatchObject({ lookups: 1, hits: 1, exactHits: 1, prefixHits: 0, misses: 0, downloads: 1 });
    expect(delta(s1, s2, proto).bytesDownloaded).toBe(entry.size);
    expect(logLines()).toContain('Cache restored successfully');
    expect(logText()).toContain('--use-compress-program unzstd');
  });

  it('restore keys: newest prefix match, exact key preferred, keys tried in order', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-deps`);
    await makeTree(dir, 'older');
    const older = await snapshot(dir);
    expect(await cache.saveCache([dir], `${proto}-deps-aaa`)).toBeGreaterThan(0);
    await emptyDir(dir);
    await makeTree(dir, 'newer');
    const newer = await snapshot(dir);
    expect(await cache.saveCache([dir], `${proto}-deps-bbb`)).toBeGreaterThan(0);

    // primary misses, restore key prefix-matches both: newest wins
    await emptyDir(dir);
    let s0 = server.stats();
    logs = [];
    expect(await cache.restoreCache([dir], `${proto}-deps-zzz`, [`${proto}-deps-`])).toBe(`${proto}-deps-bbb`);
    expect(await snapshot(dir)).toEqual(newer);
    expect(delta(s0, server.stats(), proto)).toMatchObject({ hits: 1, prefixHits: 1, exactHits: 0 });
    if (proto === 'v2') expect(logLines()).toContain(`Cache hit for restore-key: ${proto}-deps-bbb`);

    // exact primary key wins over a newer prefix match
    await emptyDir(dir);
    s0 = server.stats();
    expect(await cache.restoreCache([dir], `${proto}-deps-aaa`, [`${proto}-deps-`])).toBe(`${proto}-deps-aaa`);
    expect(await snapshot(dir)).toEqual(older);
    expect(delta(s0, server.stats(), proto)).toMatchObject({ hits: 1, exactHits: 1 });

    // the primary key itself is also matched as a prefix (documented service behaviour)
    await emptyDir(dir);
    expect(await cache.restoreCache([dir], `${proto}-deps-`)).toBe(`${proto}-deps-bbb`);

    // keys are tried in order: the first restore key with any match decides
    await emptyDir(dir);
    expect(await cache.restoreCache([dir], `${proto}-nothing`, [`${proto}-nomatch-`, `${proto}-deps-a`, `${proto}-deps-`])).toBe(`${proto}-deps-aaa`);
    expect(await snapshot(dir)).toEqual(older);
  });

  it('a miss returns undefined; a different path list (cache version) is a miss too', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-miss`);
    await makeTree(dir, 'M');
    expect(await cache.saveCache([dir], `${proto}-miss-key`)).toBeGreaterThan(0);
    await emptyDir(dir);

    const s0 = server.stats();
    if (proto === 'v1') process.env.RUNNER_DEBUG = '1'; // the v1 client then lists caches?key= on a miss
    expect(await cache.restoreCache([dir], `${proto}-no-such-key`, [`${proto}-no-such-`])).toBeUndefined();
    delete process.env.RUNNER_DEBUG;
    // same key, but the version hashes the path list: different paths => different version => miss
    expect(await cache.restoreCache([dir, workDir('other')], `${proto}-miss-key`)).toBeUndefined();
    const s1 = server.stats();
    expect(delta(s0, s1, proto)).toMatchObject({ lookups: 2, misses: 2, hits: 0, downloads: 0 });
    if (proto === 'v1') expect(callDelta(s0, s1, 'v1.listCaches')).toBe(1);
    expect(await fsp.readdir(dir)).toEqual([]);
    expect(logLines().filter(l => l.startsWith('::warning::') || l.startsWith('::error::'))).toEqual([]);
  });

  it('lookupOnly reports the hit without downloading', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-lookup`);
    await makeTree(dir, 'L');
    expect(await cache.saveCache([dir], `${proto}-lookup-key`)).toBeGreaterThan(0);
    await emptyDir(dir);
    const s0 = server.stats();
    expect(await cache.restoreCache([dir], `${proto}-lookup-key`, [], { lookupOnly: true })).toBe(`${proto}-lookup-key`);
    expect(delta(s0, server.stats(), proto)).toMatchObject({ hits: 1, downloads: 0, bytesDownloaded: 0 });
    expect(await fsp.readdir(dir)).toEqual([]);
  });

  it('saving an existing key does not throw and leaves the entry unchanged', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-dup`);
    const key = `${proto}-dup-key`;
    await makeTree(dir, 'first');
    const first = await snapshot(dir);
    const id = await cache.saveCache([dir], key);
    expect(id).toBeGreaterThan(0);
    const entry = entryFor(key);
    const archiveSha = await sha256File(entry.path);

    await emptyDir(dir);
    await makeTree(dir, 'second');
    const s0 = server.stats();
    logs = [];
    const again = await cache.saveCache([dir], key);
    expect(again).toBe(-1);
    const s1 = server.stats();
    expect(delta(s0, s1, proto)).toMatchObject({ reserves: 1, conflicts: 1, commits: 0, uploadRequests: 0, bytesUploaded: 0 });
    expect(s1.entries).toBe(s0.entries);
    expect(server.entries().filter(e => e.key === key)).toEqual([entry]);
    expect(await sha256File(entry.path)).toBe(archiveSha);
    // The library reports the conflict at *info* level (no ::warning::), as "another job may be creating this cache".
    const line = logLines().find(l => l.includes('Failed to save'));
    expect(line).toBeDefined();
    expect(line).toContain(`Failed to save: Unable to reserve cache with key ${key}, another job may be creating this cache`);
    expect(line?.startsWith('::')).toBe(false);
    if (proto === 'v1') expect(line).toContain(`More details: Cache already exists. Scope: refs/heads/main, Key: ${key}`);

    await emptyDir(dir);
    expect(await cache.restoreCache([dir], key)).toBe(key);
    expect(await snapshot(dir)).toEqual(first);
  });

  it('a 40 MB random file round-trips (v1: two 32 MiB PATCH chunks; v2: one Put Blob)', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-large`);
    await writeRandomFile(path.join(dir, 'random.bin'), 40 * 1000 * 1000);
    await fsp.writeFile(path.join(dir, 'small.txt'), 'small');
    const want = await snapshot(dir);
    const s0 = server.stats();
    expect(await cache.saveCache([dir], `${proto}-large-key`)).toBeGreaterThan(0);
    const s1 = server.stats();
    const entry = entryFor(`${proto}-large-key`);
    expect(entry.size).toBeGreaterThan(40 * 1000 * 1000);
    if (proto === 'v1') {
      expect(callDelta(s0, s1, 'v1.uploadChunk')).toBe(2);
    } else {
      expect(callDelta(s0, s1, 'blob.putBlob')).toBe(1);
      expect(callDelta(s0, s1, 'blob.putBlock')).toBe(0);
    }
    expect(delta(s0, s1, proto).bytesUploaded).toBe(entry.size);
    await emptyDir(dir);
    expect(await cache.restoreCache([dir], `${proto}-large-key`)).toBe(`${proto}-large-key`);
    expect(await snapshot(dir)).toEqual(want);
    expect(delta(s1, server.stats(), proto).bytesDownloaded).toBe(entry.size);
  }, 60_000);

  it('slow mode delays every answer but the calls still succeed', async () => {
    useProtocol(proto);
    const dir = workDir(`${proto}-slow`);
    await makeTree(dir, 'S');
    const want = await snapshot(dir);
    expect(await cache.saveCache([dir], `${proto}-slow-key`)).toBeGreaterThan(0);
    await emptyDir(dir);
    server.setFault('slow', { delayMs: 700 });
    const t0 = Date.now();
    expect(await cache.restoreCache([dir], `${proto}-slow-key`)).toBe(`${proto}-slow-key`);
    // two calls: lookup + archive download
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1400);
    expect(await snapshot(dir)).toEqual(want);
  }, 30_000);
});

describe('v2 archives over 128 MiB', () => {
  it('use Put Block (64 MiB blocks) + Put Block List and round-trip', async () => {
    useProtocol('v2');
    const dir = workDir('v2-huge');
    await writeRandomFile(path.join(dir, 'huge.bin'), 136 * MiB);
    const want = await snapshot(dir);
    const s0 = server.stats();
    expect(await cache.saveCache([dir], 'v2-huge-key')).toBeGreaterThan(0);
    const s1 = server.stats();
    expect(callDelta(s0, s1, 'blob.putBlob')).toBe(0);
    expect(callDelta(s0, s1, 'blob.putBlock')).toBe(3);
    expect(callDelta(s0, s1, 'blob.putBlockList')).toBe(1);
    await emptyDir(dir);
    expect(await cache.restoreCache([dir], 'v2-huge-key')).toBe('v2-huge-key');
    expect(await snapshot(dir)).toEqual(want);
    await fsp.rm(dir, { recursive: true, force: true });
  }, 60_000);
});

// ------------------------------------------------------------------ faults

describe('faults (in process, fast ones)', () => {
  it('v1 + 5xx (500): restoreCache returns undefined, saveCache returns -1; both log ::warning::, neither throws', async () => {
    useProtocol('v1');
    const dir = workDir('v1-5xx');
    await makeTree(dir, 'F');
    expect(await cache.saveCache([dir], 'v1-5xx-key')).toBeGreaterThan(0);
    server.setFault('5xx');
    const s0 = server.stats();
    logs = [];
    expect(await cache.restoreCache([dir], 'v1-5xx-key')).toBeUndefined();
    expect(await cache.saveCache([dir], 'v1-5xx-new')).toBe(-1);
    const s1 = server.stats();
    expect(s1.faultsInjected - s0.faultsInjected).toBe(2); // 500 is not retried by the v1 client
    expect(s1.entries).toBe(s0.entries);
    const warnings = logLines().filter(l => l.startsWith('::warning::'));
    expect(warnings).toEqual([
      '::warning::Failed to restore: getCacheEntry failed: Cache service responded with 500',
      '::warning::Failed to save: reserveCache failed: Cache service responded with 500'
    ]);
    server.setFault('none');
    expect(await cache.restoreCache([dir], 'v1-5xx-new')).toBeUndefined();
  });

  it('v2 + refuse: restoreCache returns undefined at once (NetworkError, no retry), saveCache returns -1', async () => {
    useProtocol('v2');
    const dir = workDir('v2-refuse');
    await makeTree(dir, 'R');
    expect(await cache.saveCache([dir], 'v2-refuse-key')).toBeGreaterThan(0);
    server.setFault('refuse');
    const s0 = server.stats();
    logs = [];
    const t0 = Date.now();
    expect(await cache.restoreCache([dir], 'v2-refuse-key')).toBeUndefined();
    expect(await cache.saveCache([dir], 'v2-refuse-new')).toBe(-1);
    expect(Date.now() - t0).toBeLessThan(5000);
    expect(server.stats().faultsInjected - s0.faultsInjected).toBe(2);
    const lines = logLines();
    expect(
      lines.some(l => l.startsWith('::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Unable to make request: ECONNRESET'))
    ).toBe(true);
    // save: the reservation failure is reported (info level) as a possible concurrent save
    expect(lines).toContain('Failed to save: Unable to reserve cache with key v2-refuse-new, another job may be creating this cache.');
  });

  it('v1 5xx flipped in the middle of a chunked upload: no crash, nothing committed', async () => {
    useProtocol('v1');
    // one chunk at a time: the chunk in flight when the fault flips (or the next one) gets the 500
    process.env.CACHE_UPLOAD_CONCURRENCY = '1';
    const dir = workDir('v1-midflip');
    await writeRandomFile(path.join(dir, 'r.bin'), 100 * 1000 * 1000); // 3 chunks of <= 32 MiB
    const s0 = server.stats();
    // flip to 5xx as soon as the first chunk arrives
    const timer = setInterval(() => {
      if ((server.stats().calls['v1.uploadChunk'] ?? 0) > (s0.calls['v1.uploadChunk'] ?? 0)) {
        server.setFault('5xx');
        clearInterval(timer);
      }
    }, 2);
    logs = [];
    const id = await cache.saveCache([dir], 'v1-midflip-key');
    clearInterval(timer);
    server.setFault('none');
    delete process.env.CACHE_UPLOAD_CONCURRENCY;
    // NB: saveCacheV1 returns the reserved cacheId even though the upload failed.
    expect(id).toBeGreaterThan(0);
    const s1 = server.stats();
    expect(delta(s0, s1, 'v1')).toMatchObject({ reserves: 1, commits: 0 });
    // exactly one chunk was answered with the fault, then the library gave up (500 is not retried)
    expect(callDelta(s0, s1, 'v1.uploadChunk') - delta(s0, s1, 'v1').uploadRequests).toBe(1);
    expect(callDelta(s0, s1, 'v1.commitCache')).toBe(0);
    expect(server.entries().some(e => e.key === 'v1-midflip-key')).toBe(false);
    expect(logLines().some(l => /^::warning::Failed to save: uploadChunk .* failed: Cache service responded with 500/.test(l))).toBe(true);
    // the reservation is still pending, so a retry conflicts until it expires (like the real service)
    expect(await cache.saveCache([dir], 'v1-midflip-key')).toBe(-1);
    await fsp.rm(dir, { recursive: true, force: true });
  }, 30_000);
  it('v1 5xx flipped mid-upload with the default 4 parallel chunks: the client process does not crash (EBADF)', async () => {
    // The library reads all chunks from one shared fd and closes it when the first chunk fails;
    // the server answers concurrent chunks of an upload together so no chunk is still reading.
    const dir = workDir('v1-midflip-parallel');
    await writeRandomFile(path.join(dir, 'r.bin'), 200 * 1000 * 1000); // 6 chunks, 4 in parallel
    const s0 = server.stats();
    const timer = setInterval(() => {
      if ((server.stats().calls['v1.uploadChunk'] ?? 0) >= (s0.calls['v1.uploadChunk'] ?? 0) + 2) {
        server.setFault('5xx');
        clearInterval(timer);
      }
    }, 2);
    const env = runnerEnv(process.env, server.env('v1'), dirs);
    const r = await runCacheClient({ op: 'save', paths: [dir], key: 'v1-midflip-parallel', env, outDir: root });
    clearInterval(timer);
    server.setFault('none');
    expect(r.exitCode, r.stdout + r.stderr).toBe(0);
    expect(r.stderr).not.toContain('EBADF');
    expect(r.outcome?.threw).toBe(false);
    expect(r.stdout).toMatch(/::warning::Failed to save: uploadChunk .* failed: Cache service responded with 500/);
    expect(server.entries().some(e => e.key === 'v1-midflip-parallel')).toBe(false);
    await fsp.rm(dir, { recursive: true, force: true });
  }, 30_000);
});

describe('faults (child processes started in beforeAll)', () => {
  it('v1 + refuse: restore returns undefined and save returns -1 after the 2-attempt retry (~10 s), exit code 0', async () => {
    const restore = await v1FaultRefuse.runs.restore;
    const save = await v1FaultRefuse.runs.save;
    for (const r of [restore, save]) {
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outcome?.threw).toBe(false);
      expect(r.outcome?.elapsedMs).toBeGreaterThanOrEqual(9000); // sleeps 5 s after each of the 2 attempts
    }
    expect(restore.outcome?.result).toBeNull();
    expect(restore.stdout).toContain('::warning::Failed to restore: getCacheEntry failed: socket hang up');
    expect(save.outcome?.result).toBe(-1);
    expect(save.stdout).toContain('::warning::Failed to save: reserveCache failed: socket hang up');
    expect(v1FaultRefuse.server.stats().entries).toBe(1);
  }, 60_000);

  it('v2 + 5xx (500): the Twirp client retries 5 times (~25-35 s), then restore returns undefined and save -1, exit code 0', async () => {
    const restore = await v2Fault5xx.runs.restore;
    const save = await v2Fault5xx.runs.save;
    for (const r of [restore, save]) {
      expect(r.exitCode, r.stdout + r.stderr).toBe(0);
      expect(r.outcome?.threw).toBe(false);
      expect(r.stdout).toContain('Attempt 4 of 5 failed with error: Failed request: (500) Internal Server Error');
    }
    expect(restore.outcome?.result).toBeNull();
    expect(restore.stdout).toContain(
      '::warning::Failed to restore: Failed to GetCacheEntryDownloadURL: Failed to make request after 5 attempts: Failed request: (500)'
    );
    expect(save.outcome?.result).toBe(-1);
    // a 5xx on CreateCacheEntry is reported (info level) as "another job may be creating this cache"
    expect(save.stdout).toContain('Failed to save: Unable to reserve cache with key v2-5xx-new, another job may be creating this cache.');
    const st = v2Fault5xx.server.stats();
    expect(st.calls['v2.GetCacheEntryDownloadURL']).toBe(5);
    expect(st.calls['v2.CreateCacheEntry']).toBe(1 + 5); // seed + 5 attempts
    expect(st.entries).toBe(1);
  }, 60_000);
});

// ------------------------------------------------------------------ protocol details (raw HTTP)

describe('protocol details over raw HTTP', () => {
  const auth = { Authorization: 'Bearer test-token' };

  async function twirp(method: string, body: unknown, headers: Record<string, string> = auth): Promise<Response> {
    return fetch(`${server.url}${TWIRP_PREFIX.slice(1)}${method}`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', ...headers },
      body: JSON.stringify(body)
    });
  }

  it('v1: an entry is invisible until committed; reserving a pending or existing key+version is 409', async () => {
    const v1 = `${server.url}_apis/artifactcache/`;
    const headers = { ...auth, Accept: 'application/json;api-version=6.0-preview.1', 'Content-Type': 'application/json' };
    const reserve = () => fetch(`${v1}caches`, { method: 'POST', headers, body: JSON.stringify({ key: 'raw-v1', version: 'ver1', cacheSize: 10 }) });
    const r = await reserve();
    expect(r.status).toBe(201);
    const { cacheId } = (await r.json()) as { cacheId: number };
    expect((await reserve()).status).toBe(409); // pending
    const patch = await fetch(`${v1}caches/${cacheId}`, {
      method: 'PATCH',
      headers: { ...auth, 'Content-Type': 'application/octet-stream', 'Content-Range': 'bytes 0-9/*' },
      body: '0123456789'
    });
    expect(patch.status).toBe(204);
    expect((await fetch(`${v1}cache?keys=raw-v1&version=ver1`, { headers })).status).toBe(204);
    // wrong size is refused, the right one commits
    expect((await fetch(`${v1}caches/${cacheId}`, { method: 'POST', headers, body: JSON.stringify({ size: 11 }) })).status).toBe(400);
    expect((await fetch(`${v1}caches/${cacheId}`, { method: 'POST', headers, body: JSON.stringify({ size: 10 }) })).status).toBe(204);
    const hit = await fetch(`${v1}cache?keys=raw-v1&version=ver1`, { headers });
    expect(hit.status).toBe(200);
    const { archiveLocation, cacheKey } = (await hit.json()) as { archiveLocation: string; cacheKey: string };
    expect(cacheKey).toBe('raw-v1');
    expect(await (await fetch(archiveLocation)).text()).toBe('0123456789');
    const ranged = await fetch(archiveLocation, { headers: { Range: 'bytes=2-4' } });
    expect(ranged.status).toBe(206);
    expect(ranged.headers.get('content-range')).toBe('bytes 2-4/10');
    expect(await ranged.text()).toBe('234');
    expect((await fetch(archiveLocation.replace(/sig=[^&]+/, 'sig=nope'))).status).toBe(403);
    expect((await fetch(`${v1}cache?keys=raw-v1&version=other`, { headers })).status).toBe(204);
    expect((await reserve()).status).toBe(409); // exists
    // bearer token required
    expect((await fetch(`${v1}cache?keys=raw-v1&version=ver1`)).status).toBe(401);
  });

  it('v2: invisible until finalized; Azure SDK getProperties + ranged downloadToBuffer work on the signed URL', async () => {
    const create = await twirp('CreateCacheEntry', { key: 'raw-v2', version: 'ver2' });
    expect(create.status).toBe(200);
    const { ok, signed_upload_url: uploadUrl } = (await create.json()) as { ok: boolean; signed_upload_url: string };
    expect(ok).toBe(true);
    const conflict = await twirp('CreateCacheEntry', { key: 'raw-v2', version: 'ver2' });
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toMatchObject({ code: 'already_exists' });

    // stage blocks with the Azure SDK itself (small blocks to force Put Block + Put Block List)
    const data = randomBytes(5 * MiB + 123);
    const src = path.join(root, 'raw-v2.bin');
    await fsp.writeFile(src, data);
    await new BlockBlobClient(uploadUrl).uploadFile(src, { blockSize: MiB, maxSingleShotSize: MiB, concurrency: 4 });

    const miss = await twirp('GetCacheEntryDownloadURL', { key: 'raw-v2', restore_keys: [], version: 'ver2' });
    expect(await miss.json()).toMatchObject({ ok: false });
    const fin = await twirp('FinalizeCacheEntryUpload', { key: 'raw-v2', version: 'ver2', size_bytes: String(data.length) });
    expect(await fin.json()).toMatchObject({ ok: true, entry_id: expect.stringMatching(/^\d+$/) as unknown });
    const got = (await (await twirp('GetCacheEntryDownloadURL', { key: 'raw', restore_keys: ['raw-v'], version: 'ver2' })).json()) as {
      ok: boolean;
      signed_download_url: string;
      matched_key: string;
    };
    expect(got).toMatchObject({ ok: true, matched_key: 'raw-v2' });

    // what the library does against real Azure hosts (*.blob.core.windows.net): HEAD + x-ms-range GETs
    const client = new BlockBlobClient(got.signed_download_url);
    const props = await client.getProperties();
    expect(props.contentLength).toBe(data.length);
    const buf = await client.downloadToBuffer(0, data.length, { concurrency: 4, blockSize: MiB });
    expect(buf.equals(data)).toBe(true);
    const part = await client.downloadToBuffer(1000, 5000);
    expect(part.equals(data.subarray(1000, 6000))).toBe(true);
    // the upload URL cannot read, the download URL cannot write
    await expect(new BlockBlobClient(uploadUrl).getProperties()).rejects.toMatchObject({ statusCode: 403 });
    await expect(client.upload('x', 1)).rejects.toMatchObject({ statusCode: 403 });
    // twirp calls need the bearer token
    expect((await twirp('GetCacheEntryDownloadURL', { key: 'raw-v2', version: 'ver2' }, {})).status).toBe(401);
  }, 30_000);

  it('control endpoints: /_fault flips modes (and rejects junk), /_stats mirrors stats()', async () => {
    const set = await fetch(`${server.url}_fault?mode=5xx&status=503`, { method: 'POST' });
    expect(await set.json()).toEqual({ mode: '5xx', status: 503, delayMs: 3000 });
    expect(server.getFault()).toMatchObject({ mode: '5xx', status: 503 });
    const r = await twirp('GetCacheEntryDownloadURL', { key: 'x', version: 'y' });
    expect(r.status).toBe(503);
    expect(await r.json()).toMatchObject({ code: 'unavailable' });
    expect((await fetch(`${server.url}_fault`, { method: 'POST', body: JSON.stringify({ mode: 'slow', delayMs: 10 }) })).status).toBe(200);
    expect(server.getFault()).toMatchObject({ mode: 'slow', delayMs: 10 });
    expect((await fetch(`${server.url}_fault?mode=bogus`, { method: 'POST' })).status).toBe(400);
    await fetch(`${server.url}_fault?mode=refuse`, { method: 'POST' });
    await expect(twirp('GetCacheEntryDownloadURL', { key: 'x', version: 'y' })).rejects.toThrow();
    expect((await fetch(`${server.url}_health`)).status).toBe(200); // control endpoints ignore faults
    await fetch(`${server.url}_fault?mode=none`, { method: 'POST' });
    const viaHttp = (await (await fetch(`${server.url}_stats`)).json()) as CacheServerStats;
    expect(viaHttp).toEqual(server.stats());
  });
});

// ------------------------------------------------------------------ CLI in another process

describe('cli.ts as a separate process', () => {
  it('prints runner env vars, serves clients in other processes, keeps entries across restarts', async () => {
    const storeDir = path.join(root, 'cli-store');
    const cdirs: RunnerDirs = { workspace: path.join(root, 'cli-ws'), runnerTemp: path.join(root, 'cli-tmp') };
    const data = path.join(cdirs.workspace, 'data');
    await makeTree(data, 'cli');
    const want = await snapshot(data);

    let proc = await startCacheServerProcess({ dir: storeDir, protocol: 'v1' });
    try {
      expect(proc.env).toEqual({
        ACTIONS_CACHE_URL: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+\/$/) as unknown,
        ACTIONS_RESULTS_URL: proc.url,
        ACTIONS_RUNTIME_TOKEN: expect.any(String) as unknown,
        ACTIONS_CACHE_SERVICE_V2: '' // empty => the library uses v1
      });
      const env = runnerEnv(process.env, proc.env, cdirs);
      const saved = await runCacheClient({ op: 'save', paths: [data], key: 'cli-key', env, outDir: root });
      expect(saved.exitCode, saved.stdout + saved.stderr).toBe(0);
      expect(saved.outcome?.result).toBeGreaterThan(0);
      const st = (await (await fetch(`${proc.url}_stats`)).json()) as CacheServerStats;
      expect(st).toMatchObject({ entries: 1, v1: { commits: 1 } });
    } finally {
      expect(await proc.stop()).toBe(0);
    }

    // restart on the same directory, now advertising v2: the entry is still there
    proc = await startCacheServerProcess({ dir: storeDir, protocol: 'v2' });
    try {
      expect(proc.env.ACTIONS_CACHE_SERVICE_V2).toBe('true');
      await emptyDir(data);
      const env = runnerEnv(process.env, proc.env, cdirs);
      const restored = await runCacheClient({ op: 'restore', paths: [data], key: 'cli-key', env, outDir: root });
      expect(restored.exitCode, restored.stdout + restored.stderr).toBe(0);
      expect(restored.outcome?.result).toBe('cli-key');
      expect(await snapshot(data)).toEqual(want);
      const st = (await (await fetch(`${proc.url}_stats`)).json()) as CacheServerStats;
      expect(st).toMatchObject({ entries: 1, v2: { hits: 1, downloads: 1 } });
    } finally {
      expect(await proc.stop()).toBe(0);
    }
  }, 60_000);
});
