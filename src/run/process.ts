// The one seam through which the action starts processes. Every call has a time limit: a total one
// (look-ups, probes) or one on inactivity (builds, pushes, cache work, which may run long but never
// silently for long). A process past its limit is killed with its whole process group. Children get
// the runner's environment without the action's inputs (registry password, BuildKit secrets) and
// without the runner's tokens, unless a request hands them over itself.
import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';

import type { TimeLimit } from '../time-limit.js';

export type { TimeLimit };

export interface ProcessRequest {
  argv: string[];
  /** Added to the (scrubbed) environment of the runner. */
  env?: Record<string, string>;
  cwd?: string;
  /** Written to the process's standard input, then closed. */
  stdin?: string;
  limit: TimeLimit;
  /** Every line of stdout and stderr, as it comes. */
  onLine?: (line: string) => void;
  /** Print `[command]…` and every line to the log (as @actions/exec does). */
  echo?: boolean;
  /** Keep stdout whole (up to MAX_STDOUT bytes), for commands whose output is parsed. */
  captureStdout?: boolean;
  /** Stops the process (and its group) as a limit would, when the work is no longer wanted. */
  cancel?: AbortSignal;
}

export interface ProcessResult {
  /** The exit code; -1 when the process was killed or could not start. */
  exitCode: number;
  durationMs: number;
  /** stdout, when captured. */
  stdout: string;
  /** The last lines of stdout and stderr together, for messages. */
  tail: string[];
  /** Why the process was killed, when it was: its limit, in words. */
  timedOut?: string;
  /** Why it could not start (ENOENT, …). */
  startError?: string;
}

const TAIL_LINES = 40;
/** Children still running: when the job is cancelled, their groups go with the action. */
const running = new Set<ReturnType<typeof spawn>>();
let signalsHooked = false;
function hookSignals(): void {
  if (signalsHooked) return;
  signalsHooked = true;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      for (const child of running) signalGroup(child, 'SIGKILL');
      process.exit(1);
    });
  }
}
const MAX_STDOUT = 16 * 1024 * 1024;
/** After SIGTERM, the group gets this long to go before SIGKILL. */
const KILL_GRACE_MS = 3000;

/** Variables no child needs: the action's inputs (secrets among them) and the runner's tokens. */
export function childEnvironment(parent: NodeJS.ProcessEnv, extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(parent)) {
    if (value === undefined || key.startsWith('INPUT_') || key.startsWith('STATE_') || RUNNER_TOKENS.has(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

const RUNNER_TOKENS = new Set(['ACTIONS_RUNTIME_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_TOKEN', 'ACTIONS_ID_TOKEN_REQUEST_URL']);

export function runProcess(request: ProcessRequest): Promise<ProcessResult> {
  const { argv, limit, echo = false } = request;
  const started = Date.now();
  const tail: string[] = [];
  let stdout = '';
  const take = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    if (echo) process.stdout.write(`${line}\n`);
    request.onLine?.(line);
  };
  if (echo) process.stdout.write(`[command]${argv.join(' ')}\n`);

  return new Promise(resolve => {
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), {
        cwd: request.cwd,
        env: childEnvironment(process.env, request.env),
        stdio: ['pipe', 'pipe', 'pipe'],
        // Its own process group, so a limit kills what it started too (buildx, its plugins, tar).
        detached: true
      });
    } catch (error) {
      resolve({ exitCode: -1, durationMs: 0, stdout: '', tail: [(error as Error).message], startError: (error as Error).message });
      return;
    }
    running.add(child);
    hookSignals();
    let timedOut: string | undefined;
    let startError: string | undefined;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const kill = (why: string): void => {
      if (timedOut || settled) return;
      timedOut = why;
      signalGroup(child, 'SIGTERM');
      timers.push(
        setTimeout(() => {
          signalGroup(child, 'SIGKILL');
        }, KILL_GRACE_MS)
      );
      // A grandchild outside the group may hold the pipes open: stop waiting for them.
      timers.push(
        setTimeout(() => {
          finish(-1);
        }, KILL_GRACE_MS * 2)
      );
    };
    let idle: NodeJS.Timeout | undefined;
    const touch = (): void => {
      if (!limit.idleMs) return;
      if (idle) clearTimeout(idle);
      idle = setTimeout(() => {
        kill(`no output for ${seconds(limit.idleMs as number)}`);
      }, limit.idleMs);
    };
    if (limit.totalMs)
      timers.push(
        setTimeout(() => {
          kill(`still running after ${seconds(limit.totalMs as number)}`);
        }, limit.totalMs)
      );
    touch();
    const onCancel = (): void => {
      kill('cancelled');
    };
    if (request.cancel?.aborted) onCancel();
    else request.cancel?.addEventListener('abort', onCancel, { once: true });

    const finish = (code: number): void => {
      if (settled) return;
      settled = true;
      running.delete(child);
      request.cancel?.removeEventListener('abort', onCancel);
      for (const timer of timers) clearTimeout(timer);
      if (idle) clearTimeout(idle);
      flushAll();
      if (timedOut) take(`killed: ${timedOut}`);
      resolve({ exitCode: timedOut || startError ? -1 : code, durationMs: Date.now() - started, stdout, tail, timedOut, startError });
    };

    const partial = { out: '', err: '' };
    // One decoder a stream: a character whose bytes arrive in two chunks is decoded whole.
    const decoders = { out: new StringDecoder('utf8'), err: new StringDecoder('utf8') };
    const feed = (which: 'out' | 'err', chunk: Buffer): void => {
      touch();
      const text = decoders[which].write(chunk);
      if (which === 'out' && request.captureStdout && stdout.length < MAX_STDOUT) stdout += text;
      const lines = (partial[which] + text).split(/\r?\n/);
      partial[which] = lines.pop() ?? '';
      for (const line of lines) take(line);
    };
    const flushAll = (): void => {
      for (const which of ['out', 'err'] as const) {
        // Bytes of a character the stream never finished: U+FFFD, as a whole decode would give.
        const rest = decoders[which].end();
        if (which === 'out' && request.captureStdout && stdout.length < MAX_STDOUT) stdout += rest;
        partial[which] += rest;
        if (partial[which] !== '') take(partial[which]);
        partial[which] = '';
      }
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      feed('out', chunk);
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      feed('err', chunk);
    });
    child.on('error', error => {
      startError = error.message;
      take(error.message);
      finish(-1);
    });
    child.on('close', code => {
      finish(code ?? -1);
    });
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(request.stdin ?? '');
  });
}

function signalGroup(child: ReturnType<typeof spawn>, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  }
}

/** `12.3 s`: how a limit is named in every message about it. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** The last line that says something, for a one-line reason. */
export function lastLine(lines: string[]): string {
  return (
    [...lines]
      .reverse()
      .find(line => line.trim() !== '')
      ?.trim() ?? 'no output'
  );
}
