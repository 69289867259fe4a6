// Which strategy serves this build, from the config and the facts.
import type { Config } from '../config.js';
import { buildkitProblem, type Facts } from '../facts.js';
import type { GoCacheState } from './go.js';
import { planPull } from './pull.js';
import type { Plan } from './types.js';

export function choosePlan(config: Config, facts: Facts, go?: GoCacheState): Plan {
  const problem = buildkitProblem(facts);
  if (problem) throw new Error(`BuildKit is not available: ${problem}`);
  if (config.cacheStrategy === 'buildx') {
    throw new Error("Input 'cache-strategy': 'buildx' is not supported yet; use 'pull' or 'auto'");
  }
  const plan = planPull(config, facts, go);
  if (config.cacheStrategy === 'auto') plan.notes.unshift('cache-strategy auto: the pull path (inline cache on the builder and latest tags)');
  return plan;
}
