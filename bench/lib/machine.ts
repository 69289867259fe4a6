// The machine the recipes run on: the stack (engine, registry, base images) from scripts/stack.sh,
// the benchmark's own module proxy and counting registry proxy, and on demand a standalone
// buildkitd with a `remote` buildx builder. The engine is the stack's STACK_ENGINE (default docker28):
// the benchmark wipes and uses that engine only.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { ROOT, stackUp } from '../../test/e2e/support/stack.js';
import { startCountingProxy, type CountingProxy } from './counting-proxy.js';

const STACK = path.join(ROOT, 'scripts/stack.sh');
const BUILDKITD = path.join(ROOT, 'scripts/buildkitd.sh');

export interface Machine {
  /** the registry as the recipes see it: the counting proxy in front of the stack's registry */
  registry: CountingProxy;
  /** the benchmark's own module proxy (same modules as the stack's; its own counters) */
  goproxy: string;
  /** the remote buildx builder, when a recipe needs one */
  builder?: BuildkitBuilder;
  close(): Promise<void>;
}

export interface BuildkitBuilder {
  name: string;
  /** a fresh runner's builder: no cache, no state */
  fresh(): void;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => {
        resolve(port);
      });
    });
  });
}

export async function startMachine(options: { registryPort?: number; buildx: boolean }): Promise<Machine> {
  stackUp('tests');
  const registryUpstream = process.env.STACK_REGISTRY ?? '127.0.0.1:5000';
  const [host, port] = registryUpstream.split(':');
  const registry = await startCountingProxy({ host, port: Number(port) }, options.registryPort ?? 0);
  const { url: goproxy, child: modproxy } = await startModuleProxy();
  const builder = options.buildx ? startBuilder(registry.address, registryUpstream) : undefined;
  return {
    registry,
    goproxy,
    builder,
    async close() {
      await registry.close();
      modproxy.kill('SIGTERM');
    }
  };
}

/** scripts/modproxy.mjs on a port of its own, so the shared proxy's counters are left to the tests. */
async function startModuleProxy(): Promise<{ url: string; child: ChildProcess }> {
  const dir = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'gomodcache-seed/cache/download');
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(ROOT, 'scripts/modproxy.mjs'), '--dir', dir, '--host', '127.0.0.1', '--port', String(port)], {
    stdio: 'ignore'
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${url}/_stats`)).ok) return { url, child };
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 100));
  }
  child.kill('SIGTERM');
  throw new Error(`the benchmark's module proxy did not start on ${url}`);
}

/**
 * A standalone buildkitd (scripts/buildkitd.sh, with a state folder of its own) behind a `remote`
 * buildx builder: the docker driver cannot export registry cache.
 */
function startBuilder(...registries: string[]): BuildkitBuilder {
  const stackDir = process.env.STACK_DIR ?? path.join(ROOT, '.stack');
  const dir = process.env.BENCH_BUILDKITD_DIR ?? path.join(stackDir, 'bench-buildkitd');
  const env = { ...process.env, BUILDKITD_DIR: dir, REGISTRY: registries.join(' ') };
  const name = process.env.BENCH_BUILDX_BUILDER ?? 'cib-bench';
  const up = () => execFileSync('bash', [BUILDKITD, 'up'], { env, stdio: 'ignore' });
  // The config names the counting proxy's port: restart so it is read.
  execFileSync('bash', [BUILDKITD, 'down'], { env, stdio: 'ignore' });
  up();
  const addr = execFileSync('bash', [BUILDKITD, 'addr'], { env, encoding: 'utf8' }).trim();
  try {
    execFileSync('docker', ['buildx', 'rm', name], { stdio: 'ignore' });
  } catch {
    // not there yet
  }
  execFileSync('docker', ['buildx', 'create', '--name', name, '--driver', 'remote', addr], { stdio: 'ignore' });
  return {
    name,
    fresh() {
      execFileSync('bash', [BUILDKITD, 'down'], { env, stdio: 'ignore' });
      fs.rmSync(path.join(dir, 'root'), { recursive: true, force: true });
      up();
    }
  };
}

/** Local Docker state as a fresh runner has it (the stack's engine). */
export function wipeEngine(): void {
  execFileSync('bash', [STACK, 'wipe-runner'], { stdio: 'ignore' });
}

/** Pause after a wipe, so that the disk's own clean-up is not timed as part of the next job. */
const SETTLE_MS = 5000;

/**
 * After a wipe: flush what it left to the disk and pause. Measured on this VM: the 120 MB Go cache
 * archive of bench-svc unpacks in 1.3 s on a quiet disk, in 3.3 s right after the engine was wiped,
 * and in 6-16 s when the runner home it unpacks into was also deleted just before (so the bench moves
 * that aside instead). A fresh runner starts on a quiet disk.
 */
export async function settleDisk(): Promise<void> {
  execFileSync('sync');
  await new Promise(resolve => setTimeout(resolve, SETTLE_MS));
}

/** Remove a folder Go or tar may have made read-only. */
export function removeTree(dir: string): void {
  if (!fs.existsSync(dir)) return;
  execFileSync('chmod', ['-R', 'u+w', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}
