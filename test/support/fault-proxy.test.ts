// The fault proxy against a small upstream of the test's own: each mode, the rules' order and
// window, streaming without holding bodies, and close() ending what hangs.
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fsp from 'node:fs/promises';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startFaultProxy, type FaultProxy } from './fault-proxy.js';
import { REPO_ROOT, TSX_BIN } from './cache-server/harness.js';
import { startSilentListener } from './silent-listener.js';

const CLI = path.join(REPO_ROOT, 'test/support/fault-proxy-cli.ts');

const MiB = 1024 * 1024;

interface Seen {
  method: string;
  url: string;
  rawHeaders: string[];
  bodyBytes: number;
}

// The upstream: /echo answers what it saw, /bytes/N sends N bytes (Content-Length), /stream/N the
// same generated on the fly with backpressure, /sink counts what it is sent.
let upstream: http.Server;
let upstreamAddress: string;
const seen: Seen[] = [];

function pattern(offset: number, length: number): Buffer {
  const out = Buffer.alloc(length);
  for (let i = 0; i < length; i++) out[i] = (offset + i) % 251;
  return out;
}

beforeAll(async () => {
  upstream = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const entry: Seen = { method: req.method ?? '', url: req.url ?? '', rawHeaders: req.rawHeaders, bodyBytes: 0 };
    seen.push(entry);
    req.on('data', (chunk: Buffer) => (entry.bodyBytes += chunk.length));
    req.on('end', () => {
      const [, route, arg] = /^\/([a-z]+)\/?(\d*)/.exec(req.url ?? '') ?? [];
      if (route === 'bytes') {
        res.writeHead(200, 'Here', ['Content-Length', arg, 'X-Dup', 'a', 'X-Dup', 'b']);
        res.end(pattern(0, Number(arg)));
      } else if (route === 'stream') {
        const total = Number(arg);
        const block = pattern(0, 64 * 1024);
        res.writeHead(200, { 'Content-Length': String(total) });
        let sent = 0;
        const pump = (): void => {
          while (sent < total) {
            const part = Math.min(block.length, total - sent);
            sent += part;
            if (!res.write(part === block.length ? block : block.subarray(0, part))) {
              res.once('drain', pump);
              return;
            }
          }
          res.end();
        };
        pump();
      } else {
        const body = JSON.stringify(entry);
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) });
        res.end(body);
      }
    });
  });
  await new Promise<void>(resolve => upstream.listen(0, '127.0.0.1', resolve));
  upstreamAddress = `127.0.0.1:${(upstream.address() as AddressInfo).port}`;
});

afterAll(async () => {
  upstream.closeAllConnections();
  await new Promise<void>(resolve =>
    upstream.close(() => {
      resolve();
    })
  );
});

let proxy: FaultProxy;
const extraProxies: FaultProxy[] = [];
beforeAll(async () => {
  proxy = await startFaultProxy({ upstream: upstreamAddress, name: 'unit' });
});
afterEach(() => {
  proxy.clear();
});
afterAll(async () => {
  await Promise.all([proxy.close(), ...extraProxies.map(p => p.close())]);
});

interface Answer {
  status?: number;
  statusMessage?: string;
  headers: http.IncomingHttpHeaders;
  rawHeaders: string[];
  body: Buffer;
  /** 'end' when the body ended as HTTP says it should, else the error's code or message */
  ending: string;
  ms: number;
}

