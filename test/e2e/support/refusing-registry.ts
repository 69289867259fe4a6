// A loopback registry that refuses cache exports: a proxy in front of the stack's registry that
// answers 403 DENIED to every manifest PUT whose tag matches `refuse`, as registries do that reject
// the OCI cache manifest, and passes everything else through (same storage, same Host header, so
// the registry's upload Locations point back at the proxy).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RefusingRegistry {
  /** host:port of the proxy, to use as an image's registry. */
  address: string;
  /** The manifest PUTs refused so far (paths). */
  refused: string[];
  close(): Promise<void>;
}

export async function startRefusingRegistry(upstream: string, refuse: RegExp): Promise<RefusingRegistry> {
  const [upstreamHost, upstreamPort] = upstream.split(':');
  const refused: string[] = [];
  const server = http.createServer((req, res) => {
    const manifest = /^\/v2\/(.+)\/manifests\/([^/?]+)/.exec(req.url ?? '');
    if (req.method === 'PUT' && manifest && refuse.test(manifest[2])) {
      refused.push(req.url ?? '');
      req.resume();
      req.on('end', () => {
        res.writeHead(403, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ errors: [{ code: 'DENIED', message: 'this registry does not accept cache manifests' }] }));
      });
      return;
    }
    const forward = http.request(
      { host: upstreamHost, port: Number(upstreamPort), method: req.method, path: req.url, headers: req.headers },
      answer => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      }
    );
    forward.on('error', error => {
      res.writeHead(502);
      res.end(error.message);
    });
    req.pipe(forward);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    address: `127.0.0.1:${port}`,
    refused,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      })
  };
}
