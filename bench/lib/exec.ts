// The one place the benchmark spawns commands: output goes to the run's log file, a failure throws
// with the end of that output.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';

export interface ExecOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** a non-zero exit is expected and fine (a `docker pull` of a tag that does not exist yet) */
  mayFail?: boolean;
  stdin?: string;
  /** kill the command after this long (default 20 minutes): a hung step must not stall the run */
  timeoutMs?: number;
}

export class Log {
  constructor(readonly file: string) {}

  write(text: string): void {
    fs.appendFileSync(this.file, text.endsWith('\n') ? text : `${text}\n`);
  }
}

export async function exec(log: Log, argv: string[], options: ExecOptions = {}): Promise<{ code: number; output: string }> {
  log.write(`$ ${argv.join(' ')}`);
  const started = Date.now();
  const child = spawn(argv[0], argv.slice(1), {
    env: options.env ?? process.env,
    cwd: options.cwd,
    stdio: [options.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe']
  });
  if (options.stdin !== undefined) child.stdin?.end(options.stdin);
  let output = '';
  const take = (chunk: Buffer) => {
    const text = chunk.toString();
    output += text;
    fs.appendFileSync(log.file, text);
  };
  const limit = options.timeoutMs ?? 20 * 60_000;
  const timer = setTimeout(() => {
    log.write(`# killed after ${limit / 1000} s`);
    child.kill('SIGKILL');
  }, limit);
  child.stdout?.on('data', take);
  child.stderr?.on('data', take);
  const code = await new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', c => {
      resolve(c ?? -1);
    });
  }).finally(() => {
    clearTimeout(timer);
  });
  log.write(`# exit ${code} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
  if (code !== 0 && !options.mayFail) {
    throw new Error(`${argv.slice(0, 3).join(' ')} … failed (exit ${code}):\n${output.slice(-3000)}`);
  }
  return { code, output };
}
