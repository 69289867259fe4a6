// Which strategy serves this build, from the config and the facts; and the other one, when the
// chosen one failed for a reason it can handle. Pure.
import { buildkitProblem, buildxPathProblem } from '../facts.js';
import { builderBuild, planBuildx } from './buildx.js';
import type { BuildCommand } from './go.js';
import type { PlanInput } from './input.js';
import { checkPlatforms } from './platforms.js';
import { ENGINE_BUILD, planPull } from './pull.js';
import type { Plan } from './types.js';

export function choosePlan(input: PlanInput): Plan {
  const { config, facts } = input;
  const problem = buildkitProblem(facts);
  if (problem) throw new Error(`BuildKit is not available: ${problem}`);
  if (config.cacheStrategy === 'pull') return planPull(input);

  const builderTrouble = buildxPathProblem(facts);
  if (config.platforms.length) {
    // Only a builder that exports registry cache builds several platforms into one image here.
    if (builderTrouble) {
      throw new Error(
        `Input 'platforms': ${config.platforms.join(', ')} need the buildx path, and ${builderTrouble}. Use docker/setup-buildx-action (a docker-container builder) or an engine with the containerd image store`
      );
    }
    const check = checkPlatforms(config, facts.builder);
    if (check.error) throw new Error(check.error);
    const plan = withReason(planBuildx(input), `platforms ${config.platforms.join(', ')}: the buildx path on builder ${facts.builder?.name}`);
    return check.warning ? { ...plan, warnings: [check.warning] } : plan;
  }
  if (config.cacheStrategy === 'buildx') {
    if (builderTrouble) throw new Error(`cache-strategy buildx: ${builderTrouble}; or use cache-strategy auto (falls back to the pull path) or pull`);
    return withReason(planBuildx(input), `cache-strategy buildx on builder ${facts.builder?.name}`);
  }
  if (builderTrouble) {
    // A builder the user named that cannot serve is a fallback worth a warning; the docker driver of
    // an engine without setup-buildx is the ordinary case for the pull path.
    const asked = config.builder !== undefined || config.buildkitEndpoint !== undefined;
    const plan = withReason(planPull(input), `cache-strategy auto: the pull path (inline cache), because ${builderTrouble}`);
    return asked ? { ...plan, fellBack: true } : plan;
  }
  return withReason(
    planBuildx(input),
    `cache-strategy auto: the buildx path, because builder ${facts.builder?.name} (${facts.builder?.driver} driver) exports cache to the registry`
  );
}

/** The pull path after the buildx path failed for a builder reason (`reason`), before anything was pushed. */
export function fallbackPlan(input: PlanInput, reason: string): Plan {
  const plan = withReason(planPull(input), `cache-strategy auto: fell back from buildx to the pull path, because ${reason}`);
  return { ...plan, fellBack: true };
}

/** True when the build will run on a buildx builder of its own, where the engine's images are not seen. */
export function buildsOnBuilder(input: Pick<PlanInput, 'config' | 'facts'>): boolean {
  const { config, facts } = input;
  return config.cacheStrategy === 'buildx' || (config.cacheStrategy === 'auto' && buildxPathProblem(facts) === undefined);
}

/** Where a throwaway build reaches the cache mounts the real build will use: the builder's, or the engine's. */
export function mountBuildCommand(input: Pick<PlanInput, 'config' | 'facts'>): BuildCommand {
  const builder = input.facts.builder;
  return buildsOnBuilder(input) && builder ? builderBuild(builder.name) : ENGINE_BUILD;
}

function withReason(plan: Plan, reason: string): Plan {
  return { ...plan, reason, notes: [reason, ...plan.notes] };
}
