/**
 * Local GitHub Actions cache service for tests: speaks the protocols that the
 * real `@actions/cache` library (6.x) uses, so tests can exercise the library
 * end to end with nothing mocked.
 *
 *  v1 (GHES / legacy; used when ACTIONS_CACHE_SERVICE_V2 is unset/empty),
 *  base URL = ACTIONS_CACHE_URL (must end with '/'):
 *    GET   _apis/artifactcache/cache?keys=k1,k2&version=V   200 {cacheKey, archiveLocation, ...} | 204 miss
 *    GET   _apis/artifactcache/caches?key=K                 list (only called on a miss with RUNNER_DEBUG=1)
 *    POST  _apis/artifactcache/caches {key,version,cacheSize} 201 {cacheId} | 409 already exists/reserved
 *    PATCH _apis/artifactcache/caches/:id  Content-Range: bytes S-E/*  (chunked body) 204
 *    POST  _apis/artifactcache/caches/:id {size}             204 commit (entry becomes visible)
 *    GET   _apis/artifactcache/artifacts/:id?sig=…           archive download (Range / HEAD supported)
 *
 *  v2 (github.com; ACTIONS_CACHE_SERVICE_V2 non-empty), base URL = ACTIONS_RESULTS_URL:
 *    POST /twirp/github.actions.results.api.v1.CacheService/CreateCacheEntry
 *    POST /twirp/github.actions.results.api.v1.CacheService/FinalizeCacheEntryUpload
 *    POST /twirp/github.actions.results.api.v1.CacheService/GetCacheEntryDownloadURL
 *    Azure Blob subset on the signed URLs (path style, like Azurite):
 *      PUT  /<acct>/<container>/<blob>?sig=…               Put Blob (x-ms-blob-type: BlockBlob)
 *      PUT  …?comp=block&blockid=…                         Put Block
 *      PUT  …?comp=blocklist  <BlockList><Latest>…          Put Block List
 *      GET / HEAD …                                        Get Blob / Get Blob Properties (Range, x-ms-range)
 *
 *  Control (never affected by faults):
 *    GET  /_health          GET /_stats        POST /_stats/reset     GET /_entries
 *    GET  /_fault           POST /_fault?mode=none|5xx|slow|refuse[&status=503][&delayMs=3000]
 */
import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { EntryStore, StoreError, type EntryRecord, type PendingUpload, type Protocol } from './store.js';

export type FaultMode = 'none' | '5xx' | 'slow' | 'refuse';

export interface FaultOptions {
  /** HTTP status used by the '5xx' mode (default 500). */
  status?: number;
  /** Delay added by the 'slow' mode before each answer, in ms (default 3000). */
  delayMs?: number;
}

export interface FaultState {
  mode: FaultMode;
  status: number;
  delayMs: number;
}

export interface CacheServerOptions {
  /** Directory holding the entries (created if missing; existing entries are reloaded). */
  dir: string;
  /** Port to listen on; 0 or omitted picks a free one. */
  port?: number;
  /** Only '127.0.0.1' is accepted: the server never listens on other interfaces. */
  host?: '127.0.0.1';
  /** If set, cache API calls must carry `Authorization: Bearer <token>`; otherwise any bearer token is accepted. */
  token?: string;
  /** Initial fault mode. */
  fault?: FaultMode;
  faultOptions?: FaultOptions;
  /** Reservations not finalized/committed within this time are dropped (default 10 min). */
  pendingTtlMs?: number;
  /** Request log sink (e.g. `line => process.stderr.write(line + '\n')`). */
  log?: (line: string) => void;
}

export interface ProtocolStats {
  /** cache lookups (v1 GET cache / v2 GetCacheEntryDownloadURL) that reached the store */
  lookups: number;
  hits: number;
  /** hits whose matched key equals the primary key (what the library logs as "Cache hit for: <key>") */
  exactHits: number;
  /** hits on any other key: a restore-key match, or the primary key used as a prefix (the library logs "Cache hit for restore-key") */
  prefixHits: number;
  misses: number;
  /** reservation attempts (v1 POST caches / v2 CreateCacheEntry) */
  reserves: number;
  /** reservations refused because key+version exists or is being created */
  conflicts: number;
  /** entries made visible (v1 commit / v2 finalize) */
  commits: number;
  /** upload requests carrying archive bytes (v1 PATCH chunks / v2 Put Blob + Put Block) */
  uploadRequests: number;
  /** archive download requests (GET, full or ranged) */
  downloads: number;
  bytesUploaded: number;
  bytesDownloaded: number;
}

