// A loopback fault proxy (issue #12): a transparent HTTP/1.1 reverse proxy in front of the registry
// or the Actions cache server that misanswers chosen requests (a status, a hang, a cut body, a delay,
// a reset), so the fault suite can prove against the real services what the action does when one
// of them misbehaves. Bodies are streamed both ways, never held: layers and cache archives are
// hundreds of MB. See FAULTS.md for the modes and what the clients do under each.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What a rule does to the requests it fires on. */
export type Fault =
  /** Answer with this status and a registry-shaped JSON error, without contacting the upstream. */
  | {
      fault: 'status';
      status: number;
      /** The error code in the body (default from the status: UNAUTHORIZED, DENIED, UNAVAILABLE…). */
      code?: string;
      message?: string;
      /** Replaces the registry-shaped body (serialized as JSON), e.g. a Twirp error for the cache service. */
      body?: unknown;
      /** Extra headers; a 401 gets `WWW-Authenticate: Basic realm="fault-proxy"` unless given here. */
      headers?: Record<string, string>;
    }
  /** Read the request and never answer (until the client gives up or close()). */
  | { fault: 'hang' }
  /** Forward, send the upstream's status and headers, then never send a byte of the body. */
  | { fault: 'hangAfterHeaders' }
  /**
   * Forward and cut the body after `bytes` (or `fraction` of the upstream's Content-Length).
   * By default the upstream's headers (its Content-Length included) are sent and the connection is
   * closed after the cut: the client sees a body shorter than announced. `keepLength: false` drops
   * Content-Length and ends the chunked body cleanly: a short body nothing in HTTP can detect.
   */
  | { fault: 'truncate'; bytes?: number; fraction?: number; keepLength?: boolean }
  /** Forward after this many ms. */
  | { fault: 'delay'; ms: number }
  /** Reset the connection (TCP RST) as soon as the request's headers arrive. */
  | { fault: 'reset' };

export type FaultKind = Fault['fault'];

export interface Match {
  /** Only this method (any when omitted). */
  method?: string;
  /** Tested against the request target: path and query, e.g. /v2/x/manifests/latest or /…/artifacts/3?sig=… */
  path: RegExp;
  /** Only requests whose headers satisfy this. */
  header?: (headers: http.IncomingHttpHeaders) => boolean;
  /** Skip the first `after` matching requests (they pass through or fall to later rules). */
  after?: number;
  /** Fire on this many matching requests after those skipped, then let them by (default: all). */
  times?: number;
  /** A name for the log (default `<fault>#<n>`). */
  name?: string;
}

export type RuleSpec = Match & Fault;

export interface Rule {
  readonly name: string;
  readonly spec: RuleSpec;
  /** Requests that matched method, path and header, inside the after/times window or not. */
  readonly matched: number;
  /** Requests the fault was applied to. */
  readonly fired: number;
}

export interface LogEntry {
  seq: number;
  method: string;
  /** The request target (path and query). */
  path: string;
  /** The rule that fired, if any. */
  rule?: string;
  fault?: FaultKind;
  /** The status the client was sent; undefined when it never got one (hang, reset, upstream down before headers). */
  status?: number;
  /** Response body bytes sent to the client. */
  bytesOut: number;
  /** Set when the exchange is over (answered in full, cut, or the client went away). */
  durationMs?: number;
  /** Why the exchange did not end normally, e.g. 'client closed', 'upstream: ECONNREFUSED'. */
  error?: string;
}

export interface FaultProxy {
  /** host:port of the proxy, to use as an image's registry or in a cache URL. */
  address: string;
  /** http://host:port/ (trailing slash, as the cache library wants its base URLs). */
  url: string;
  name: string;
  /** Adds a rule after the existing ones; rules are tried in the order they were added. */
  add(spec: RuleSpec): Rule;
  remove(rule: Rule): void;
  /** Removes every rule: everything passes through again. */
  clear(): void;
  rules(): readonly Rule[];
  /** Every request seen, in arrival order (entries are updated as their exchange goes on). */
  readonly log: readonly LogEntry[];
  /** Resolves once `condition()` holds (checked whenever a request arrives or ends); rejects after timeoutMs. */
  waitFor(condition: () => boolean, timeoutMs?: number): Promise<void>;
  /** Ends every connection, hung ones included, and stops listening. */
  close(): Promise<void>;
}

// Headers of one hop only (RFC 9110 7.6.1): Node writes its own for each side.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'te', 'trailer', 'upgrade', 'expect']);

const DEFAULT_CODES: Partial<Record<number, string>> = {
  400: 'UNSUPPORTED',
  401: 'UNAUTHORIZED',
  403: 'DENIED',
  404: 'NAME_UNKNOWN',
  405: 'UNSUPPORTED',
  429: 'TOOMANYREQUESTS',
  503: 'UNAVAILABLE'
};

class ActiveRule implements Rule {
  matched = 0;
  fired = 0;
  constructor(
    readonly name: string,
    readonly spec: RuleSpec
  ) {}

