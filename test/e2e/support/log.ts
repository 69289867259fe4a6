// Reading the action's log the way a user reads it: by its groups.
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

export function stepStatus(steps: Vertex[], instruction: RegExp): string | undefined {
  return steps.find(v => instruction.test(v.instruction ?? ''))?.status;
}
