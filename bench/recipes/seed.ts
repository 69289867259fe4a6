// The seed recipe (seeds/001) by hand, under BuildKit: pull the previous `builder` and `latest`,
// build `--target builder` with `--cache-from` it, build the image with `--cache-from` both, push
// the builder tag, the commit and `latest`. BuildKit only reuses what carries cache metadata, so
// both builds write inline cache (BUILDKIT_INLINE_CACHE=1), as anyone following the recipe today must.
import { exec } from '../lib/exec.js';
import { buildArgs, type Recipe } from './types.js';

export const seed: Recipe = {
  id: 'seed',
  title: 'seed recipe (pull + --cache-from)',
  how: '`docker pull` builder and latest, `docker build --target builder --cache-from`, final `--cache-from` both, push',
  async job(ctx) {
    const builder = `${ctx.image}:builder`;
    const latest = `${ctx.image}:latest`;
    const commit = `${ctx.image}:${ctx.sha}`;
    // A first build has nothing to pull: the recipe's `|| true`.
    await exec(ctx.log, ['docker', 'pull', builder], { env: ctx.env, mayFail: true });
    await exec(ctx.log, ['docker', 'pull', latest], { env: ctx.env, mayFail: true });
    const build = ['docker', 'build', '--progress=plain', '--network', 'host', '--build-arg', 'BUILDKIT_INLINE_CACHE=1', ...buildArgs(ctx)];
    await exec(ctx.log, [...build, '--target', 'builder', '--cache-from', builder, '-t', builder, ctx.workspace], { env: ctx.env });
    await exec(ctx.log, [...build, '--cache-from', builder, '--cache-from', latest, '-t', commit, '-t', latest, ctx.workspace], { env: ctx.env });
    for (const tag of [builder, commit, latest]) await exec(ctx.log, ['docker', 'push', tag], { env: ctx.env });
  }
};
