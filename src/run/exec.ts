// The only place that spawns processes. Output streams to the log; only a bounded tail is kept.
import * as exec from '@actions/exec';

export interface ExecResult {
  exitCode: number;
  durationMs: number;
  /** The last lines of stdout and stderr together, for error messages. */
  tail: string[];
}

export interface ExecRequest {
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  stdin?: string;
  /** Called with every line of stdout and stderr, as it comes. */
  onLine?: (line: string) => void;
  silent?: boolean;
}

const TAIL_LINES = 40;

export async function execStreaming({ argv, env, cwd, stdin, onLine, silent }: ExecRequest): Promise<ExecResult> {
  const tail: string[] = [];
  const take = (line: string): void => {
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
    onLine?.(line);
  };
  const started = Date.now();
  const exitCode = await exec
    .exec(argv[0], argv.slice(1), {
      env: env ? mergedEnv(env) : undefined,
      cwd,
      input: stdin === undefined ? undefined : Buffer.from(stdin),
      ignoreReturnCode: true,
      silent,
      listeners: { stdline: take, errline: take }
    })
    .catch((error: Error) => {
      take(error.message);
      return 127;
    });
  return { exitCode, durationMs: Date.now() - started, tail };
}

function mergedEnv(extra: Record<string, string>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  return { ...env, ...extra };
}
