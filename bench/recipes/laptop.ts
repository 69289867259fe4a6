// The warm laptop: the developer's own `docker build` of the Dockerfile with Go cache mounts, then
// push. No CI cache of any kind: its warm-machine run is the limit every CI recipe is held against
// (the engine's layer cache and the mounts still hold the last build); on a fresh runner it has nothing.
import { exec } from '../lib/exec.js';
import { buildArgs, type Recipe } from './types.js';

export const laptop: Recipe = {
  id: 'laptop',
  title: 'laptop: docker build with cache mounts',
  how: '`docker build -f Dockerfile.cachemount` + `docker push`, no CI cache: on a warm machine, a developer\'s incremental build',
  async job(ctx) {
    const tags = [`${ctx.image}:${ctx.sha}`, `${ctx.image}:latest`];
    await exec(
      ctx.log,
      ['docker', 'build', '--progress=plain', '--network', 'host', '--file', `${ctx.workspace}/Dockerfile.cachemount`, ...buildArgs(ctx), ...tags.flatMap(t => ['-t', t]), ctx.workspace],
      { env: ctx.env }
    );
    for (const tag of tags) await exec(ctx.log, ['docker', 'push', tag], { env: ctx.env });
  }
};