export interface CacheServerStats {
  /** committed (visible) entries */
  entries: number;
  /** reservations not yet committed */
  pending: number;
  /** bytes of committed archives on disk */
  storedBytes: number;
  bytesUploaded: number;
  bytesDownloaded: number;
  /** cache-protocol requests received (control endpoints excluded), faulted ones included */
  requests: number;
  /** requests answered by the fault injector (5xx, refused, or delayed) */
  faultsInjected: number;
  fault: FaultState;
  /** per-operation request counts, e.g. 'v1.uploadChunk', 'v2.CreateCacheEntry', 'blob.putBlockList' */
  calls: Record<string, number>;
  v1: ProtocolStats;
  v2: ProtocolStats;
}

export interface CacheServerEntry extends EntryRecord {
  /** absolute path of the stored archive */
  path: string;
}

export interface CacheServer {
  /** Base URL with trailing slash, usable as both ACTIONS_CACHE_URL and ACTIONS_RESULTS_URL. */
  url: string;
  port: number;
  dir: string;
  /** The env vars a runner would have to talk to this server with the given protocol (default v2). */
  env(protocol?: Protocol): Record<string, string>;
  close(): Promise<void>;
  stats(): CacheServerStats;
  resetStats(): void;
  setFault(mode: FaultMode, opts?: FaultOptions): void;
  getFault(): FaultState;
  entries(): CacheServerEntry[];
}

export const TWIRP_PREFIX = '/twirp/github.actions.results.api.v1.CacheService/';
const BLOB_ACCOUNT = 'localcache';
const BLOB_CONTAINER = 'actions-cache';
const BLOB_PREFIX = `/${BLOB_ACCOUNT}/${BLOB_CONTAINER}/`;
const V1_PREFIX = '/_apis/artifactcache/';
const DEFAULT_TOKEN = 'local-cache-server-token';
const MAX_JSON_BODY = 1024 * 1024;
const MAX_BLOCKLIST_BODY = 8 * 1024 * 1024;
const FAULT_MODES: readonly FaultMode[] = ['none', '5xx', 'slow', 'refuse'];

type Kind = 'v1' | 'twirp' | 'blob' | 'control';

interface Route {
  op: string;
  kind: Kind;
  proto?: Protocol;
  /** v1 chunk uploads: the reservation the chunk belongs to */
  uploadId?: number;
  handle: () => Promise<void>;
}

function emptyProtocolStats(): ProtocolStats {
  return {
    lookups: 0,
    hits: 0,
    exactHits: 0,
    prefixHits: 0,
    misses: 0,
    reserves: 0,
    conflicts: 0,
    commits: 0,
    uploadRequests: 0,
    downloads: 0,
    bytesUploaded: 0,
    bytesDownloaded: 0
  };
}

export function isFaultMode(x: unknown): x is FaultMode {
  return typeof x === 'string' && (FAULT_MODES as readonly string[]).includes(x);
}