  /** Counts the request if it matches; true when the fault applies to it. */
  take(req: http.IncomingMessage): boolean {
    const { method, path, header, after = 0, times = Infinity } = this.spec;
    if (method && method.toUpperCase() !== req.method) return false;
    path.lastIndex = 0; // a /g or /y RegExp keeps state between tests
    if (!path.test(req.url ?? '')) return false;
    if (header && !header(req.headers)) return false;
    this.matched++;
    if (this.matched <= after || this.matched > after + times) return false;
    this.fired++;
    return true;
  }
}

export interface FaultProxyOptions {
  /** host:port of the service behind the proxy. */
  upstream: string;
  /** For the log and the injected error messages (default `fault-proxy→<upstream>`). */
  name?: string;
  /** Port on 127.0.0.1 (default: a free one). */
  port?: number;
  /** Idle client connections are closed after this long (default 5000 ms, Node's). */
  idleTimeoutMs?: number;
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const [upstreamHost, upstreamPortText] = options.upstream.split(':');
  const upstreamPort = Number(upstreamPortText);
  if (!upstreamHost || !Number.isInteger(upstreamPort)) throw new Error(`upstream must be host:port, got ${options.upstream}`);
  const name = options.name ?? `fault-proxy→${options.upstream}`;
  const rules: ActiveRule[] = [];
  const log: LogEntry[] = [];
  let ruleCount = 0;
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const check of [...waiters]) check();
  };
  const answered = (entry: LogEntry, status: number | undefined): void => {
    entry.status = status;
    notify();
  };
  // Its own agent, so close() can end the upstream connections too.
  const agent = new http.Agent({ keepAlive: true });
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = http.createServer({ requestTimeout: 0 }, (req, res) => {
    const started = Date.now();
    const entry: LogEntry = { seq: log.length + 1, method: req.method ?? '', path: req.url ?? '', bytesOut: 0 };
    log.push(entry);
    const finish = (error?: string): void => {
      if (entry.durationMs !== undefined) return;
      entry.durationMs = Date.now() - started;
      if (error) entry.error = error;
      notify();
    };
    res.on('finish', () => {
      finish();
    });
    res.on('close', () => {
      finish(res.writableFinished ? undefined : 'client closed');
    });
    const rule = rules.find(r => r.take(req));
    if (rule) {
      entry.rule = rule.name;
      entry.fault = rule.spec.fault;
    }
    notify();
    const spec = rule?.spec;
    switch (spec?.fault) {
      case undefined: {
        forward(req, res, entry, passThrough);
        return;
      }
      case 'status': {
        answerStatus(req, res, entry, spec);
        return;
      }
      case 'hang':
        req.resume(); // read what is sent, so the client is not held by its own writes
        return;
      case 'hangAfterHeaders': {
        forward(req, res, entry, (upstream, answer) => {
          answer.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, forwardedHeaders(upstream.rawHeaders));
          answer.flushHeaders();
          answered(entry, upstream.statusCode);
          // Not read any further: the upstream's connection goes, ours stays open and silent.
          upstream.destroy();
        });
        return;
      }
      case 'truncate': {
        forward(req, res, entry, (upstream, answer) => {
          truncate(upstream, answer, entry, spec);
        });
        return;
      }
      case 'delay': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          // A client that gave up while waiting has nothing left to forward.
          if (!res.destroyed) forward(req, res, entry, passThrough);
        }, spec.ms);
        timers.add(timer);
        return;
      }
      case 'reset':
        req.socket.resetAndDestroy();
        finish('reset');
        return;
    }
  });
  // How long an idle client connection is kept. Node's default (5 s), which the cache server has
  // too: a client process that leaves a response unread (as @actions/cache does with an error
  // status) is held up by it, as it would be without the proxy. The registry never drops idle
  // connections; dockerd does not keep them anyway (its registry client disables keep-alive).
  server.keepAliveTimeout = options.idleTimeoutMs ?? 5_000;
  server.on('connection', socket => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  // A client that resets mid-request (as `reset` makes ours do) is no error of the proxy's. What is
  // no HTTP at all gets what a plain HTTP registry answers, 400: BuildKit tries https first on a
  // loopback registry, and falls back to http only on an answer that is no TLS (not on a close).
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (error.code === 'HPE_INVALID_METHOD' && socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
    else socket.destroy();
  });

  function forward(
    req: http.IncomingMessage,
    res: http.ServerResponse,
    entry: LogEntry,
    onResponse: (upstream: http.IncomingMessage, res: http.ServerResponse, entry: LogEntry) => void
  ): void {
    const request = http.request(
      {
        agent,
        host: upstreamHost,
        port: upstreamPort,
        method: req.method,
        path: req.url,
        // Raw, as sent (the Host header included: the registry builds its upload Locations from it,
        // so they point back at the proxy). Nothing is added: no X-Forwarded-*, which the registry
        // would prefer over Host.
        headers: forwardedHeaders(req.rawHeaders)
      },
      upstream => {
        upstream.on('error', () => res.destroy());
        onResponse(upstream, res, entry);
      }
    );
    request.on('error', error => {
      entry.error = `upstream: ${(error as NodeJS.ErrnoException).code ?? error.message}`;
      if (res.headersSent) {
        res.destroy();
        return;
      }
      answered(entry, 502);
      sendJson(res, 502, registryError('UNAVAILABLE', `${name}: upstream ${options.upstream}: ${error.message}`));
    });
    // The client went away: stop the upstream exchange too.
    res.on('close', () => {
      if (!res.writableFinished) request.destroy();
    });
    req.pipe(request);
  }

  function passThrough(upstream: http.IncomingMessage, res: http.ServerResponse, entry: LogEntry): void {
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, forwardedHeaders(upstream.rawHeaders));
    answered(entry, upstream.statusCode);
    upstream.on('data', (chunk: Buffer) => (entry.bytesOut += chunk.length));
    upstream.pipe(res);
  }

  function truncate(upstream: http.IncomingMessage, res: http.ServerResponse, entry: LogEntry, spec: Extract<Fault, { fault: 'truncate' }>): void {
    const length = Number(upstream.headers['content-length']);
    const limit = spec.bytes ?? (spec.fraction !== undefined && Number.isFinite(length) ? Math.floor(spec.fraction * length) : 0);
    const keepLength = spec.keepLength ?? true;
    const headers = forwardedHeaders(upstream.rawHeaders, keepLength ? [] : ['content-length', 'transfer-encoding']);
    res.writeHead(upstream.statusCode ?? 502, upstream.statusMessage, headers);
    answered(entry, upstream.statusCode);
    const cut = (): void => {
      upstream.destroy();
      if (!keepLength) {
        res.end();
        return;
      }
      // FIN after the bytes already written, then gone: the client reads all of them and then
      // a close before the announced length.
      res.socket?.destroySoon();
    };
    if (limit <= 0) {
      cut();
      return;
    }
    upstream.on('data', (chunk: Buffer) => {
      const room = limit - entry.bytesOut;
      if (room <= 0) return;
      const part = chunk.length > room ? chunk.subarray(0, room) : chunk;
      entry.bytesOut += part.length;
      const flowing = res.write(part);
      if (entry.bytesOut >= limit) cut();
      else if (!flowing) {
        upstream.pause();
        res.once('drain', () => upstream.resume());
      }
    });
    // The upstream's body was shorter than the cut: pass its end on.
    upstream.on('end', () => {
      if (entry.bytesOut < limit) res.end();
    });
  }

  function answerStatus(req: http.IncomingMessage, res: http.ServerResponse, entry: LogEntry, spec: Extract<Fault, { fault: 'status' }>): void {
    answered(entry, spec.status);
    const code = spec.code ?? DEFAULT_CODES[spec.status] ?? (spec.status >= 500 ? 'UNKNOWN' : 'UNSUPPORTED');
    const message = spec.message ?? `${name}: injected ${spec.status}`;
    const headers: Record<string, string> = {};
    if (spec.status === 401) headers['WWW-Authenticate'] = 'Basic realm="fault-proxy"';
    Object.assign(headers, spec.headers);
    // Answered once the request body is read, as a registry does: a client still writing its body
    // when the answer comes may report a broken pipe instead of the status.
    req.resume();
    req.on('end', () => {
      const body = JSON.stringify(spec.body ?? registryError(code, message));
      entry.bytesOut = Buffer.byteLength(body);
      sendJson(res, spec.status, body, headers);
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const address = `127.0.0.1:${port}`;

  let closing: Promise<void> | undefined;
  return {
    address,
    url: `http://${address}/`,
    name,
    add(spec) {
      const rule = new ActiveRule(spec.name ?? `${spec.fault}#${++ruleCount}`, spec);
      rules.push(rule);
      return rule;
    },
    remove(rule) {
      const index = rules.findIndex(r => r === rule);
      if (index >= 0) rules.splice(index, 1);
    },
    clear() {
      rules.length = 0;
    },
    rules: () => [...rules],
    log,
    waitFor(condition, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!condition()) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`${name}: condition not met within ${timeoutMs} ms; log: ${JSON.stringify(log.slice(-10))}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      closing ??= new Promise<void>(resolve => {
        for (const timer of timers) clearTimeout(timer);
        timers.clear();
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
        for (const socket of sockets) socket.destroy();
        agent.destroy();
      });
      return closing;
    }
  };
}

/** The headers of a raw list minus the hop-by-hop ones (and any named in `drop`). */
function forwardedHeaders(raw: string[], drop: string[] = []): string[] {
  const out: string[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const key = raw[i].toLowerCase();
    if (HOP_BY_HOP.has(key) || drop.includes(key)) continue;
    out.push(raw[i], raw[i + 1]);
  }
  return out;
}

export function registryError(code: string, message: string): { errors: { code: string; message: string }[] } {
  return { errors: [{ code, message }] };
}

function sendJson(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(Buffer.byteLength(text)) });
  res.end(text);
}
