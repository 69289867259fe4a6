/**
 * Helpers for tests that use the local cache server with the real
 * @actions/cache library: runner-like env vars, running the server as a
 * separate process (cli.ts), and running saveCache/restoreCache in a separate
 * process (client.ts).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = path.resolve(fileURLToPath(new URL('../../..', import.meta.url)));
export const TSX_BIN = path.join(REPO_ROOT, 'node_modules', '.bin', 'tsx');
export const CLI_PATH = path.join(REPO_ROOT, 'test', 'support', 'cache-server', 'cli.ts');
export const CLIENT_PATH = path.join(REPO_ROOT, 'test', 'support', 'cache-server', 'client.ts');

/** Env vars that change what @actions/cache does; cleared before applying ours. */
export const CACHE_ENV_VARS = [
  'ACTIONS_CACHE_URL',
  'ACTIONS_RESULTS_URL',
  'ACTIONS_RUNTIME_TOKEN',
  'ACTIONS_CACHE_SERVICE_V2',
  'ACTIONS_CACHE_MODE',
  'GITHUB_SERVER_URL', // a non-github.com host forces v1 (GHES)
  'RUNNER_DEBUG', // '1' makes the library list archives and query v1 caches?key= on a miss
  'CACHE_UPLOAD_CONCURRENCY',
  'CACHE_UPLOAD_CHUNK_SIZE',
  'SEGMENT_DOWNLOAD_TIMEOUT_MINS'
] as const;

export interface RunnerDirs {
  /** GITHUB_WORKSPACE: cached paths are archived relative to it */
  workspace: string;
  /** RUNNER_TEMP: the library puts its archives under it */
  runnerTemp: string;
}

/**
 * Env a runner would have for the cache, as a full env object derived from
 * `base` (usually process.env). `cacheVars` is `server.env(protocol)` or the
 * vars printed by cli.ts.
 */
export function runnerEnv(base: NodeJS.ProcessEnv, cacheVars: Record<string, string>, dirs: RunnerDirs): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  for (const k of CACHE_ENV_VARS) delete env[k];
  Object.assign(env, cacheVars);
  env.GITHUB_WORKSPACE = dirs.workspace;
  env.RUNNER_TEMP = dirs.runnerTemp;
  // The Azure SDK (v2 blob upload) does not bypass proxies for loopback by itself.
  const noProxy = [base.NO_PROXY ?? base.no_proxy, '127.0.0.1', 'localhost'].filter(Boolean).join(',');
  env.NO_PROXY = noProxy;
  env.no_proxy = noProxy;
  return env;
}

/** Apply runnerEnv(...) to this process (the library reads process.env on every call). */
export function applyRunnerEnv(cacheVars: Record<string, string>, dirs: RunnerDirs): void {
  const next = runnerEnv(process.env, cacheVars, dirs);
  for (const k of Object.keys(process.env)) if (!(k in next)) delete process.env[k];
  for (const [k, v] of Object.entries(next)) if (v !== undefined) process.env[k] = v;
}

export interface CacheServerProcess {
  child: ChildProcess;
  /** the KEY=VALUE vars printed by the CLI */
  env: Record<string, string>;
  /** base URL with trailing slash */
  url: string;
  stderr(): string;
  /** SIGTERM and wait; resolves with the exit code */
  stop(): Promise<number | null>;
}

/** Start cli.ts in its own process and wait until it prints its env vars. */
export async function startCacheServerProcess(opts: {
  dir: string;
  port?: number;
  protocol?: 'v1' | 'v2';
  args?: string[];
  timeoutMs?: number;
}): Promise<CacheServerProcess> {
  const args = [CLI_PATH, '--dir', opts.dir, '--port', String(opts.port ?? 0), '--protocol', opts.protocol ?? 'v2', ...(opts.args ?? [])];
  const child = spawn(TSX_BIN, args, { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>(resolve =>
    child.once('exit', code => {
      resolve(code);
    })
  );
  const env = await new Promise<Record<string, string>>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`cache server did not start within ${opts.timeoutMs ?? 30000} ms: ${stderr}`));
    }, opts.timeoutMs ?? 30000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (/^# ready$/m.test(stdout)) {
        clearTimeout(timer);
        const vars: Record<string, string> = {};
        for (const line of stdout.split('\n')) {
          const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
          if (m) vars[m[1]] = m[2];
        }
        resolve(vars);
      }
    });
    void exited.then(code => {
      clearTimeout(timer);
      reject(new Error(`cache server exited with ${code}: ${stderr}`));
    });
  });
  return {
    child,
    env,
    url: env.ACTIONS_CACHE_URL,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      return exited;
    }
  };
}

export interface ClientResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
  /** what the library returned / threw; undefined if the process crashed before writing it */
  outcome?: { op: 'save' | 'restore'; result: string | number | null; threw: boolean; error?: { name: string; message: string }; elapsedMs: number };
}

/** Run the real saveCache / restoreCache in a separate process with the given env. */
export async function runCacheClient(opts: {
  op: 'save' | 'restore';
  paths: string[];
  key: string;
  restoreKeys?: string[];
  lookupOnly?: boolean;
  env: NodeJS.ProcessEnv;
  /** directory for the result file */
  outDir: string;
  /** aborting kills the child (SIGTERM) */
  signal?: AbortSignal;
}): Promise<ClientResult> {
  await fsp.mkdir(opts.outDir, { recursive: true });
  const out = path.join(opts.outDir, `client-${opts.op}-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}.json`);
  const args = [CLIENT_PATH, opts.op, '--key', opts.key, '--out', out];
  for (const p of opts.paths) args.push('--path', p);
  for (const r of opts.restoreKeys ?? []) args.push('--restore-key', r);
  if (opts.lookupOnly) args.push('--lookup-only');
  const started = Date.now();
  const child = spawn(TSX_BIN, args, { cwd: REPO_ROOT, env: opts.env, stdio: ['ignore', 'pipe', 'pipe'], signal: opts.signal });
  child.on('error', () => undefined); // an abort surfaces as exit code / signal below
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(resolve =>
    child.once('exit', (code, sig) => {
      resolve([code, sig]);
    })
  );
  let outcome: ClientResult['outcome'];
  try {
    outcome = JSON.parse(await fsp.readFile(out, 'utf8')) as ClientResult['outcome'];
  } catch {
    outcome = undefined;
  }
  return { exitCode, signal, stdout, stderr, elapsedMs: Date.now() - started, outcome };
}
