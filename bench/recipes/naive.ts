// The naive job: `docker build` with no cache configured, then push. On a fresh runner nothing is
// reused; on a warm machine the engine's own layer cache still helps.
import { exec } from '../lib/exec.js';
import { buildArgs, type Recipe } from './types.js';

export const naive: Recipe = {
  id: 'naive',
  title: 'naive docker build',
  how: '`docker build` (no cache options) + `docker push`',
  async job(ctx) {
    const tags = [`${ctx.image}:${ctx.sha}`, `${ctx.image}:latest`];
    await exec(ctx.log, ['docker', 'build', '--progress=plain', '--network', 'host', ...buildArgs(ctx), ...tags.flatMap(t => ['-t', t]), ctx.workspace], { env: ctx.env });
    for (const tag of tags) await exec(ctx.log, ['docker', 'push', tag], { env: ctx.env });
  }
};
