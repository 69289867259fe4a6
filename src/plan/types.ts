// The plan: what the runner executes, in order. Built by pure functions from Config and Facts.

export type Phase = 'restore' | 'login' | 'pull' | 'prebuild' | 'inject' | 'build-final' | 'lookup' | 'build-builder' | 'push' | 'extract';
export type Strategy = 'pull' | 'buildx';

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
  onFailure: OnFailure;
  /** For pulls of previous tags: a tag that does not exist yet is normal (first build). */
  missingIsNormal?: boolean;
  /**
   * For builds: parse BuildKit's plain progress, and read the image id from `iidfile`, or the image id,
   * the pushed digest and the cache manifest from buildx's `metadataFile`. `cacheFrom`/`cacheTo` are the
   * registry cache refs the build reads and writes (buildx path).
   */
  build?: { iidfile?: string; metadataFile?: string; stage: string; cacheFrom?: string[]; cacheTo?: string };
  /**
   * Under `cache-strategy: auto`: a failure of this step for a builder or cache reason (not the
   * Dockerfile's) switches the run to the other strategy; so does a refused cache export.
   */
  fallback?: boolean;
  /** For extractions: the folder BuildKit exported the cache mount to, and the runner folder it replaces. */
  extract?: { from: string; to: string };
  /** For pushes: the reference pushed, whose digest the registry reports. */
  pushRef?: string;
  /** Every reference the step pushes, when it pushes more than `pushRef` (buildx --push of all tags). */
  pushedRefs?: string[];
  /** What the user should check when the step fails. */
  hint?: string;
  /**
   * Runs at the same time as the steps next to it that are concurrent too (the pushes: two images'
   * layers upload in half the time of one after the other). Their conditions are read before any of
   * them starts; each one's output is printed, in plan order, when all are done.
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

/**
 * Files the runner writes (mode 0600) before the steps: generated Dockerfiles (`content`) and
 * BuildKit secrets (`secretId`: the value comes from the config, and the file is removed after).
 */
export interface PlanFile {
  path: string;
  content?: string;
  secretId?: string;
}

export interface Refs {
  /** The builder stage's tag; none in prebuild mode without a builder stage. */
  builder?: string;
  latest: string;
  commit: string;
  /** Every tag of the final image: commit, latest, then the extra tags. */
  finalTags: string[];
  /** What is pushed, in order: the builder tag first, so the next run has it. */
  pushed: string[];
  /** Buildx path: the registry cache ref (every stage, mode=max). */
  cache?: { final: string };
}

export interface Plan {
  strategy: Strategy;
  refs: Refs;
  steps: Step[];
  files: PlanFile[];
  /** Why the plan is as it is, for the log and the summary. */
  notes: string[];
  /** Why this strategy was used: what auto found, or why it fell back (the `strategy-reason` output). */
  reason?: string;
  /** Set when auto fell back to this strategy from the other: a warning, not just a note. */
  fellBack?: boolean;
}