/** One request through `via` (default the shared proxy), with a bound on how long it may take. */
function call(
  path: string,
  options: { method?: string; headers?: Record<string, string> | string[]; body?: Buffer; via?: FaultProxy; limitMs?: number } = {}
): Promise<Answer> {
  const via = options.via ?? proxy;
  const [host, port] = via.address.split(':');
  const started = Date.now();
  return new Promise(resolve => {
    const chunks: Buffer[] = [];
    let answer: Omit<Answer, 'ending' | 'ms' | 'body'> = { headers: {}, rawHeaders: [] };
    const done = (ending: string): void => {
      clearTimeout(timer);
      resolve({ ...answer, body: Buffer.concat(chunks), ending, ms: Date.now() - started });
    };
    const req = http.request({ host, port: Number(port), path, method: options.method ?? 'GET', headers: options.headers, agent: false }, res => {
      answer = { status: res.statusCode, statusMessage: res.statusMessage, headers: res.headers, rawHeaders: res.rawHeaders };
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        done('end');
      });
      res.on('error', error => {
        done((error as NodeJS.ErrnoException).code ?? error.message);
      });
    });
    req.on('error', error => {
      done((error as NodeJS.ErrnoException).code ?? error.message);
    });
    const timer = setTimeout(() => {
      req.destroy();
      done('still waiting');
    }, options.limitMs ?? 5_000);
    req.end(options.body);
  });
}

function headerValues(raw: string[], name: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) if (raw[i].toLowerCase() === name) out.push(raw[i + 1]);
  return out;
}

describe('pass-through', () => {
  it('forwards method, target, headers as sent (Host included, nothing added) and bodies both ways', async () => {
    const body = Buffer.from('x'.repeat(10_000));
    const answer = await call('/echo/1?a=b&c=%2F', {
      method: 'PUT',
      headers: ['Host', 'registry.example:1234', 'X-Trace', 'one', 'X-Trace', 'two', 'Content-Length', String(body.length)],
      body
    });
    expect(answer.status).toBe(200);
    const got = JSON.parse(answer.body.toString()) as Seen;
    expect(got.method).toBe('PUT');
    expect(got.url).toBe('/echo/1?a=b&c=%2F');
    expect(got.bodyBytes).toBe(10_000);
    expect(headerValues(got.rawHeaders, 'host')).toEqual(['registry.example:1234']);
    expect(headerValues(got.rawHeaders, 'x-trace')).toEqual(['one', 'two']);
    expect(got.rawHeaders.filter((_, i) => i % 2 === 0 && /^x-forwarded|^forwarded$/i.test(got.rawHeaders[i]))).toEqual([]);
    const entry = proxy.log[proxy.log.length - 1];
    expect(entry).toMatchObject({ method: 'PUT', path: '/echo/1?a=b&c=%2F', status: 200, bytesOut: answer.body.length });
    expect(entry.fault).toBeUndefined();
  });

  it("passes the upstream's status line and headers, repeated ones too, and one Date", async () => {
    const answer = await call('/bytes/1000');
    expect(answer).toMatchObject({ status: 200, statusMessage: 'Here', ending: 'end' });
    expect(answer.body.equals(pattern(0, 1000))).toBe(true);
    expect(headerValues(answer.rawHeaders, 'x-dup')).toEqual(['a', 'b']);
    expect(headerValues(answer.rawHeaders, 'content-length')).toEqual(['1000']);
    expect(headerValues(answer.rawHeaders, 'date')).toHaveLength(1);
  });

  it('answers 502 in the registry shape when the upstream is down', async () => {
    const dead = await startFaultProxy({ upstream: '127.0.0.1:1' });
    extraProxies.push(dead);
    const answer = await call('/v2/', { via: dead });
    expect(answer.status).toBe(502);
    expect(JSON.parse(answer.body.toString())).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
    expect(dead.log[0]).toMatchObject({ status: 502, error: 'upstream: ECONNREFUSED' });
  });
});

