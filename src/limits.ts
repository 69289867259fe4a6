// The time limit of each kind of external call, from the inputs lookup-timeout and idle-timeout.
import type { Config } from './config.js';
import type { TimeLimit } from './time-limit.js';

/** Bootstrapping a builder may have to start a container: this many look-up limits. */
const BOOTSTRAP_FACTOR = 4;

export interface Limits {
  /** Registry look-ups, probes, git: short, in total time. */
  lookup: TimeLimit;
  /** Starting a buildx builder. */
  bootstrap: TimeLimit;
  /** Builds, pushes, cache work: long, but never silent for long. */
  activity: TimeLimit;
}

export function limits(config: Pick<Config, 'timeouts'>): Limits {
  return {
    lookup: { totalMs: config.timeouts.lookupMs },
    bootstrap: { totalMs: config.timeouts.lookupMs * BOOTSTRAP_FACTOR },
    activity: { idleMs: config.timeouts.idleMs }
  };
}
