// The plan: what the runner executes, in order. Built by pure functions from Config, the trust
// Policy and the probed Facts.
import type { PlanFile } from '../files.js';
import type { TimeLimit } from '../time-limit.js';

/** The files a plan writes: their type lives with the code that writes them. */
export type { PlanFile };

export type Phase =
  'restore' | 'login' | 'lookup' | 'pull' | 'prebuild' | 'fill' | 'build-builder' | 'build-final' | 'push' | 'publish' | 'copy' | 'read-back';
/** How the image came to be: the pull path, the buildx path, or a copy of latest (nothing built). */
export type Strategy = 'pull' | 'buildx' | 'copy';

/**
 * What a failed step means:
 * - `stop`: the job fails (a build or a push).
 * - `warn`: a cache that misbehaves; warn and go on, the build can succeed without it.
 */
export type OnFailure = 'stop' | 'warn';

export interface Step {
  id: string;
  phase: Phase;
  title: string;
  /** argv[0] is the program. Never holds a secret: those go by stdin or files. */
  argv: string[];
  env?: Record<string, string>;
  cwd?: string;
  /** Text for the step's standard input, named so the plan holds no secret itself. */
  stdin?: 'registry-password';
  /** Every step is bounded: look-ups in total time, builds and pushes by inactivity. */
  limit: TimeLimit;
  onFailure: OnFailure;
  /** A registry error that passes (5xx, a reset connection, a blob not yet visible): try again, this many times more. */
  retries?: number;
  /** For look-ups of cache tags: a tag that does not exist yet is normal (first build). */
  missingIsNormal?: boolean;
  /**
   * For builds: parse BuildKit's plain progress, and read the image id from `iidfile`, or the image id,
   * the pushed digest and the cache manifest from buildx's `metadataFile`. `cacheFrom`/`cacheTo` are the
   * registry cache refs the build reads and writes.
   */
  build?: { iidfile?: string; metadataFile?: string; stage: string; cacheFrom?: string[]; cacheTo?: string };
  /**
   * Under `cache-strategy: auto`: a failure of this step for a builder reason (not the Dockerfile's),
   * before anything was pushed, switches the run to the pull path.
   */
  fallback?: boolean;
  /** For read-backs: the folder BuildKit's tar was unpacked into, and the runner folder it replaces. */
  extract?: { from: string; to: string };
  /**
   * For copies in the registry: the manifest (`name@digest`) put under the tags by the registry's HTTP
   * API first (a few milliseconds, where `argv` starts buildx); `argv` runs when that cannot be done.
   */
  registryCopy?: { source: string; targets: string[] };
  /** For pushes: the reference pushed, whose digest the registry reports. */
  pushRef?: string;
  /** Every reference the step pushes, when it pushes more than `pushRef`. */
  pushedRefs?: string[];
  /** What the user should check when the step fails. */
  hint?: string;
  /**
   * Runs at the same time as the steps next to it that are concurrent too (pushes of different
   * images). Their conditions are read before any of them starts; each one's output is printed, in
   * plan order, when all are done.
   */
  concurrent?: boolean;
  /** Run the step only when this holds for the steps before it; otherwise it is skipped, and why. */
  when?: { condition: Condition; otherwise: string };
}

/** A fact about steps already run, which decides whether a later step runs. */
export type Condition =
  /** That build reported every step of the stage (not its FROM) as cached. */
  | { stageCached: { step: string; stage: string } }
  /** That step ran and succeeded. */
  | { succeeded: string }
  | { not: Condition };

export interface Refs {
  commit: string;
  /** The default branch's latest: read for its inline cache and its labels; moved only when `moveLatest`. */
  latest: string;
  /** The trust policy lets latest move (the check that it never moves backwards comes before the push). */
  moveLatest: boolean;
  /** Extra tags (full references), pushed after the commit tag. */
  extra: string[];
  /** The cache tag this run writes: the builder stage's (pull path) or the registry cache (buildx). */
  cacheWrite?: string;
  /** The cache tags read, own branch's first (those the registry failed to answer for left out). */
  cacheRead: string[];
  /** latest answered (or is simply missing): the pull path reads its inline cache. */
  latestReadable: boolean;
}

export interface Plan {
  strategy: Strategy;
  refs: Refs;
  /** Build the image and push its commit tag and its cache tag. */
  steps: Step[];
  /** After the outputs are written: read the Go caches back from the builder (warnings only). */
  readBack: Step[];
  /** The Go caches are saved in the post step when the build and the read-back succeed. */
  saveGoCaches: boolean;
  /** After an exact hit: a delta of what the build compiled beyond the key's entry is saved (when it holds something new). */
  saveGoDelta?: boolean;
  files: PlanFile[];
  /** Why the plan is as it is, for the log and the summary. */
  notes: string[];
  /** Why this strategy was used: what auto found, or why it fell back (the `strategy-reason` output). */
  reason?: string;
  /** Set when auto fell back to this strategy from the other: a warning, not just a note. */
  fellBack?: boolean;
  /** Said as warnings before the build (a stage that would run under emulation). */
  warnings?: string[];
}
