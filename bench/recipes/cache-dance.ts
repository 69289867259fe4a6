// buildkit-cache-dance style, by hand: actions/cache restores the cache-mount folders (keyed on
// go.sum, restore keys on the prefix), a throwaway build copies them into the BuildKit cache mounts
// of Dockerfile.cachemount, the real build runs, and when the key was not an exact hit a throwaway
// build copies the mounts back out and actions/cache's post step saves them. No layer cache: the
// dance carries the Go caches only. The real @actions/cache runs in its own process, as an action would.
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCacheClient, runnerEnv } from '../../test/support/cache-server/harness.js';
import { exec } from '../lib/exec.js';
import { buildArgs, type JobContext, type Recipe } from './types.js';

/** cache-map: folder in the runner's scratch dir → the Dockerfile's cache mount. */
const MOUNTS = [
  { dir: 'go-mod', id: 'gomod', target: '/go/pkg/mod' },
  { dir: 'go-build', id: 'gobuild', target: '/root/.cache/go-build' }
];

export const cacheDance: Recipe = {
  id: 'cache-dance',
  title: 'buildkit-cache-dance + actions/cache',
  how: 'actions/cache restore of the mount folders, inject into `RUN --mount=type=cache`, `docker build`, push, extract + save on a miss',
  carriesGoCaches: true,
  async job(ctx) {
    const scratch = path.join(ctx.runnerHome, 'cache-dance');
    const paths = MOUNTS.map(m => path.join(scratch, m.dir));
    const goSum = fs.readFileSync(path.join(ctx.workspace, 'go.sum'));
    const key = `Linux-go-cache-mounts-${crypto.createHash('sha256').update(goSum).digest('hex')}`;
    const env = runnerEnv(
      ctx.env,
      { ...ctx.cache.env('v2'), GITHUB_SERVER_URL: 'https://github.com' },
      {
        workspace: ctx.workspace,
        runnerTemp: path.join(ctx.runnerHome, 'temp')
      }
    );
    fs.mkdirSync(env.RUNNER_TEMP as string, { recursive: true });

    // actions/cache (main)
    const restored = await runCacheClient({
      op: 'restore',
      paths,
      key,
      restoreKeys: ['Linux-go-cache-mounts-'],
      env,
      outDir: env.RUNNER_TEMP as string
    });
    if (restored.exitCode !== 0 || restored.outcome?.threw) throw new Error(`cache restore failed: ${restored.stderr}`);
    const matched = restored.outcome?.result as string | null;
    const exactHit = matched === key;
    ctx.log.write(`# actions/cache restore: ${matched ? `hit ${matched}` : 'miss'}`);
    for (const dir of paths) fs.mkdirSync(dir, { recursive: true });

    // buildkit-cache-dance (main): inject
    const stamp = new Date().toISOString();
    fs.writeFileSync(path.join(scratch, 'buildstamp'), stamp);
    await dance(ctx, scratch, 'inject', [
      `FROM ${ctx.registry}/base/runtime:latest`,
      'COPY buildstamp buildstamp',
      ...MOUNTS.map(
        m =>
          `RUN --mount=type=cache,id=${m.id},target=${m.target} --mount=type=bind,source=${m.dir},target=/var/dance-cache cp -p -R /var/dance-cache/. ${m.target} || true`
      )
    ]);

    // docker/build-push-action equivalent on the same builder
    const tags = [`${ctx.image}:${ctx.sha}`, `${ctx.image}:latest`];
    await exec(
      ctx.log,
      [
        'docker',
        'build',
        '--progress=plain',
        '--network',
        'host',
        ...buildArgs(ctx),
        '--file',
        path.join(ctx.workspace, 'Dockerfile.cachemount'),
        ...tags.flatMap(t => ['-t', t]),
        ctx.workspace
      ],
      { env: ctx.env }
    );
    for (const tag of tags) await exec(ctx.log, ['docker', 'push', tag], { env: ctx.env });

    // Post steps run in reverse: the dance extracts (skip-extraction: cache-hit), then actions/cache saves.
    if (exactHit) return;
    // Its own context: only the stamp, not the restored folders. Like the dance: build an image
    // that holds a copy of the mounts, `docker create` it and `docker cp` the copy out.
    const stampOnly = path.join(ctx.runnerHome, 'cache-dance-stamp');
    fs.mkdirSync(stampOnly, { recursive: true });
    fs.writeFileSync(path.join(stampOnly, 'buildstamp'), `${stamp} extract`);
    const image = `dance:extract-${ctx.sha.slice(0, 12)}`;
    await dance(
      ctx,
      stampOnly,
      'extract',
      [
        `FROM ${ctx.registry}/base/runtime:latest`,
        'COPY buildstamp buildstamp',
        ...MOUNTS.map(
          m =>
            `RUN --mount=type=cache,id=${m.id},target=${m.target} mkdir -p /var/dance-cache/${m.dir} && cp -p -R ${m.target}/. /var/dance-cache/${m.dir} || true`
        )
      ],
      ['--tag', image]
    );
    const container = `cache-container-${ctx.sha.slice(0, 12)}`;
    await exec(ctx.log, ['docker', 'create', '--name', container, image, 'sh'], { env: ctx.env });
    const out = path.join(ctx.runnerHome, 'cache-dance-out');
    fs.rmSync(out, { recursive: true, force: true });
    fs.mkdirSync(out, { recursive: true });
    await exec(ctx.log, ['bash', '-o', 'pipefail', '-c', `docker cp -L ${container}:/var/dance-cache - | tar -x -C ${out}`], { env: ctx.env });
    await exec(ctx.log, ['docker', 'rm', '-f', container], { env: ctx.env });
    for (const m of MOUNTS) {
      fs.rmSync(path.join(scratch, m.dir), { recursive: true, force: true });
      fs.renameSync(path.join(out, 'dance-cache', m.dir), path.join(scratch, m.dir));
    }
    const saved = await runCacheClient({ op: 'save', paths, key, env, outDir: env.RUNNER_TEMP as string });
    if (saved.exitCode !== 0 || saved.outcome?.threw) throw new Error(`cache save failed: ${saved.stderr}`);
  }
};

async function dance(ctx: JobContext, context: string, name: string, lines: string[], extra: string[] = []): Promise<void> {
  const file = path.join(ctx.runnerHome, `dance-${name}.Dockerfile`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await exec(ctx.log, ['docker', 'build', '--progress=plain', '--network', 'none', '--file', file, ...extra, context], { env: ctx.env });
}