export async function startCacheServer(opts: CacheServerOptions): Promise<CacheServer> {
  // The type allows only 127.0.0.1; a caller past the types is still refused.
  const host: string = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new Error(`cache server only listens on 127.0.0.1 (got ${host})`);
  const store = new EntryStore(opts.dir, { pendingTtlMs: opts.pendingTtlMs });
  await store.init();
  const secret = randomBytes(32);
  const log = opts.log ?? (() => undefined);

  let fault: FaultState = { mode: 'none', status: 500, delayMs: 3000 };
  const setFault = (mode: FaultMode, fo: FaultOptions = {}): void => {
    if (!isFaultMode(mode)) throw new Error(`unknown fault mode ${String(mode)}`);
    const status = fo.status ?? 500;
    if (!Number.isInteger(status) || status < 500 || status > 599) throw new Error(`fault status must be 5xx, got ${status}`);
    const delayMs = fo.delayMs ?? 3000;
    if (!Number.isFinite(delayMs) || delayMs < 0) throw new Error(`invalid delayMs ${delayMs}`);
    fault = { mode, status, delayMs };
    log(`fault -> ${JSON.stringify(fault)}`);
  };
  setFault(opts.fault ?? 'none', opts.faultOptions);

  let counters = {
    requests: 0,
    faultsInjected: 0,
    calls: {} as Record<string, number>,
    v1: emptyProtocolStats(),
    v2: emptyProtocolStats()
  };

  let baseUrl = '';
  const sign = (perm: string, blob: string): string => createHmac('sha256', secret).update(`${perm}\n${blob}`).digest('base64url');
  const blobName = (id: number): string => `entry-${id}`;
  // The URLs handed out point back at the address the client used (its Host header, when it is a
  // loopback one), as the registry's upload Locations do: a client that came through a fault proxy
  // downloads and uploads through it too.
  const baseFor = (req: http.IncomingMessage): string => {
    const host = req.headers.host ?? '';
    return /^(127\.0\.0\.1|localhost):\d+$/.test(host) ? `http://${host}/` : baseUrl;
  };
  const blobUrl = (req: http.IncomingMessage, id: number, perm: 'r' | 'cw'): string => {
    const name = blobName(id);
    const q = new URLSearchParams({ sv: '2024-11-04', sr: 'b', sp: perm, sig: sign(perm, name) });
    return `${baseFor(req)}${BLOB_PREFIX.slice(1)}${name}?${q.toString()}`;
  };
  const artifactUrl = (req: http.IncomingMessage, id: number): string => {
    const name = `artifact-${id}`;
    return `${baseFor(req)}${V1_PREFIX.slice(1)}artifacts/${id}?sig=${sign('r', name)}`;
  };

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    void handleRequest(req, res).catch((err: unknown) => {
      log(`internal error: ${err instanceof Error ? err.stack : String(err)}`);
      if (!res.headersSent && !res.destroyed) {
        void drain(req).then(() => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end('internal error');
        });
      } else {
        res.destroy();
      }
    });
  });

  async function handleRequest(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const route = resolveRoute(req, res, url);
    if (!route) {
      await drain(req);
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end(`no route for ${req.method} ${url.pathname}`);
      return;
    }
    if (route.kind === 'control') {
      await route.handle();
      return;
    }
    counters.requests++;
    counters.calls[route.op] = (counters.calls[route.op] ?? 0) + 1;
    const f = fault;
    log(`${req.method} ${url.pathname}${url.search ? '?' + redactQuery(url) : ''} [${route.op}]${f.mode !== 'none' ? ` fault=${f.mode}` : ''}`);
    if (f.mode === 'refuse') {
      counters.faultsInjected++;
      req.socket.destroy();
      return;
    }
    if (f.mode === '5xx') {
      counters.faultsInjected++;
      await drain(req);
      // See v1UploadChunk: answer concurrent chunks of one upload together.
      if (route.uploadId !== undefined) await waitForChunkWriters(route.uploadId);
      await sendFault(req, res, route.kind, f.status);
      return;
    }
    if (f.mode === 'slow') {
      counters.faultsInjected++;
      await sleep(f.delayMs);
    }
    try {
      await route.handle();
    } catch (err) {
      if (res.headersSent || res.destroyed || req.destroyed) {
        res.destroy();
        return;
      }
      if (err instanceof StoreError) {
        await sendError(req, res, route.kind, err.status, err.code, err.message);
        return;
      }
      throw err;
    }
  }

  function resolveRoute(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Route | undefined {
    const p = url.pathname;
    const m = req.method ?? 'GET';
    // ---- control ----
    if (p.startsWith('/_') && !p.startsWith('/_apis/')) {
      const ctl = (op: string, handle: () => Promise<void>): Route => ({ op, kind: 'control', handle });
      if (p === '/_health') return ctl('health', async () => sendJson(req, res, 200, { ok: true }));
      if (p === '/_stats' && m === 'GET') return ctl('stats', async () => sendJson(req, res, 200, stats()));
      if (p === '/_stats/reset' && m === 'POST')
        return ctl('stats.reset', async () => {
          resetStats();
          await sendJson(req, res, 200, stats());
        });
      if (p === '/_entries' && m === 'GET') return ctl('entries', async () => sendJson(req, res, 200, entries()));
      if (p === '/_fault' && m === 'GET') return ctl('fault', async () => sendJson(req, res, 200, fault));
      if (p === '/_fault' && m === 'POST')
        return ctl('fault.set', async () => {
          const raw = await readBody(req, MAX_JSON_BODY);
          let body: Record<string, unknown> = {};
          if (raw.length > 0) {
            try {
              body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
            } catch {
              body = {};
            }
          }
          const mode = url.searchParams.get('mode') ?? body.mode;
          const num = (q: string): number | undefined => {
            const v = url.searchParams.get(q) ?? body[q];
            return v === undefined || v === null || v === '' ? undefined : Number(v);
          };
          try {
            if (!isFaultMode(mode)) throw new Error(`mode must be one of ${FAULT_MODES.join(', ')}`);
            setFault(mode, { status: num('status'), delayMs: num('delayMs') });
          } catch (err) {
            await sendJson(req, res, 400, { error: (err as Error).message });
            return;
          }
          await sendJson(req, res, 200, fault);
        });
      return undefined;
    }

    // ---- v1 ----
    if (p.startsWith(V1_PREFIX)) {
      const rest = p.slice(V1_PREFIX.length);
      const v1 = (op: string, handle: () => Promise<void>, auth = true): Route => ({
        op: `v1.${op}`,
        kind: 'v1',
        proto: 'v1',
        handle: async () => {
          if (auth && !(await checkAuth(req, res, 'v1'))) return;
          await handle();
        }
      });
      if (rest === 'cache' && m === 'GET') return v1('getCacheEntry', () => v1GetCacheEntry(req, res, url));
      if (rest === 'caches' && m === 'GET') return v1('listCaches', () => v1ListCaches(req, res, url));
      if (rest === 'caches' && m === 'POST') return v1('reserveCache', () => v1Reserve(req, res));
      const idMatch = /^caches\/(\d+)$/.exec(rest);
      if (idMatch && m === 'PATCH') {
        return { ...v1('uploadChunk', () => v1UploadChunk(req, res, Number(idMatch[1]))), uploadId: Number(idMatch[1]) };
      }
      if (idMatch && m === 'POST') return v1('commitCache', () => v1Commit(req, res, Number(idMatch[1])));
      const art = /^artifacts\/(\d+)$/.exec(rest);
      if (art && (m === 'GET' || m === 'HEAD')) {
        const id = Number(art[1]);
        // The archive URL is pre-signed; the library fetches it without the bearer token.
        return v1(m === 'GET' ? 'download' : 'head', () => v1Download(req, res, url, id), false);
      }
      return undefined;
    }

    // ---- v2: twirp ----
    if (p.startsWith(TWIRP_PREFIX)) {
      const method = p.slice(TWIRP_PREFIX.length);
      return {
        op: `v2.${method}`,
        kind: 'twirp',
        proto: 'v2',
        handle: async () => {
          if (m !== 'POST') return sendTwirpError(req, res, 404, 'bad_route', `unsupported method ${m}`);
          if (!(await checkAuth(req, res, 'twirp'))) return;
          const ct = req.headers['content-type'] ?? '';
          if (!ct.startsWith('application/json')) {
            return sendTwirpError(req, res, 404, 'bad_route', `unsupported Content-Type ${ct} (only JSON is served)`);
          }
          let body: Record<string, unknown>;
          try {
            body = JSON.parse((await readBody(req, MAX_JSON_BODY)).toString('utf8')) as Record<string, unknown>;
          } catch {
            return sendTwirpError(req, res, 400, 'malformed', 'request body is not valid JSON');
          }
          switch (method) {
            case 'CreateCacheEntry':
              return twirpCreate(req, res, body);
            case 'FinalizeCacheEntryUpload':
              return twirpFinalize(req, res, body);
            case 'GetCacheEntryDownloadURL':
              return twirpGetDownloadUrl(req, res, body);
            default:
              return sendTwirpError(req, res, 404, 'bad_route', `no method ${method}`);
          }
        }
      };
    }

    // ---- v2: Azure blob subset ----
    if (p.startsWith(BLOB_PREFIX)) {
      const name = decodeURIComponent(p.slice(BLOB_PREFIX.length));
      const idm = /^entry-(\d+)$/.exec(name);
      const comp = url.searchParams.get('comp');
      let op: string;
      if (m === 'PUT') op = comp === 'block' ? 'blob.putBlock' : comp === 'blocklist' ? 'blob.putBlockList' : 'blob.putBlob';
      else if (m === 'GET') op = 'blob.get';
      else if (m === 'HEAD') op = 'blob.head';
      else op = `blob.${m}`;
      return {
        op,
        kind: 'blob',
        proto: 'v2',
        handle: async () => {
          if (!idm) return sendAzureError(req, res, 404, 'BlobNotFound', 'The specified blob does not exist.');
          const id = Number(idm[1]);
          const need = m === 'PUT' ? 'w' : 'r';
          const sp = url.searchParams.get('sp') ?? '';
          const sig = url.searchParams.get('sig') ?? '';
          if (!sp.includes(need) || sig !== sign(sp, name)) {
            return sendAzureError(req, res, 403, 'AuthenticationFailed', 'Signature did not match or lacks permission.');
          }
          if (m === 'PUT') return blobPut(req, res, url, id, comp);
          if (m === 'GET' || m === 'HEAD') {
            const entry = store.getCommitted(id);
            if (!entry) return sendAzureError(req, res, 404, 'BlobNotFound', 'The specified blob does not exist.');
            return serveArchive(req, res, entry, 'v2');
          }
          return sendAzureError(req, res, 405, 'UnsupportedHttpVerb', `${m} is not supported`);
        }
      };
    }
    return undefined;
  }

  // ------------------------------------------------------------------ auth
  async function checkAuth(req: http.IncomingMessage, res: http.ServerResponse, kind: 'v1' | 'twirp'): Promise<boolean> {
    const h = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)$/i.exec(h);
    const ok = m !== null && (opts.token === undefined || m[1] === opts.token);
    if (ok) return true;
    const msg = m ? 'invalid runtime token' : 'missing bearer token (ACTIONS_RUNTIME_TOKEN)';
    if (kind === 'twirp') await sendTwirpError(req, res, 401, 'unauthenticated', msg);
    else await sendV1Error(req, res, 401, msg, 'UnauthorizedRequestException');
    return false;
  }

  // ------------------------------------------------------------------ v1
  async function v1GetCacheEntry(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const keysParam = url.searchParams.get('keys');
    const version = url.searchParams.get('version');
    if (!keysParam || !version) return sendV1Error(req, res, 400, 'keys and version are required', 'ArgumentException');
    const keys = keysParam.split(',');
    const s = counters.v1;
    s.lookups++;
    const hit = store.lookup(keys, version);
    if (!hit) {
      s.misses++;
      await drain(req);
      res.writeHead(204);
      res.end();
      return;
    }
    countHit(s, hit.matchedKey === keys[0]);
    await sendJson(req, res, 200, {
      scope: 'refs/heads/main',
      cacheKey: hit.entry.key,
      cacheVersion: hit.entry.version,
      creationTime: new Date(hit.entry.committedAt).toISOString(),
      archiveLocation: artifactUrl(req, hit.entry.id)
    });
  }

  async function v1ListCaches(req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
    const key = url.searchParams.get('key') ?? '';
    const list = store.byKey(key);
    await sendJson(req, res, 200, {
      totalCount: list.length,
      artifactCaches: list.map(e => ({
        scope: 'refs/heads/main',
        cacheKey: e.key,
        cacheVersion: e.version,
        creationTime: new Date(e.committedAt).toISOString()
      }))
    });
  }

  async function v1Reserve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let body: { key?: unknown; version?: unknown; cacheSize?: unknown };
    try {
      body = JSON.parse((await readBody(req, MAX_JSON_BODY)).toString('utf8')) as typeof body;
    } catch {
      return sendV1Error(req, res, 400, 'request body is not valid JSON', 'ArgumentException');
    }
    const { key, version } = body;
    if (typeof key !== 'string' || typeof version !== 'string' || key === '' || version === '') {
      return sendV1Error(req, res, 400, 'key and version are required', 'ArgumentException');
    }
    const s = counters.v1;
    s.reserves++;
    const r = await store.reserve(key, version, 'v1');
    if (!r.ok) {
      s.conflicts++;
      const msg =
        r.reason === 'exists'
          ? `Cache already exists. Scope: refs/heads/main, Key: ${key}, Version: ${version}`
          : `Cache is already being created. Scope: refs/heads/main, Key: ${key}, Version: ${version}`;
      return sendV1Error(req, res, 409, msg, 'ArtifactCacheAlreadyExistsException');
    }
    await sendJson(req, res, 201, { cacheId: r.pending.id });
  }

  async function v1UploadChunk(req: http.IncomingMessage, res: http.ServerResponse, id: number): Promise<void> {
    const p = store.getPending(id);
    if (!p || p.protocol !== 'v1') return sendV1Error(req, res, 404, `cache ${id} is not reserved`, 'ArtifactCacheNotFoundException');
    const range = /^bytes (\d+)-(\d+)\/(\*|\d+)$/.exec(req.headers['content-range'] ?? '');
    if (!range) return sendV1Error(req, res, 400, 'missing or invalid Content-Range', 'ArgumentException');
    const start = Number(range[1]);
    const end = Number(range[2]);
    if (end < start) return sendV1Error(req, res, 400, 'invalid Content-Range', 'ArgumentException');
    // Read the whole body before answering: the library (uploadFile) reads all
    // chunks from one shared fd and closes it as soon as one chunk fails, so
    // answering before a body is consumed makes it crash with EBADF.
    const written = await store.writeChunk(p, start, req);
    if (fault.mode === '5xx') {
      // The fault was switched on while this chunk was in flight. Answer it
      // with the fault too, once the upload's other in-flight chunks are read:
      // if one chunk got 204 while another got 500, the 204's worker would
      // start its next chunk on the fd the library is about to close (EBADF).
      counters.faultsInjected++;
      await waitForChunkWriters(id);
      return sendFault(req, res, 'v1', fault.status);
    }
    if (written !== end - start + 1) {
      return sendV1Error(req, res, 400, `received ${written} bytes for range ${start}-${end}`, 'ArgumentException');
    }
    p.ranges.push([start, end]);
    const s = counters.v1;
    s.uploadRequests++;
    s.bytesUploaded += written;
    res.writeHead(204);
    res.end();
  }

  async function waitForChunkWriters(id: number): Promise<void> {
    const deadline = Date.now() + 120_000;
    while ((store.getPending(id)?.inFlight ?? 0) > 0 && Date.now() < deadline) await sleep(5);
  }

  async function v1Commit(req: http.IncomingMessage, res: http.ServerResponse, id: number): Promise<void> {
    let body: { size?: unknown };
    try {
      body = JSON.parse((await readBody(req, MAX_JSON_BODY)).toString('utf8')) as typeof body;
    } catch {
      return sendV1Error(req, res, 400, 'request body is not valid JSON', 'ArgumentException');
    }
    const p = store.getPending(id);
    if (!p || p.protocol !== 'v1') return sendV1Error(req, res, 404, `cache ${id} is not reserved`, 'ArtifactCacheNotFoundException');
    try {
      await store.commit(p, Number(body.size));
    } catch (err) {
      if (err instanceof StoreError) return sendV1Error(req, res, err.status, err.message, err.code);
      throw err;
    }
    counters.v1.commits++;
    res.writeHead(204);
    res.end();
  }

  async function v1Download(req: http.IncomingMessage, res: http.ServerResponse, url: URL, id: number): Promise<void> {
    if (url.searchParams.get('sig') !== sign('r', `artifact-${id}`)) {
      return sendV1Error(req, res, 403, 'invalid archive signature', 'AccessDeniedException');
    }
    const entry = store.getCommitted(id);
    if (!entry) return sendV1Error(req, res, 404, 'archive not found', 'ArtifactCacheNotFoundException');
    await serveArchive(req, res, entry, 'v1');
  }

  // ------------------------------------------------------------------ v2 twirp
  async function twirpCreate(req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>): Promise<void> {
    const key = body.key;
    const version = body.version;
    if (typeof key !== 'string' || typeof version !== 'string' || key === '' || version === '') {
      return sendTwirpError(req, res, 400, 'invalid_argument', 'key and version are required');
    }
    const s = counters.v2;
    s.reserves++;
    const r = await store.reserve(key, version, 'v2');
    if (!r.ok) {
      s.conflicts++;
      return sendTwirpError(req, res, 409, 'already_exists', 'cache entry with the same key, version, and scope already exists');
    }
    await sendJson(req, res, 200, { ok: true, signed_upload_url: blobUrl(req, r.pending.id, 'cw') });
  }

  async function twirpFinalize(req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>): Promise<void> {
    const key = body.key;
    const version = body.version;
    const size = Number(body.size_bytes ?? body.sizeBytes);
    if (typeof key !== 'string' || typeof version !== 'string') {
      return sendTwirpError(req, res, 400, 'invalid_argument', 'key and version are required');
    }
    const p = store.findPending(key, version, 'v2');
    if (!p) return sendTwirpError(req, res, 404, 'not_found', 'no cache entry reservation found for key and version');
    try {
      const entry = await store.commit(p, size);
      counters.v2.commits++;
      await sendJson(req, res, 200, { ok: true, entry_id: String(entry.id) });
    } catch (err) {
      if (err instanceof StoreError) return sendJson(req, res, 200, { ok: false, entry_id: '0', message: err.message });
      throw err;
    }
  }

  async function twirpGetDownloadUrl(req: http.IncomingMessage, res: http.ServerResponse, body: Record<string, unknown>): Promise<void> {
    const key = body.key;
    const version = body.version;
    const restoreKeys = (body.restore_keys ?? body.restoreKeys ?? []) as unknown;
    if (typeof key !== 'string' || typeof version !== 'string' || !Array.isArray(restoreKeys)) {
      return sendTwirpError(req, res, 400, 'invalid_argument', 'key, version and restore_keys are required');
    }
    const keys = [key, ...restoreKeys.map(String)];
    const s = counters.v2;
    s.lookups++;
    const hit = store.lookup(keys, version);
    if (!hit) {
      s.misses++;
      return sendJson(req, res, 200, { ok: false, signed_download_url: '', matched_key: '' });
    }
    countHit(s, hit.matchedKey === key);
    await sendJson(req, res, 200, { ok: true, signed_download_url: blobUrl(req, hit.entry.id, 'r'), matched_key: hit.matchedKey });
  }

  function countHit(s: ProtocolStats, isPrimaryKey: boolean): void {
    s.hits++;
    if (isPrimaryKey) s.exactHits++;
    else s.prefixHits++;
  }

  // ------------------------------------------------------------------ v2 blob
  async function blobPut(req: http.IncomingMessage, res: http.ServerResponse, url: URL, id: number, comp: string | null): Promise<void> {
    const p: PendingUpload | undefined = store.getPending(id);
    if (!p || p.protocol !== 'v2') {
      const code = store.getCommitted(id) ? 'BlobImmutable' : 'BlobNotFound';
      return sendAzureError(req, res, code === 'BlobImmutable' ? 409 : 404, code, 'The blob is not open for upload.');
    }
    const s = counters.v2;
    const declared = req.headers['content-length'] !== undefined ? Number(req.headers['content-length']) : undefined;
    if (comp === null) {
      if (String(req.headers['x-ms-blob-type'] ?? '') !== 'BlockBlob') {
        return sendAzureError(req, res, 400, 'MissingRequiredHeader', 'x-ms-blob-type: BlockBlob is required');
      }
      const n = await store.writeBlob(p, req);
      if (declared !== undefined && n !== declared) {
        return sendAzureError(req, res, 400, 'InvalidInput', `received ${n} of ${declared} bytes`);
      }
      s.uploadRequests++;
      s.bytesUploaded += n;
      return sendAzureCreated(req, res, p);
    }
    if (comp === 'block') {
      const blockId = url.searchParams.get('blockid');
      if (!blockId) return sendAzureError(req, res, 400, 'InvalidQueryParameterValue', 'blockid is required');
      const n = await store.stageBlock(p, blockId, req);
      if (declared !== undefined && n !== declared) {
        return sendAzureError(req, res, 400, 'InvalidInput', `received ${n} of ${declared} bytes`);
      }
      s.uploadRequests++;
      s.bytesUploaded += n;
      return sendAzureCreated(req, res, p);
    }
    if (comp === 'blocklist') {
      const xml = (await readBody(req, MAX_BLOCKLIST_BODY)).toString('utf8');
      const ids: string[] = [];
      const re = /<(Latest|Committed|Uncommitted)>([^<]*)<\/\1>/g;
      for (let m = re.exec(xml); m !== null; m = re.exec(xml)) ids.push(xmlUnescape(m[2]));
      if (!/<BlockList\b/.test(xml)) return sendAzureError(req, res, 400, 'InvalidXmlDocument', 'expected <BlockList>');
      await store.commitBlockList(p, ids);
      return sendAzureCreated(req, res, p);
    }
    return sendAzureError(req, res, 400, 'InvalidQueryParameterValue', `unsupported comp=${comp}`);
  }

  async function sendAzureCreated(req: http.IncomingMessage, res: http.ServerResponse, p: PendingUpload): Promise<void> {
    await drain(req);
    res.writeHead(201, {
      ...azureHeaders(req),
      ETag: `"0x${p.id.toString(16).toUpperCase()}${Date.now().toString(16).toUpperCase()}"`,
      'Last-Modified': new Date().toUTCString(),
      'x-ms-request-server-encrypted': 'true',
      'Content-Length': '0'
    });
    res.end();
  }

  // ------------------------------------------------------------------ downloads
  async function serveArchive(req: http.IncomingMessage, res: http.ServerResponse, entry: EntryRecord, proto: Protocol): Promise<void> {
    await drain(req);
    const size = entry.size;
    const headers: http.OutgoingHttpHeaders = {
      ...azureHeaders(req),
      'Content-Type': 'application/octet-stream',
      'Accept-Ranges': 'bytes',
      ETag: `"0x${entry.id.toString(16).toUpperCase()}${entry.committedAt.toString(16).toUpperCase()}"`,
      'Last-Modified': new Date(entry.committedAt).toUTCString(),
      'x-ms-creation-time': new Date(entry.createdAt).toUTCString(),
      'x-ms-blob-type': 'BlockBlob',
      'x-ms-lease-state': 'available',
      'x-ms-lease-status': 'unlocked',
      'x-ms-server-encrypted': 'true'
    };
    const rangeHeader = (req.headers['x-ms-range'] ?? req.headers.range) as string | undefined;
    let start = 0;
    let end = size - 1;
    let status = 200;
    if (rangeHeader) {
      const r = parseRange(rangeHeader, size);
      if (r === 'unsatisfiable') {
        res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}`, 'Content-Length': '0' });
        res.end();
        return;
      }
      if (r) {
        [start, end] = r;
        status = 206;
        headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
      }
    }
    const length = size === 0 ? 0 : end - start + 1;
    headers['Content-Length'] = String(length);
    res.writeHead(status, headers);
    if (req.method === 'HEAD' || length === 0) {
      res.end();
      return;
    }
    const s = counters[proto];
    s.downloads++;
    const rs = createReadStream(store.entryFile(entry.id), { start, end });
    rs.on('data', (chunk: Buffer | string) => {
      s.bytesDownloaded += chunk.length;
    });
    try {
      await pipeline(rs, res);
    } catch (err) {
      log(`download of entry ${entry.id} aborted: ${(err as Error).message}`);
    }
  }

  // ------------------------------------------------------------------ responses
  async function sendJson(req: http.IncomingMessage, res: http.ServerResponse, status: number, body: unknown): Promise<void> {
    await drain(req);
    const data = Buffer.from(JSON.stringify(body));
    res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(data.length) });
    res.end(data);
  }

  async function sendV1Error(req: http.IncomingMessage, res: http.ServerResponse, status: number, message: string, typeKey: string): Promise<void> {
    await sendJson(req, res, status, {
      $id: '1',
      innerException: null,
      message,
      typeName: `Microsoft.Azure.DevOps.PipelineCache.WebApi.${typeKey}, Microsoft.Azure.DevOps.PipelineCache.WebApi`,
      typeKey,
      errorCode: 0,
      eventId: 3000
    });
  }

  async function sendTwirpError(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, msg: string): Promise<void> {
    await sendJson(req, res, status, { code, msg });
  }

  async function sendAzureError(req: http.IncomingMessage, res: http.ServerResponse, status: number, code: string, message: string): Promise<void> {
    await drain(req);
    const requestId = randomUUID();
    const body =
      req.method === 'HEAD'
        ? Buffer.alloc(0)
        : Buffer.from(
            `<?xml version="1.0" encoding="utf-8"?><Error><Code>${code}</Code><Message>${xmlEscape(message)}\nRequestId:${requestId}\nTime:${new Date().toISOString()}</Message></Error>`
          );
    res.writeHead(status, {
      ...azureHeaders(req),
      'x-ms-request-id': requestId,
      'x-ms-error-code': code,
      'Content-Type': 'application/xml',
      'Content-Length': String(body.length)
    });
    res.end(body);
  }

  async function sendError(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    kind: Kind,
    status: number,
    code: string,
    message: string
  ): Promise<void> {
    if (kind === 'twirp') return sendTwirpError(req, res, status, twirpCode(status), message);
    if (kind === 'blob') return sendAzureError(req, res, status, code, message);
    return sendV1Error(req, res, status, message, code);
  }

  async function sendFault(req: http.IncomingMessage, res: http.ServerResponse, kind: Kind, status: number): Promise<void> {
    const msg = `injected fault: HTTP ${status}`;
    if (kind === 'twirp') return sendTwirpError(req, res, status, twirpCode(status), msg);
    if (kind === 'blob') return sendAzureError(req, res, status, status === 503 ? 'ServerBusy' : 'InternalError', msg);
    return sendV1Error(req, res, status, msg, 'InjectedFaultException');
  }

  function azureHeaders(req: http.IncomingMessage): Record<string, string> {
    return {
      'x-ms-request-id': randomUUID(),
      'x-ms-version': String(req.headers['x-ms-version'] ?? '2024-11-04'),
      Date: new Date().toUTCString()
    };
  }

  // ------------------------------------------------------------------ stats
  function stats(): CacheServerStats {
    const v1 = { ...counters.v1 };
    const v2 = { ...counters.v2 };
    return {
      entries: store.list().length,
      pending: store.pendingCount(),
      storedBytes: store.storedBytes(),
      bytesUploaded: v1.bytesUploaded + v2.bytesUploaded,
      bytesDownloaded: v1.bytesDownloaded + v2.bytesDownloaded,
      requests: counters.requests,
      faultsInjected: counters.faultsInjected,
      fault: { ...fault },
      calls: { ...counters.calls },
      v1,
      v2
    };
  }

  function resetStats(): void {
    counters = { requests: 0, faultsInjected: 0, calls: {}, v1: emptyProtocolStats(), v2: emptyProtocolStats() };
  }

  function entries(): CacheServerEntry[] {
    return store.list().map(e => ({ ...e, path: store.entryFile(e.id) }));
  }

  // ------------------------------------------------------------------ lifecycle
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://${host}:${port}/`;
  log(`listening on ${baseUrl} (dir ${store.dir})`);

  let closed: Promise<void> | undefined;
  return {
    url: baseUrl,
    port,
    dir: store.dir,
    env(protocol: Protocol = 'v2') {
      return {
        ACTIONS_CACHE_URL: baseUrl,
        ACTIONS_RESULTS_URL: baseUrl,
        ACTIONS_RUNTIME_TOKEN: opts.token ?? DEFAULT_TOKEN,
        // The library selects v2 when this is non-empty; an empty value selects v1.
        ACTIONS_CACHE_SERVICE_V2: protocol === 'v2' ? 'true' : ''
      };
    },
    close() {
      closed ??= new Promise<void>(resolve => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      });
      return closed;
    },
    stats,
    resetStats,
    setFault,
    getFault: () => ({ ...fault }),
    entries
  };
}

