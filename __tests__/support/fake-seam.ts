// A fake of the process seam (src/run/process.ts) for tests of main and post without Docker: each
// command is answered by the first handler that matches its argv, and every request is recorded.
import * as fs from 'node:fs';
import type { ProcessRequest, ProcessResult } from '../../src/run/process.js';

export interface Answer {
  exitCode?: number;
  /** Lines the command prints (to onLine, and into the tail). */
  lines?: string[];
  stdout?: string;
  timedOut?: string;
  /** Files the command writes (an iidfile, buildx's metadata file). */
  files?: Record<string, string>;
}

export type Handler = { match: RegExp | ((argv: string[]) => boolean); answer: Answer | ((request: ProcessRequest) => Answer) };

export class FakeProcesses {
  readonly calls: ProcessRequest[] = [];
  private handlers: Handler[] = [];

  on(match: Handler['match'], answer: Handler['answer']): this {
    this.handlers.unshift({ match, answer });
    return this;
  }

  /** The commands run, as one line each, for exact assertions on the story of a run. */
  commands(): string[] {
    return this.calls.map(c => c.argv.join(' '));
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- async as the real seam is: a throw here is a rejection.
  async run(request: ProcessRequest): Promise<ProcessResult> {
    this.calls.push(request);
    const line = request.argv.join(' ');
    const handler = this.handlers.find(h => (h.match instanceof RegExp ? h.match.test(line) : h.match(request.argv)));
    if (!handler) throw new Error(`fake seam: no answer for ${line}`);
    const answer = typeof handler.answer === 'function' ? handler.answer(request) : handler.answer;
    for (const [file, content] of Object.entries(answer.files ?? {})) fs.writeFileSync(file, content);
    const lines = answer.lines ?? (answer.stdout ? answer.stdout.split('\n') : []);
    for (const l of lines) request.onLine?.(l);
    return {
      exitCode: answer.timedOut ? -1 : (answer.exitCode ?? 0),
      durationMs: 1,
      stdout: request.captureStdout ? (answer.stdout ?? lines.join('\n')) : '',
      tail: lines.slice(-40),
      timedOut: answer.timedOut
    };
  }
}

/** The value after a flag in an argv. */
export function flag(argv: string[], name: string): string {
  const i = argv.indexOf(name);
  if (i < 0) throw new Error(`no ${name} in ${argv.join(' ')}`);
  return argv[i + 1];
}
