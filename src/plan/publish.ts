// After the commit tag and the cache tag are in the registry: latest (when it may move and would not
// move backwards) and the extra tags, all naming the image whose commit tag is already there. Pure.
import { limits, pushHint, tagOf } from './common.js';
import type { PlanInput } from './input.js';
import type { Refs, Step, Strategy } from './types.js';

export interface Publish {
  strategy: Strategy;
  refs: Refs;
  /** The guard's answer: latest moves (the policy allows it, and it would not move backwards). */
  moveLatest: boolean;
  /** The pushed image's digest, which a registry-side copy names. */
  digest?: string;
}

export function planPublish({ config }: Pick<PlanInput, 'config'>, { strategy, refs, moveLatest, digest }: Publish): Step[] {
  const targets = [...(moveLatest ? [refs.latest] : []), ...refs.extra];
  if (targets.length === 0) return [];
  const base = { phase: 'publish' as const, onFailure: 'stop' as const, retries: 2, hint: pushHint(config) };
  if (strategy === 'buildx') {
    // The image is in the builder, not in the engine: copy its manifest in the registry (no layer moves
    // within a repository).
    const source = `${config.image.name}@${digest}`;
    return [
      {
        ...base,
        id: 'publish',
        title: `Tag ${targets.map(tagOf).join(', ')}`,
        argv: ['docker', 'buildx', 'imagetools', 'create', '--prefer-index=false', ...targets.flatMap(ref => ['--tag', ref]), source],
        registryCopy: { source, targets },
        limit: limits(config).activity,
        pushRef: targets[0],
        pushedRefs: targets
      }
    ];
  }
  // One after the other: pushes of one image at once race on its config blob in the registry.
  return targets.map(ref => ({
    ...base,
    id: `publish-${tagOf(ref)}`,
    title: `Push ${ref}`,
    argv: ['docker', 'push', ref],
    limit: limits(config).activity,
    pushRef: ref
  }));
}