// -------------------------------------------------------------------- helpers

/** Consume whatever is left of the request body (never answer before it is read). */
function drain(req: http.IncomingMessage): Promise<void> {
  if (req.complete || req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise<void>(resolve => {
    const done = (): void => {
      resolve();
    };
    req.once('end', done);
    req.once('close', done);
    req.once('error', done);
    req.resume();
  });
}

async function readBody(req: http.IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    n += chunk.length;
    if (n > limit) {
      await drain(req);
      throw new StoreError(413, 'RequestBodyTooLarge', `request body exceeds ${limit} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Single-range parser for `bytes=a-b`, `bytes=a-`, `bytes=-n`. */
function parseRange(h: string, size: number): [number, number] | 'unsatisfiable' | undefined {
  const m = /^bytes=(\d*)-(\d*)$/.exec(h.trim());
  if (!m || (m[1] === '' && m[2] === '')) return undefined; // ignore what we don't understand (serve whole)
  let start: number;
  let end: number;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    start = Math.max(0, size - n);
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || end < start) return 'unsatisfiable';
  return [start, end];
}

function twirpCode(status: number): string {
  switch (status) {
    case 400:
      return 'invalid_argument';
    case 401:
      return 'unauthenticated';
    case 403:
      return 'permission_denied';
    case 404:
      return 'not_found';
    case 409:
      return 'already_exists';
    case 413:
      return 'resource_exhausted';
    case 503:
      return 'unavailable';
    default:
      return status >= 500 ? 'internal' : 'unknown';
  }
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function xmlUnescape(s: string): string {
  return s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

function redactQuery(url: URL): string {
  const q = new URLSearchParams(url.search);
  if (q.has('sig')) q.set('sig', 'REDACTED');
  return q.toString();
}

function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
