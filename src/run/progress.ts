// BuildKit's `--progress=plain` output, read line by line into the steps (vertices) it reports.

export interface Vertex {
  /** BuildKit's vertex number in this build (#N). */
  id: number;
  name: string;
  /** For Dockerfile steps (`[stage i/n] INSTRUCTION`): the stage, the position and the instruction. */
  stage?: string;
  /** In a build of several platforms, the platform the step is for (`linux/arm64`, `linux/amd64->arm64`). */
  platform?: string;
  position?: string;
  instruction?: string;
  status: 'running' | 'cached' | 'done' | 'error' | 'canceled';
  seconds?: number;
  error?: string;
}

const LINE = /^#(\d+) (.*)$/;
const DONE = /^DONE (\d+(?:\.\d+)?)s$/;
/** `[stage i/n] INSTRUCTION`, with the platform first in a build of several (`[linux/arm64 builder 6/7]`, `[linux/amd64->arm64 builder 6/7]`). */
const STEP = /^\[(?:([a-z0-9]+\/[^\s\]]+) )?([^\s\]/]+) (\d+\/\d+)\] (.*)$/;

/**
 * A layer download (`sha256:… 67MB / 67MB`) or extraction: how BuildKit shows a step's result coming
 * from a registry cache. Not the bare `sha256:…` line older BuildKit prints under every step (its digest).
 */
const PUSHED = /^pushing manifest for (\S+?)@sha256:[0-9a-f]{64}(?: [\d.]+s)? done$/;

const LAYER = /^(?:extracting sha256:[0-9a-f]{64}|sha256:[0-9a-f]{64} \S+ \/ \S+)/;

export class ProgressReader {
  private readonly vertices = new Map<number, Vertex>();
  /** Steps (not FROM) whose output was only their layers being fetched: answered by a remote cache. */
  private readonly fetchedOnly = new Set<number>();
  private readonly ran = new Set<number>();
  private readonly pushedRefs: string[] = [];

  /** Feed one line of output; lines that are not progress are ignored. */
  line(text: string): void {
    const match = LINE.exec(text.trimEnd());
    if (!match) return;
    const id = Number(match[1]);
    const rest = match[2];
    const vertex = this.vertices.get(id);
    if (!vertex) {
      this.vertices.set(id, newVertex(id, rest));
      return;
    }
    const pushed = PUSHED.exec(rest);
    if (pushed && !this.pushedRefs.includes(pushed[1])) this.pushedRefs.push(pushed[1]);
    if (LAYER.test(rest)) {
      if (vertex.instruction && !vertex.instruction.startsWith('FROM ')) this.fetchedOnly.add(id);
    } else if (/^\d+\.\d+ /.test(rest)) {
      // A timestamped log line: the step's command ran here.
      this.ran.add(id);
    }
    if (rest === 'CACHED') vertex.status = 'cached';
    else if (rest === 'CANCELED') vertex.status = 'canceled';
    else if (rest.startsWith('ERROR')) {
      vertex.status = 'error';
      vertex.error = rest.replace(/^ERROR:?\s*/, '');
    } else {
      const done = DONE.exec(rest);
      if (done) {
        // A step answered from a registry cache is reported CACHED and then DONE while its layers are
        // pulled, or only with the pull and DONE: either way it stays cached, and the time is the pull's.
        const fromCache = vertex.status === 'cached' || (this.fetchedOnly.has(id) && !this.ran.has(id));
        vertex.status = fromCache ? 'cached' : 'done';
        vertex.seconds = Number(done[1]);
      }
    }
  }

  /** References BuildKit finished pushing (`pushing manifest for REF@sha256:… done`). */
  pushed(): string[] {
    return [...this.pushedRefs];
  }

  all(): Vertex[] {
    return [...this.vertices.values()].sort((a, b) => a.id - b.id);
  }

  /** The Dockerfile steps (not BuildKit's internal work), in the order BuildKit numbered them. */
  steps(): Vertex[] {
    return this.all().filter(v => v.stage !== undefined && v.stage !== 'internal');
  }
}

function newVertex(id: number, name: string): Vertex {
  const step = STEP.exec(name);
  if (!step) return { id, name, status: 'running' };
  return { id, name, ...(step[1] ? { platform: step[1] } : {}), stage: step[2], position: step[3], instruction: step[4], status: 'running' };
}

/**
 * A step whose result came from the cache: CACHED or, in a build that succeeded, CANCELED, which
 * BuildKit reports for a step it had started when a later step was found in the cache and its result
 * was no longer needed (dockerd 20.10's BuildKit does this at random: the same build once says
 * COPY . . CACHED, once CANCELED). Neither ran to give the image anything. In a build that failed, a
 * CANCELED step was stopped by the failure.
 */
export function answeredByCache(vertex: Vertex, buildFailed = false): boolean {
  return vertex.status === 'cached' || (vertex.status === 'canceled' && !buildFailed);
}

/** True when every step of the stage that runs something (not its FROM) came from the cache. */
export function stageFullyCached(steps: Vertex[], stage: string): boolean {
  const own = steps.filter(v => v.stage === stage && !v.instruction?.startsWith('FROM '));
  return own.length > 0 && own.every(v => answeredByCache(v));
}
