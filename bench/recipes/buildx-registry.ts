// docker/build-push-action with the registry cache backend, by hand: one `docker buildx build` on a
// BuildKit builder that can export cache (here a `remote` builder on a standalone buildkitd; on
// GitHub, setup-buildx-action's docker-container builder), `--cache-from type=registry` and
// `--cache-to type=registry,mode=max` on a cache ref of its own, pushing the image from the builder.
// A monorepo is one such step per image, one after the other, as a job of build-push-action steps runs.
import { exec } from '../lib/exec.js';
import { buildArgs, imagesOf, type Recipe } from './types.js';

export const buildxRegistry: Recipe = {
  id: 'buildx-registry',
  title: 'build-push-action, registry cache (mode=max)',
  how: '`docker buildx build --cache-from type=registry --cache-to type=registry,mode=max --push` on a buildkitd builder; a monorepo: one step per image',
  needsBuildx: true,
  builds: 'both',
  async job(ctx) {
    if (!ctx.builder) throw new Error('buildx-registry needs the remote buildx builder');
    for (const image of imagesOf(ctx)) {
      const cache = `${image.repository}:buildcache`;
      await exec(
        ctx.log,
        [
          'docker',
          'buildx',
          'build',
          '--builder',
          ctx.builder,
          '--progress=plain',
          '--allow',
          'network.host',
          '--network',
          'host',
          ...buildArgs(ctx),
          '--file',
          `${ctx.workspace}/${image.file}`,
          '--cache-from',
          `type=registry,ref=${cache}`,
          '--cache-to',
          `type=registry,ref=${cache},mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true`,
          '-t',
          `${image.repository}:${ctx.sha}`,
          '-t',
          `${image.repository}:latest`,
          '--push',
          ctx.workspace
        ],
        { env: ctx.env }
      );
    }
  }
};
