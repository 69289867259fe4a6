// The warm laptop: the developer's own `docker build` of the Dockerfile with Go cache mounts, then
// push. No CI cache of any kind: its warm-machine run is the limit every CI recipe is held against
// (the engine's layer cache and the mounts still hold the last build); on a fresh runner it has nothing.
import { buildAndPush } from './naive.js';
import type { Recipe } from './types.js';

export const laptop: Recipe = {
  id: 'laptop',
  title: 'laptop: docker build with cache mounts',
  how: "`docker build -f Dockerfile.cachemount` + `docker push`, no CI cache: on a warm machine, a developer's incremental build",
  job: ctx => buildAndPush(ctx, ['--file', `${ctx.workspace}/Dockerfile.cachemount`])
};
