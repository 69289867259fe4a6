// Reading the action's log the way a user reads it: by its groups.
import { DockerfileParser } from 'dockerfile-ast';
import { ProgressReader, type Vertex } from '../../../src/run/progress.js';

/** The lines logged inside `::group::TITLE` … `::endgroup::`. */
export function groupLines(log: string, title: string): string[] {
  const lines = log.split('\n');
  const start = lines.findIndex(line => line.trim() === `::group::${title}`);
  if (start < 0) return [];
  const end = lines.findIndex((line, i) => i > start && line.trim() === '::endgroup::');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** The Dockerfile steps BuildKit reported inside a group. */
export function buildSteps(log: string, title: string): Vertex[] {
  const reader = new ProgressReader();
  for (const line of groupLines(log, title)) reader.line(line);
  return reader.steps();
}

/** The titles of the log's groups, in order. */
export function groupTitles(log: string): string[] {
  return [...log.matchAll(/^::group::(.*)$/gm)].map(m => m[1].trim());
}

/**
 * The title of the first build group that reached a stage: on the pull path the builder stage is
 * built first unless latest was built from the same inputs; a later build only reads the cache it left.
 */
export function stageBuildTitle(log: string, stage: string): string {
  const title = groupTitles(log).find(t => /^Build /.test(t) && buildSteps(log, t).some(v => v.stage === stage));
  if (!title) throw new Error(`no build in the log reached stage ${stage}`);
  return title;
}

/** The steps of one stage as the first build that reached it reported them. */
export function stageBuildSteps(log: string, stage: string): Vertex[] {
  return buildSteps(log, stageBuildTitle(log, stage)).filter(v => v.stage === stage);
}

export function stepStatus(steps: Vertex[], instruction: RegExp): string | undefined {
  return steps.find(v => instruction.test(v.instruction ?? ''))?.status;
}

/** What a step printed (BuildKit's `#N 0.123 text` lines, timestamps dropped) inside a group. */
export function stepOutput(log: string, title: string, instruction: RegExp): string[] {
  const lines = groupLines(log, title);
  const header = lines.map(line => /^#(\d+) \[[^\]]+\] (.*)$/.exec(line)).find(m => m && instruction.test(m[2]));
  if (!header) return [];
  const prefix = `#${header[1]} `;
  return lines
    .filter(line => line.startsWith(prefix))
    .map(line => line.slice(prefix.length))
    .filter(text => /^\d+\.\d+ /.test(text))
    .map(text => text.replace(/^\d+\.\d+ /, ''));
}

/** Go import paths among lines, as `go build -v` prints the packages it compiles. */
export function compiledPackages(lines: string[]): string[] {
  return lines.map(line => line.trim()).filter(line => /^[a-z0-9][a-z0-9._~\-/]*$/i.test(line) && !line.includes(' '));
}

/** Instructions BuildKit runs as a step of their own (the rest only set metadata). */
const STEP_INSTRUCTIONS = new Set(['RUN', 'COPY', 'ADD', 'WORKDIR']);

/**
 * The steps a stage of a Dockerfile has, as BuildKit names them (`RUN go mod download`), read from
 * the Dockerfile with a parser of its own: what a log's stage must show, not what a fixture happens to hold.
 */
export function dockerfileStageSteps(dockerfile: string, stage: string): string[] {
  const instructions = DockerfileParser.parse(dockerfile).getInstructions();
  const steps: string[] = [];
  let current: string | undefined;
  for (const instruction of instructions) {
    const keyword = instruction.getKeyword().toUpperCase();
    if (keyword === 'FROM') {
      const args = instruction.getArguments().map(a => a.getValue());
      const as = args.findIndex(a => a.toLowerCase() === 'as');
      current = as >= 0 ? args[as + 1] : undefined;
    } else if (current === stage && STEP_INSTRUCTIONS.has(keyword)) {
      steps.push(`${keyword} ${instruction.getArgumentsContent() ?? ''}`.trim());
    }
  }
  if (!steps.length) throw new Error(`the Dockerfile has no steps in stage ${stage}`);
  return steps;
}
