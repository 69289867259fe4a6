// A plain HTTP reverse proxy on loopback that counts the bytes going through it. The benchmark puts
// it in front of the registry: every image name a recipe uses (and the base images, through the
// BASE_REGISTRY build argument) names the proxy's port, so what the engine, BuildKit or buildx pulls
// and pushes is measured on the wire, not estimated. The registry's own Location headers point back
// at the proxy because the Host header is passed through unchanged.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface TrafficCounts {
  /** response bytes of GET requests: manifests and blobs pulled */
  pulled: number;
  /** request body bytes of PUT, PATCH and POST: blobs and manifests pushed */
  pushed: number;
  requests: number;
}

export interface CountingProxy {
  /** host:port, to use as the registry part of image names */
  address: string;
  port: number;
  counts(): TrafficCounts;
  close(): Promise<void>;
}

export async function startCountingProxy(target: { host: string; port: number }, port = 0): Promise<CountingProxy> {
  const totals: TrafficCounts = { pulled: 0, pushed: 0, requests: 0 };
  const agent = new http.Agent({ keepAlive: true, maxSockets: 32 });
  const server = http.createServer((req, res) => {
    totals.requests++;
    const upstream = http.request(
      { host: target.host, port: target.port, method: req.method, path: req.url, headers: req.headers, agent },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.statusMessage, answer.headers);
        if (req.method === 'GET') answer.on('data', (chunk: Buffer) => (totals.pulled += chunk.length));
        answer.pipe(res);
      }
    );
    upstream.on('error', error => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`counting proxy: ${error.message}`);
    });
    if (req.method === 'PUT' || req.method === 'PATCH' || req.method === 'POST') {
      req.on('data', (chunk: Buffer) => (totals.pushed += chunk.length));
    }
    req.pipe(upstream);
  });
  // A TLS probe (BuildKit and the engine try https first on an insecure registry) must get a plain
  // HTTP answer, as the registry itself gives: that is what makes them fall back to http.
  server.on('clientError', (_error, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\nClient sent an HTTP request to an HTTPS server.\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${bound}`,
    port: bound,
    counts: () => ({ ...totals }),
    close: () =>
      new Promise<void>(resolve => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      })
  };
}
