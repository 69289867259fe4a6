// Everything a plan is made from: the inputs, the trust policy, what was probed, what the registry
// said of latest, and what the Go cache restore found.
import type { Config } from '../config.js';
import type { Facts } from '../facts.js';
import type { Policy } from '../trust.js';
import type { GoCacheState } from '../cache/go-cache.js';

/** This build's inputs hash and what latest's label says of it. */
export interface InputsComparison {
  /** The inputs label's value: the hash (salted at random when not exact), or unknownInputsHash() when none was made. */
  hash: string;
  /** latest was built from the same inputs: every step should come from the layer cache. */
  unchanged: boolean;
  /** What was found, for the log and the summary. */
  note: string;
}

export interface PlanInput {
  config: Config;
  policy: Policy;
  facts: Facts;
  inputs: InputsComparison;
  go?: GoCacheState;
  /** Cache tags the registry failed to answer for (5xx, 401, no answer): left out of the build's cache sources. */
  unreadable?: string[];
  /** Cache tags the registry had before this build (the look-up before it). */
  present?: string[];
}
