// This action, run as a GitHub runner runs it (dist/index.js main, then post, through
// test/support/action-runner.ts), in each of its modes. A new mode is one entry in MODES.
import * as path from 'node:path';
import { runAction } from '../../test/support/action-runner.js';
import type { JobContext, Recipe } from './types.js';

interface Mode {
  id: string;
  title: string;
  how: string;
  inputs: (ctx: JobContext) => Record<string, string>;
  needsBuildx?: boolean;
  carriesGoCaches?: boolean;
}

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
    how: '`cache-strategy: buildx` with Dockerfile.cachemount on the remote builder',
    inputs: ctx => ({ 'cache-strategy': 'buildx', file: 'Dockerfile.cachemount', builder: ctx.builder ?? '' }),
    needsBuildx: true,
    carriesGoCaches: true
  }
];

export const actionRecipes: Recipe[] = MODES.map(mode => ({
  id: mode.id,
  title: mode.title,
  how: mode.how,
  needsBuildx: mode.needsBuildx,
  carriesGoCaches: mode.carriesGoCaches,
  async job(ctx) {
    const run = await runAction({
      workspace: ctx.workspace,
      sha: ctx.sha,
      inputs: {
        image: ctx.image,
        network: 'host',
        'build-args': `BASE_REGISTRY=${ctx.registry}\nGOPROXY=${ctx.goproxy}`,
        ...mode.inputs(ctx)
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