describe('faults', () => {
  it('status: answers in the registry shape without asking the upstream, after reading the body', async () => {
    const before = seen.length;
    proxy.add({ method: 'PUT', path: /\/manifests\//, fault: 'status', status: 500 });
    proxy.add({ path: /\/auth$/, fault: 'status', status: 401 });
    proxy.add({ path: /\/busy$/, fault: 'status', status: 429, headers: { 'Retry-After': '7' } });
    proxy.add({ path: /\/twirp$/, fault: 'status', status: 503, body: { code: 'unavailable', msg: 'injected' } });
    const put = await call('/v2/x/manifests/latest', { method: 'PUT', body: Buffer.alloc(3 * MiB) });
    expect(put.status).toBe(500);
    expect(put.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(put.body.toString())).toEqual({ errors: [{ code: 'UNKNOWN', message: 'unit: injected 500' }] });
    const auth = await call('/v2/auth');
    expect(auth.status).toBe(401);
    expect(auth.headers['www-authenticate']).toBe('Basic realm="fault-proxy"');
    expect((JSON.parse(auth.body.toString()) as { errors: { code: string }[] }).errors[0].code).toBe('UNAUTHORIZED');
    const busy = await call('/v2/busy');
    expect(busy.status).toBe(429);
    expect(busy.headers['retry-after']).toBe('7');
    expect((JSON.parse(busy.body.toString()) as { errors: { code: string }[] }).errors[0].code).toBe('TOOMANYREQUESTS');
    const twirp = await call('/twirp', { method: 'POST', body: Buffer.from('{}') });
    expect(JSON.parse(twirp.body.toString())).toEqual({ code: 'unavailable', msg: 'injected' });
    // A GET on manifests is not the PUT the rule names: it reaches the upstream.
    expect((await call('/v2/x/manifests/latest')).status).toBe(200);
    expect(seen.length - before).toBe(1);
    expect(proxy.log.slice(-5).map(e => [e.fault, e.status])).toEqual([
      ['status', 500],
      ['status', 401],
      ['status', 429],
      ['status', 503],
      [undefined, 200]
    ]);
  });

  it('truncate: the announced Content-Length, then N bytes and a close', async () => {
    proxy.add({ path: /^\/bytes\//, fault: 'truncate', bytes: 100_000 });
    const answer = await call(`/bytes/${MiB}`);
    expect(answer.status).toBe(200);
    expect(answer.headers['content-length']).toBe(String(MiB));
    expect(answer.body.length).toBe(100_000);
    expect(answer.body.equals(pattern(0, 100_000))).toBe(true);
    expect(answer.ending).toBe('ECONNRESET'); // Node's client: "aborted", a body shorter than announced
    expect(proxy.log[proxy.log.length - 1]).toMatchObject({ fault: 'truncate', status: 200, bytesOut: 100_000 });
  });

  it('truncate by fraction, and keepLength: false ends a short chunked body cleanly', async () => {
    proxy.add({ path: /^\/stream\//, fault: 'truncate', fraction: 0.25, times: 1 });
    proxy.add({ path: /^\/stream\//, fault: 'truncate', fraction: 0.5, keepLength: false, times: 1 });
    const cut = await call(`/stream/${4 * MiB}`);
    expect(cut.body.length).toBe(MiB);
    expect(cut.ending).not.toBe('end');
    const clean = await call(`/stream/${4 * MiB}`);
    expect(clean.headers['content-length']).toBeUndefined();
    expect(clean.headers['transfer-encoding']).toBe('chunked');
    expect(clean.body.length).toBe(2 * MiB);
    expect(clean.ending).toBe('end');
    expect((await call(`/stream/${4 * MiB}`)).body.length).toBe(4 * MiB);
  });

  it('hang: no answer until the client gives up; hangAfterHeaders: headers, then no body', async () => {
    const hang = proxy.add({ path: /^\/echo\/hang/, fault: 'hang' });
    const hung = call('/echo/hang', { method: 'POST', body: Buffer.alloc(MiB), limitMs: 400 });
    const unanswered = await hung;
    expect(unanswered.status).toBeUndefined();
    expect(unanswered.ending).toBe('still waiting');
    expect(hang.fired).toBe(1);
    // The client gave up: the entry ends with it.
    await proxy.waitFor(() => proxy.log.some(e => e.rule === hang.name && e.durationMs !== undefined), 2_000);

    proxy.add({ path: /^\/bytes\//, fault: 'hangAfterHeaders' });
    const stalled = await call('/bytes/5000', { limitMs: 400 });
    expect(stalled).toMatchObject({ status: 200, ending: 'still waiting' });
    expect(stalled.headers['content-length']).toBe('5000');
    expect(stalled.body.length).toBe(0);
  });

  it('delay: forwards after the delay; reset: the connection is reset at once', async () => {
    proxy.add({ path: /^\/echo\/slow/, fault: 'delay', ms: 300 });
    proxy.add({ path: /^\/echo\/reset/, fault: 'reset' });
    const slow = await call('/echo/slow');
    expect(slow.status).toBe(200);
    expect(slow.ms).toBeGreaterThanOrEqual(290);
    const reset = await call('/echo/reset');
    expect(reset.status).toBeUndefined();
    expect(reset.ending).toBe('ECONNRESET');
    expect(proxy.log[proxy.log.length - 1]).toMatchObject({ fault: 'reset', error: 'reset' });
    expect(proxy.log[proxy.log.length - 1].status).toBeUndefined();
  });

  it('close() ends hung requests and stalled bodies', async () => {
    const own = await startFaultProxy({ upstream: upstreamAddress });
    own.add({ path: /^\/echo/, fault: 'hang' });
    own.add({ path: /^\/bytes/, fault: 'hangAfterHeaders' });
    const hung = call('/echo', { via: own, limitMs: 5_000 });
    const stalled = call('/bytes/100', { via: own, limitMs: 5_000 });
    await own.waitFor(() => own.log.length === 2 && own.log[1].status === 200, 2_000);
    const closing = Date.now();
    await own.close();
    const [a, b] = await Promise.all([hung, stalled]);
    expect(Date.now() - closing).toBeLessThan(1_000);
    expect(a.status).toBeUndefined();
    expect(a.ending).toMatch(/ECONNRESET|socket hang up/);
    expect(b.status).toBe(200);
    expect(b.ending).not.toBe('end');
  });
});

describe('rules', () => {
  it('are tried in order; after skips the first K matches, times fires on the next N; counters count', async () => {
    const skipFirst = proxy.add({ method: 'GET', path: /^\/echo\/r/, after: 1, times: 2, fault: 'status', status: 503, name: 'two after one' });
    const fallback = proxy.add({ path: /^\/echo\/r/, fault: 'status', status: 404, times: 1 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call('/echo/r')).status ?? 0);
    // 1: skipped by the first rule, so the second fires; 2-3: the first; 4: the second is used up; 5: passes.
    expect(statuses).toEqual([404, 503, 503, 200, 200]);
    expect(skipFirst).toMatchObject({ matched: 5, fired: 2 });
    expect(fallback).toMatchObject({ matched: 3, fired: 1 });
    expect(proxy.log.slice(-5).map(e => e.rule)).toEqual([fallback.name, 'two after one', 'two after one', undefined, undefined]);
    // A POST is not the GET the first rule names: not counted there; the second is used up.
    expect((await call('/echo/r', { method: 'POST' })).status).toBe(200);
    expect(skipFirst.matched).toBe(5);
    expect(fallback).toMatchObject({ matched: 4, fired: 1 });
  });

  it('match on a header predicate and can be removed or cleared at run time', async () => {
    const rule = proxy.add({ path: /^\/echo/, header: h => h['x-client'] === 'buildkit', fault: 'status', status: 403 });
    expect((await call('/echo', { headers: { 'X-Client': 'buildkit' } })).status).toBe(403);
    expect((await call('/echo', { headers: { 'X-Client': 'docker' } })).status).toBe(200);
    proxy.remove(rule);
    expect((await call('/echo', { headers: { 'X-Client': 'buildkit' } })).status).toBe(200);
    proxy.add({ path: /./, fault: 'status', status: 500 });
    proxy.add({ path: /./, fault: 'status', status: 501 });
    expect(proxy.rules()).toHaveLength(2);
    proxy.clear();
    expect((await call('/echo')).status).toBe(200);
    expect(rule).toMatchObject({ matched: 1, fired: 1 });
  });
});

describe('streaming', () => {
  // The proxy in a process of its own, so that its memory is measured apart from the upstream's and
  // the client's: were it to hold a body, its peak RSS would grow by the body's size.
  interface ProxyProcess {
    address: string;
    stats(): Promise<{ rssBytes: number; maxRssKb: number; requests: number }>;
  }
  let child: ChildProcessWithoutNullStreams;
  let remote: ProxyProcess;

  beforeAll(async () => {
    child = spawn(TSX_BIN, [CLI, '--upstream', upstreamAddress], { cwd: REPO_ROOT });
    const lines = readline.createInterface({ input: child.stdout });
    const pending: ((line: string) => void)[] = [];
    const early: string[] = [];
    lines.on('line', line => {
      const waiting = pending.shift();
      if (waiting) waiting(line);
      else early.push(line);
    });
    const next = (): Promise<string> =>
      new Promise((resolve, reject) => {
        const first = early.shift();
        if (first !== undefined) {
          resolve(first);
          return;
        }
        const timer = setTimeout(() => {
          reject(new Error('fault proxy process: no answer within 10 s'));
        }, 10_000);
        pending.push(line => {
          clearTimeout(timer);
          resolve(line);
        });
      });
    const address = (await next()).replace(/^FAULT_PROXY=/, '');
    expect(await next()).toBe('# ready');
    remote = {
      address,
      async stats() {
        child.stdin.write('stats\n');
        return JSON.parse(await next()) as Awaited<ReturnType<ProxyProcess['stats']>>;
      }
    };
    // A fresh Node process grows by some 40 MB over its first tens of MB of traffic, however large
    // the body (measured: the same after 50, 200 or 400 MB), before the garbage collector keeps
    // pace: warm it up, so that what is measured below is what a body costs.
    await download(remote.address, 64 * MiB, 0);
    await upload(remote.address, 64 * MiB);
  }, 20_000);

  afterAll(async () => {
    const proc = child as ChildProcessWithoutNullStreams | undefined; // unset if beforeAll failed
    if (!proc) return;
    const exited = new Promise(resolve => proc.once('exit', resolve));
    proc.stdin.end();
    await exited;
  });

  /** How much the proxy's peak RSS grew over `work`, in MiB. */
  async function peakGrowth(work: () => Promise<void>): Promise<number> {
    const before = await remote.stats();
    await work();
    const after = await remote.stats();
    return (after.maxRssKb * 1024 - before.rssBytes) / MiB;
  }

  it('a 200 MB download to a client that starts reading late', async () => {
    let received = 0;
    // Half a second unread: an upstream pushing freely would fill the proxy meanwhile.
    const growth = await peakGrowth(async () => void (received = await download(remote.address, 200 * MiB, 500)));
    expect(received).toBe(200 * MiB);
    expect(growth, 'peak RSS growth of the proxy process, MiB').toBeLessThan(32);
  }, 15_000);

  it('a 200 MB upload', async () => {
    let stored = 0;
    const growth = await peakGrowth(async () => void (stored = await upload(remote.address, 200 * MiB)));
    expect(stored).toBe(200 * MiB);
    expect(growth, 'peak RSS growth of the proxy process, MiB').toBeLessThan(32);
  }, 15_000);
});

/** GETs /stream/<total> through `address`, reading nothing for `lateMs`; resolves with the bytes read. */
function download(address: string, total: number, lateMs: number): Promise<number> {
  const [host, port] = address.split(':');
  return new Promise((resolve, reject) => {
    let received = 0;
    http
      .get({ host, port: Number(port), path: `/stream/${total}`, agent: false }, res => {
        res.pause();
        setTimeout(() => {
          res.on('data', (chunk: Buffer) => (received += chunk.length));
          res.on('end', () => {
            resolve(received);
          });
          res.on('error', reject);
          res.resume();
        }, lateMs);
      })
      .on('error', reject);
  });
}

/** PUTs `total` bytes to /sink through `address`; resolves with the bytes the upstream got. */
function upload(address: string, total: number): Promise<number> {
  const [host, port] = address.split(':');
  const block = Buffer.alloc(MiB, 7);
  return new Promise((resolve, reject) => {
    let answer = '';
    const req = http.request(
      { host, port: Number(port), path: '/sink', method: 'PUT', headers: { 'Content-Length': String(total) }, agent: false },
      res => {
        res.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        res.on('end', () => {
          resolve((JSON.parse(answer) as Seen).bodyBytes);
        });
      }
    );
    req.on('error', reject);
    let sent = 0;
    const pump = (): void => {
      while (sent < total) {
        sent += block.length;
        if (!req.write(block)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

describe('silent listener', () => {
  it('accepts, reads, never writes; close() ends its connections', async () => {
    const silent = await startSilentListener();
    const [host, port] = silent.address.split(':');
    const answer = http.get({ host, port: Number(port), path: '/', agent: false });
    let ended = '';
    answer.on('error', error => (ended = (error as NodeJS.ErrnoException).code ?? error.message));
    answer.on('response', () => (ended = 'answered'));
    await silent.waitForConnections(1, 2_000);
    await new Promise(resolve => setTimeout(resolve, 200));
    expect(ended).toBe('');
    expect(silent.bytesReceived).toBeGreaterThan(0);
    expect(silent.open).toBe(1);
    await silent.close();
    await new Promise(resolve => setTimeout(resolve, 100));
    expect(ended).toMatch(/ECONNRESET|socket hang up/);
    expect(silent.connections).toBe(1);
  });
});

// The real registry of the stack, through the proxy, with the docker CLI on PATH (dockerd treats
// 127.0.0.0/8 registries as insecure: plain HTTP, no configuration needed).
const REGISTRY = process.env.STACK_REGISTRY ?? '127.0.0.1:5000';
const registrySkip = await whyNoRegistry();
if (registrySkip) console.warn(`fault proxy against the registry: skipped, ${registrySkip}`);

async function whyNoRegistry(): Promise<string | undefined> {
  try {
    const answer = await fetch(`http://${REGISTRY}/v2/`, { signal: AbortSignal.timeout(2_000) });
    if (answer.status !== 200) return `the registry on ${REGISTRY} answered ${answer.status} to /v2/`;
  } catch (error) {
    return `no registry answering on ${REGISTRY} (${(error as Error).message})`;
  }
  const version = await docker(['version', '--format', '{{.Server.Version}}'], 10_000);
  if (version.code !== 0) return `no Docker engine: ${version.output.trim()}`;
  return undefined;
}

/** The docker CLI, bounded: killed after limitMs. Never execFileSync: the proxy lives in this process. */
function docker(args: string[], limitMs: number): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise(resolve => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGTERM'), limitMs);
    child.on('error', error => (output += error.message));
    child.on('close', code => {
      clearTimeout(timer);
      resolve({ code, output, ms: Date.now() - started });
    });
  });
}

async function registryDigest(repository: string, tag: string): Promise<string | undefined> {
  const answer = await fetch(`http://${REGISTRY}/v2/${repository}/manifests/${tag}`, {
    method: 'HEAD',
    headers: { Accept: 'application/vnd.docker.distribution.manifest.v2+json' }
  });
  return answer.status === 200 ? (answer.headers.get('docker-content-digest') ?? undefined) : undefined;
}

describe.skipIf(registrySkip)(`against the real registry (${REGISTRY}) with the docker CLI`, () => {
  let registry: FaultProxy;
  let image: string;
  let workDir: string;
  const tags: string[] = [];

  beforeAll(async () => {
    registry = await startFaultProxy({ upstream: REGISTRY, name: 'registry' });
    // An image of one small layer of random bytes, so no run finds its layer already pushed or pulled.
    workDir = await fsp.mkdtemp(path.join(os.tmpdir(), 'fault-proxy-image-'));
    await fsp.mkdir(path.join(workDir, 'root'));
    await fsp.writeFile(path.join(workDir, 'root', 'data.bin'), randomBytes(256 * 1024));
    await promisify(execFile)('tar', ['-C', path.join(workDir, 'root'), '-cf', path.join(workDir, 'layer.tar'), 'data.bin']);
    image = `${registry.address}/faults/test`;
    tags.push(`${image}:x`);
    const imported = await docker(['import', path.join(workDir, 'layer.tar'), `${image}:x`], 30_000);
    expect(imported.code, imported.output).toBe(0);
  }, 40_000);

  afterAll(async () => {
    for (const tag of tags) await docker(['rmi', tag], 30_000); // our own tags only; absent ones are fine
    await (registry as FaultProxy | undefined)?.close(); // unset if beforeAll failed
    if (workDir) await fsp.rm(workDir, { recursive: true, force: true });
  }, 60_000);

  afterEach(() => {
    registry.clear();
  });

  it('docker push goes through to the registry, its uploads too (the Locations name the proxy)', async () => {
    const pushed = await docker(['push', `${image}:x`], 30_000);
    expect(pushed.code, pushed.output).toBe(0);
    const digest = /digest: (sha256:[0-9a-f]{64})/.exec(pushed.output)?.[1];
    expect(digest, pushed.output).toBeDefined();
    expect(await registryDigest('faults/test', 'x')).toBe(digest);
    // The daemon follows the registry's upload Location: were it the registry's own address, the
    // PATCH/PUT of the layer would not be in the proxy's log.
    const uploads = registry.log.filter(e => /^\/v2\/faults\/test\/blobs\/uploads\/[0-9a-f-]{36}\?/.test(e.path));
    expect(uploads.map(e => e.method)).toEqual(expect.arrayContaining(['PATCH', 'PUT']));
    expect(uploads.every(e => e.status !== undefined && e.status < 300)).toBe(true);

    const inspected = await docker(['buildx', 'imagetools', 'inspect', `${image}:x`], 30_000);
    if (!/unknown command|is not a docker command/.test(inspected.output)) {
      expect(inspected.code, inspected.output).toBe(0);
      expect(inspected.output).toContain(digest);
    }

    // The engine's BuildKit resolves a base image through the proxy too.
    const context = path.join(workDir, 'context');
    await fsp.mkdir(context, { recursive: true });
    await fsp.writeFile(path.join(context, 'Dockerfile'), `FROM ${image}:x\nLABEL faults=through-the-proxy\n`);
    const seen = registry.log.length;
    tags.push(`${image}:built`);
    const built = await docker(['build', '--pull', '-t', `${image}:built`, context], 60_000);
    expect(built.code, built.output).toBe(0);
    expect(registry.log.slice(seen).some(e => e.method === 'GET' && e.path.startsWith('/v2/faults/test/manifests/'))).toBe(true);
  }, 90_000);

  it('a 500 on PUT manifests fails docker push at once, with the status in its output', async () => {
    const rule = registry.add({ method: 'PUT', path: /^\/v2\/faults\/test\/manifests\//, fault: 'status', status: 500 });
    tags.push(`${image}:x-500`);
    expect((await docker(['tag', `${image}:x`, `${image}:x-500`], 10_000)).code).toBe(0);
    const pushed = await docker(['push', `${image}:x-500`], 30_000);
    expect(pushed.code).not.toBe(0);
    expect(pushed.output).toContain('received unexpected HTTP status: 500 Internal Server Error');
    expect(rule.fired).toBe(1); // manifests are not retried (layers are, after 5, 10, 15, 20 s)
    expect(await registryDigest('faults/test', 'x-500')).toBeUndefined();
  }, 60_000);

  it('truncated blobs fail docker pull (retried, then unexpected EOF)', async () => {
    // Every local tag of the image goes, so that the pull has to fetch its blobs.
    for (const tag of tags) await docker(['rmi', tag], 30_000);
    expect((await docker(['image', 'inspect', `${image}:x`], 10_000)).code).not.toBe(0);
    const rule = registry.add({ method: 'GET', path: /^\/v2\/faults\/test\/blobs\/sha256:/, fault: 'truncate', fraction: 0.5 });
    const pulled = await docker(['pull', `${image}:x`], 30_000);
    expect(pulled.code, pulled.output).not.toBe(0);
    expect(pulled.output).toContain('unexpected EOF');
    // The image config is tried 6 times within ~4 s ("download failed after attempts=6"), the layer
    // meanwhile once or twice: the pull ends on the config.
    expect(rule.fired, pulled.output).toBeGreaterThanOrEqual(2);
    expect((await docker(['image', 'inspect', `${image}:x`], 10_000)).code).not.toBe(0);
  }, 60_000);
});
