// docker buildx bake with registry cache, as a monorepo writes it by hand: a bake file in the
// repository with one target per image (its Dockerfile, tags, and a registry cache ref of its own,
// mode=max), built in one `docker buildx bake --push` on the BuildKit builder, all targets at once.
// No Go caches: bake carries none.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { exec } from '../lib/exec.js';
import { imagesOf, type JobContext, type Recipe } from './types.js';

export const bake: Recipe = {
  id: 'bake',
  title: 'buildx bake, registry cache (mode=max)',
  how: 'a `docker-bake.json` with one target per image (registry cache ref each), `docker buildx bake --push` on a buildkitd builder',
  needsBuildx: true,
  builds: 'many',
  async job(ctx) {
    if (!ctx.builder) throw new Error('bake needs the remote buildx builder');
    const file = path.join(ctx.workspace, 'docker-bake.json');
    fs.writeFileSync(file, `${JSON.stringify(bakeFile(ctx), null, 2)}\n`);
    await exec(
      ctx.log,
      ['docker', 'buildx', 'bake', '--builder', ctx.builder, '--progress=plain', '--allow', 'network.host', '--file', file, '--push'],
      { env: ctx.env, cwd: ctx.workspace }
    );
  }
};

/** The bake file a monorepo would commit: a default group of every image. */
export function bakeFile(ctx: JobContext): { group: object; target: Record<string, object> } {
  const images = imagesOf(ctx);
  const target: Record<string, object> = {};
  for (const image of images) {
    const cache = `${image.repository}:buildcache`;
    target[image.name] = {
      context: '.',
      dockerfile: image.file,
      args: { BASE_REGISTRY: ctx.registry, GOPROXY: ctx.goproxy },
      network: 'host',
      tags: [`${image.repository}:${ctx.sha}`, `${image.repository}:latest`],
      'cache-from': [`type=registry,ref=${cache}`],
      'cache-to': [`type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`]
    };
  }
  return { group: { default: { targets: images.map(i => i.name) } }, target };
}
