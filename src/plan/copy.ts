// No build at all: latest was built from exactly these inputs (src/context-hash.ts), so the new
// commit's tag (and the extra tags) name latest's image, by a copy of its manifest in the registry:
// no layer moves within a repository; a carbon copy (--prefer-index=false), the same digest, where
// imagetools would otherwise wrap a single image in a new index. Pure.
import type { Config } from '../config.js';
import { limits, pushHint, refsFor, tagOf } from './common.js';
import type { Policy } from '../trust.js';
import type { Refs, Step } from './types.js';

export function planCopy(config: Config, policy: Policy, latestDigest: string): { refs: Refs; steps: Step[] } {
  const refs = refsFor(config, policy, 'pull');
  const targets = [refs.commit, ...refs.extra];
  const source = `${config.image.name}@${latestDigest}`;
  return {
    refs,
    steps: [
      {
        id: 'copy',
        phase: 'copy',
        title: `Tag ${targets.map(tagOf).join(', ')} with latest's image`,
        argv: ['docker', 'buildx', 'imagetools', 'create', '--prefer-index=false', ...targets.flatMap(ref => ['--tag', ref]), source],
        registryCopy: { source, targets },
        limit: limits(config).activity,
        onFailure: 'stop',
        retries: 2,
        pushRef: refs.commit,
        pushedRefs: targets,
        hint: pushHint(config)
      }
    ]
  };
}
