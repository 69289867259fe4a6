// This action, run as a GitHub runner runs it (dist/index.js main, then post, through
// test/support/action-runner.ts), in each of its modes. A new mode is one entry in MODES.
import * as path from 'node:path';
import { runAction } from '../../test/support/action-runner.js';
import { imagesOf, type Comparison, type JobContext, type Recipe } from './types.js';

interface Mode {
  id: string;
  title: string;
  how: string;
  /** the mode's own inputs; `image` is the job's repository unless they set `images` */
  inputs: (ctx: JobContext) => Record<string, string>;
  needsBuildx?: boolean;
  carriesGoCaches?: boolean;
  builds?: Recipe['builds'];
  compare?: Comparison[];
}

/** A monorepo's images as the `images` input takes them (YAML); prebuilt: each from `go build ./cmd/<name>` on the runner. */
function imagesInput(ctx: JobContext, prebuilt = false): string {
  return imagesOf(ctx)
    .map(i =>
      prebuilt
        ? `${i.name}:\n  image: ${i.repository}\n  file: ${i.file}.prebuilt\n  prebuild: ./cmd/${i.name}`
        : `${i.name}:\n  image: ${i.repository}\n  file: ${i.file}`
    )
    .join('\n');
}

/** The monorepo rows are compared with one image of them and with the recipes users pick instead. */
const MONO_COMPARE = [
  { recipe: 'action-single', label: 'one image' },
  { recipe: 'buildx-registry', label: 'build-push-action' },
  { recipe: 'bake', label: 'bake' }
];

const MODES: Mode[] = [
  {
    id: 'action-pull',
    title: 'this action: pull path, no Go cache',
    how: '`cache-strategy: pull`, `go-cache: false`: inline cache on the builder and latest tags',
    inputs: () => ({ 'cache-strategy': 'pull', 'go-cache': 'false' })
  },
  {
    id: 'action-mounts',
    title: 'this action: pull path + cache-mount injection',
    how: '`cache-strategy: pull` with Dockerfile.cachemount: Go caches restored, injected into the mounts, saved',
    inputs: () => ({ 'cache-strategy': 'pull', file: 'Dockerfile.cachemount' }),
    carriesGoCaches: true
  },
  {
    id: 'action-prebuild',
    title: 'this action: prebuild mode',
    how: '`prebuild: ./cmd/...` with Dockerfile.prebuilt: go build on the runner with the restored caches, the image only COPYs',
    inputs: ctx => ({ 'cache-strategy': 'pull', file: 'Dockerfile.prebuilt', prebuild: `./cmd/${ctx.fixture.binary}` }),
    carriesGoCaches: true
  },
  {
    id: 'action-buildx',
    title: 'this action: buildx path + cache-mount injection',
    how: '`cache-strategy: buildx` with Dockerfile.multiarch (cross-compiling builder stage, cache mounts) on the remote builder, linux/amd64',
    inputs: ctx => ({ 'cache-strategy': 'buildx', file: 'Dockerfile.multiarch', builder: ctx.builder ?? '' }),
    needsBuildx: true,
    carriesGoCaches: true
  },
  {
    id: 'action-buildx-2p',
    title: 'this action: buildx path, amd64 + arm64',
    how: 'as action-buildx, with `platforms: linux/amd64,linux/arm64`: one image index, the arm64 binary cross-compiled on amd64',
    inputs: ctx => ({ 'cache-strategy': 'buildx', file: 'Dockerfile.multiarch', builder: ctx.builder ?? '', platforms: 'linux/amd64,linux/arm64' }),
    needsBuildx: true,
    carriesGoCaches: true,
    compare: [{ recipe: 'action-buildx', label: 'one platform' }]
  },
  {
    id: 'action-images',
    title: 'this action: every image in one step',
    how: "`images` lists the monorepo's images (each its own Dockerfile): one step, one Go cache restore and save, builds at once, an unchanged image copied",
    inputs: ctx => ({ images: imagesInput(ctx) }),
    carriesGoCaches: true,
    builds: 'many',
    compare: MONO_COMPARE
  },
  {
    id: 'action-images-prebuild',
    title: 'this action: every image in one step, prebuild mode',
    how: 'the same `images`, each with `prebuild: ./cmd/<name>` and its Dockerfile.prebuilt: go build on the runner with the restored caches, the images only COPY',
    inputs: ctx => ({ images: imagesInput(ctx, true) }),
    carriesGoCaches: true,
    builds: 'many',
    compare: MONO_COMPARE
  },
  {
    id: 'action-single',
    title: 'this action: one image of them (api)',
    how: 'the same step with `image` and `file: cmd/api/Dockerfile`: the one-image reference for the monorepo row',
    inputs: ctx => {
      const api = imagesOf(ctx).find(i => i.name === 'api') ?? imagesOf(ctx)[0];
      return { image: api.repository, file: api.file };
    },
    carriesGoCaches: true,
    builds: 'many'
  }
];

