// The naive job: `docker build` with no cache configured, then push. On a fresh runner nothing is
// reused; on a warm machine the engine's own layer cache still helps.
import { exec } from '../lib/exec.js';
import { buildArgs, type JobContext, type Recipe } from './types.js';

export const naive: Recipe = {
  id: 'naive',
  title: 'naive docker build',
  how: '`docker build` (no cache options) + `docker push`',
  job: ctx => buildAndPush(ctx, [])
};

/** `docker build` of the workspace with `options`, tagged with the commit and latest, then both pushed. */
export async function buildAndPush(ctx: JobContext, options: string[]): Promise<void> {
  const tags = [`${ctx.image}:${ctx.sha}`, `${ctx.image}:latest`];
  await exec(
    ctx.log,
    ['docker', 'build', '--progress=plain', '--network', 'host', ...options, ...buildArgs(ctx), ...tags.flatMap(t => ['-t', t]), ctx.workspace],
    { env: ctx.env }
  );
  for (const tag of tags) await exec(ctx.log, ['docker', 'push', tag], { env: ctx.env });
}
