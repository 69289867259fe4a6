// A TCP listener on loopback that accepts connections and never writes a byte: a BuildKit endpoint
// (or any service) that is up and never answers, so the fault suite can prove what a client's
// connect, handshake and call timeouts really are. What clients send is read and dropped, so
// their writes never block and the test sees they did speak.
import * as net from 'node:net';

export interface SilentListener {
  /** host:port, e.g. for `tcp://${address}` as a BuildKit endpoint. */
  address: string;
  port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Connections open now. */
  readonly open: number;
  /** Bytes received over all connections. */
  readonly bytesReceived: number;
  /** Resolves once `count` connections have been accepted; rejects after timeoutMs. */
  waitForConnections(count: number, timeoutMs?: number): Promise<void>;
  /** Ends every connection and stops listening. */
  close(): Promise<void>;
}

export async function startSilentListener(options: { port?: number } = {}): Promise<SilentListener> {
  const sockets = new Set<net.Socket>();
  let connections = 0;
  let bytesReceived = 0;
  const waiters = new Set<() => void>();
  const server = net.createServer(socket => {
    connections++;
    sockets.add(socket);
    socket.on('data', chunk => (bytesReceived += chunk.length));
    socket.on('error', () => undefined); // a client's reset is expected, not a failure of ours
    socket.on('close', () => sockets.delete(socket));
    for (const check of [...waiters]) check();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as net.AddressInfo;
  let closing: Promise<void> | undefined;
  return {
    address: `127.0.0.1:${port}`,
    port,
    get connections() {
      return connections;
    },
    get open() {
      return sockets.size;
    },
    get bytesReceived() {
      return bytesReceived;
    },
    waitForConnections(count, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (connections < count) return;
          waiters.delete(check);
          clearTimeout(timer);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`silent listener: ${connections} of ${count} connections within ${timeoutMs} ms`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    close() {
      closing ??= new Promise<void>(resolve => {
        server.close(() => {
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    }
  };
}