export const actionRecipes: Recipe[] = MODES.map(mode => ({
  id: mode.id,
  title: mode.title,
  how: mode.how,
  needsBuildx: mode.needsBuildx,
  carriesGoCaches: mode.carriesGoCaches,
  builds: mode.builds,
  compare: mode.compare,
  async job(ctx) {
    const own = mode.inputs(ctx);
    const run = await runAction({
      workspace: ctx.workspace,
      sha: ctx.sha,
      inputs: {
        ...(own.images ? {} : { image: ctx.image }),
        network: 'host',
        'build-args': `BASE_REGISTRY=${ctx.registry}\nGOPROXY=${ctx.goproxy}`,
        ...own
      },
      env: {
        ...stringEnv(ctx.env),
        ...ctx.cache.env('v2'),
        GITHUB_SERVER_URL: 'https://github.com',
        RUNNER_OS: 'Linux',
        RUNNER_ARCH: 'X64',
        NO_PROXY: '127.0.0.1,localhost',
        GOPROXY: ctx.goproxy,
        GOSUMDB: 'off',
        GOFLAGS: '-mod=readonly',
        GOMODCACHE: path.join(ctx.runnerHome, 'go/pkg/mod'),
        GOCACHE: path.join(ctx.runnerHome, '.cache/go-build')
      }
    });
    ctx.log.write(`# main (exit ${run.main.exitCode}, ${run.main.durationMs} ms)\n${run.main.log}`);
    ctx.log.write(`# post (exit ${run.post.exitCode}, ${run.post.durationMs} ms)\n${run.post.log}`);
    ctx.log.write(`# outputs ${JSON.stringify(run.outputs)}`);
    // The job summary's phase table, as text: where the time of this job went.
    const phases = /<h3>Phases<\/h3>\s*<table>([\s\S]*?)<\/table>/.exec(run.summary)?.[1] ?? '';
    const rows = [...phases.matchAll(/<tr><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map(m => `${m[1]}: ${m[2]} (${m[3]})`);
    ctx.log.write(`# phases ${rows.join(' | ')}`);
    if (run.main.exitCode !== 0 || run.post.exitCode !== 0) {
      const failed = run.main.exitCode !== 0 ? run.main : run.post;
      const errors = failed.log
        .split('\n')
        .filter(l => l.startsWith('::error'))
        .join('\n');
      throw new Error(`the action failed (main ${run.main.exitCode}, post ${run.post.exitCode}): ${errors || failed.log.slice(-2000)}`);
    }
    // A warning means part of the mode did not happen (a cache step failed): not the mode measured.
    const warnings = `${run.main.log}\n${run.post.log}`.split('\n').filter(l => l.startsWith('::warning'));
    if (warnings.length) throw new Error(`the action warned, so this run does not measure the mode: ${warnings.join(' | ').slice(0, 600)}`);
  }
}));

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}
