#!/usr/bin/env node
// A read-only Go module proxy on loopback, serving a directory laid out in the
// GOPROXY protocol (which is exactly $GOMODCACHE/cache/download). It lets the
// proof stack build Go services offline and count what a build fetched:
//
//   GET  /_stats   {"total": N, "notFound": M, "byPath": {"/mod/@v/v1.0.0.zip": 1, ...}}
//                  counting only module requests (paths with /@v/ or /@latest)
//   POST /_reset   zeroes the counters
//   /scope/NAME/…  the same proxy (GOPROXY=http://HOST:PORT/scope/NAME), its requests counted
//                  apart as well: GET /_stats?scope=NAME and POST /_reset?scope=NAME are theirs
//                  alone, so a test that counts is not disturbed by builds of other tests
//                  running beside it
//
// Anything the directory does not hold is a 404, which the go command reads
// as "not here" (and, with a GOPROXY list, moves on to the next entry).
//
// Usage: node scripts/modproxy.mjs [--dir DIR] [--host 127.0.0.1] [--port 3111]
// (or MODPROXY_DIR, MODPROXY_HOST, MODPROXY_PORT). No dependencies.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    dir: { type: 'string', default: process.env.MODPROXY_DIR ?? '' },
    host: { type: 'string', default: process.env.MODPROXY_HOST ?? '127.0.0.1' },
    port: { type: 'string', default: process.env.MODPROXY_PORT ?? '3111' }
  }
});
if (!args.dir) {
  console.error('modproxy: --dir (or MODPROXY_DIR) is required');
  process.exit(2);
}
const root = path.resolve(args.dir);

const CONTENT_TYPES = {
  '.info': 'application/json',
  '.mod': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
  '.ziphash': 'text/plain; charset=utf-8'
};

const emptyStats = () => ({ total: 0, notFound: 0, byPath: {} });
const stats = emptyStats();
/** Counters of each scope, by name. */
const scopes = new Map();

function scopeStats(name) {
  if (!scopes.has(name)) scopes.set(name, emptyStats());
  return scopes.get(name);
}

function isModuleRequest(urlPath) {
  return urlPath.includes('/@v/') || urlPath.endsWith('/@latest');
}

function count(urlPath, scope) {
  if (!isModuleRequest(urlPath)) return;
  for (const s of scope === undefined ? [stats] : [stats, scopeStats(scope)]) {
    s.total += 1;
    s.byPath[urlPath] = (s.byPath[urlPath] ?? 0) + 1;
  }
}

function countNotFound(urlPath, scope) {
  if (!isModuleRequest(urlPath)) return;
  stats.notFound += 1;
  if (scope !== undefined) scopeStats(scope).notFound += 1;
}

// Maps a URL path into root, refusing anything that would climb out of it.
// The cache directory already stores module paths case-escaped ("!" + lower),
// the same escaping the protocol uses in URLs, so no translation is needed.
function resolveInRoot(urlPath) {
  let decoded;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0')) return null;
  const file = path.resolve(root, '.' + path.posix.normalize(decoded));
  return file === root || file.startsWith(root + path.sep) ? file : null;
}

async function isFile(file) {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

// Semantic version order, enough for picking @latest out of a list file:
// releases above pre-releases, numeric parts compared as numbers.
function compareVersions(a, b) {
  const parse = v => {
    const [core, pre = ''] = v.replace(/^v/, '').split('+')[0].split(/-(.*)/s);
    return { nums: core.split('.').map(Number), pre };
  };
  const x = parse(a);
  const y = parse(b);
  for (let i = 0; i < 3; i++) {
    const d = (x.nums[i] ?? 0) - (y.nums[i] ?? 0);
    if (d !== 0) return d;
  }
  if (x.pre === y.pre) return 0;
  if (!x.pre) return 1;
  if (!y.pre) return -1;
  return x.pre < y.pre ? -1 : 1;
}

// The cache has no @latest file; answer it from the list file, as a proxy
// would, so `go get module` without a version also works offline.
async function latestInfo(urlPath) {
  const listFile = resolveInRoot(urlPath.replace(/\/@latest$/, '/@v/list'));
  if (!listFile || !(await isFile(listFile))) return null;
  const versions = (await readFile(listFile, 'utf8'))
    .split('\n')
    .map(s => s.trim())
    .filter(Boolean);
  if (versions.length === 0) return null;
  const latest = versions.sort(compareVersions).at(-1);
  const infoFile = resolveInRoot(urlPath.replace(/\/@latest$/, `/@v/${latest}.info`));
  if (infoFile && (await isFile(infoFile))) return readFile(infoFile);
  return Buffer.from(JSON.stringify({ Version: latest }));
}

function send(res, status, body, type = 'text/plain; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

async function handle(req, res) {
  const url = new URL(req.url ?? '/', 'http://proxy');
  const asked = url.searchParams.get('scope') ?? undefined;

  if (url.pathname === '/_stats' && req.method === 'GET') {
    return send(res, 200, JSON.stringify(asked === undefined ? stats : { scope: asked, ...scopeStats(asked) }), 'application/json');
  }
  if (url.pathname === '/_reset' && req.method === 'POST') {
    const s = asked === undefined ? stats : scopeStats(asked);
    Object.assign(s, emptyStats());
    return send(res, 200, JSON.stringify(s), 'application/json');
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return send(res, 405, 'method not allowed\n');
  }

  // /scope/NAME/rest is /rest, counted for NAME too.
  const scoped = /^\/scope\/([\w.-]+)(\/.*)$/.exec(url.pathname);
  const scope = scoped?.[1];
  const urlPath = scoped ? scoped[2] : url.pathname;
  count(urlPath, scope);
  const notFound = () => {
    countNotFound(urlPath, scope);
    return send(res, 404, 'not found\n');
  };

  if (urlPath.endsWith('/@latest')) {
    const info = await latestInfo(urlPath);
    if (!info) return notFound();
    return send(res, 200, info, 'application/json');
  }

  // Only protocol files are served: not the cache's .lock or .partial files.
  const file = resolveInRoot(urlPath);
  const served = /\/@v\/(list|[^/]+\.(info|mod|zip))$/.test(urlPath);
  if (!file || !served || !(await isFile(file))) return notFound();

  const { size } = await stat(file);
  const ext = path.extname(file);
  res.writeHead(200, {
    'Content-Type': CONTENT_TYPES[ext] ?? 'text/plain; charset=utf-8',
    'Content-Length': size
  });
  if (req.method === 'HEAD') return res.end();
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

const server = createServer((req, res) => {
  handle(req, res).catch(err => {
    console.error('modproxy:', req.url, err);
    if (!res.headersSent) send(res, 500, 'internal error\n');
    else res.destroy();
  });
});

server.listen(Number(args.port), args.host, () => {
  console.log(`modproxy: serving ${root} on http://${args.host}:${args.port}`);
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections(); // idle keep-alive sockets would hold close() open
  });
}
