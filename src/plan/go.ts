// The steps that bring the Go caches to the build: prebuild on the runner, or the Dockerfile's
// cache mounts filled before the build and read back after it. Pure.
import * as path from 'node:path';
import type { Config } from '../config.js';
import type { Facts } from '../facts.js';
import { MOUNT_MARKER, type GoCacheState, type GoMount } from '../cache/go-cache.js';
import { toPosix } from '../files.js';
import type { TimeLimit } from '../time-limit.js';
import { limits } from './common.js';
import type { PlanInput } from './input.js';
import type { PlanFile, Step } from './types.js';

export interface GoSteps {
  before: Step[];
  after: Step[];
  files: PlanFile[];
  /** The Go caches are saved when these steps succeed: a new key, from a run that may save. */
  save: boolean;
  /** After an exact hit, from a run that may save: a delta entry of what the build compiled beyond the key's entry. */
  saveDelta: boolean;
}

/**
 * The command that runs a build on the same BuildKit as the real build (cache mounts live in the
 * builder): dockerd's own for the pull path, `docker buildx build --builder X` for the buildx path.
 */
export interface BuildCommand {
  argv: string[];
  env?: Record<string, string>;
  /** The named buildx builder the command builds on; none: the engine's own BuildKit. */
  builder?: string;
}

/** One `go build` of prebuild mode, as its step runs it (in the context). */
export interface PrebuildCommand {
  id: string;
  title: string;
  argv: string[];
  /** What it sets of Go's environment: the target and CGO_ENABLED (the step adds the Go cache folders). */
  env: Record<string, string>;
  /** The folder it writes. */
  output: string;
}

/**
 * The go builds of prebuild mode: one per platform, each into OUTPUT/os_arch/ (COPY
 * .prebuilt/${TARGETOS}_${TARGETARCH}/…); without platforms, one for the runner's architecture
 * (`runnerArch`, go env GOARCH) into OUTPUT/. The one source of the packages, flags and environment:
 * the steps run them, and the inputs hash asks go env under them.
 */
export function prebuildCommands(config: Pick<Config, 'platforms' | 'goCache'>, runnerArch: string): PrebuildCommand[] {
  const prebuild = config.goCache.prebuild;
  if (!prebuild) return [];
  const many = config.platforms.length > 0;
  const targets = many ? config.platforms.map(p => p.split('/')) : [['linux', runnerArch]];
  return targets.map(([goos, goarch, variant]) => {
    const output = many ? path.join(prebuild.output, `${goos}_${goarch}`) : prebuild.output;
    return {
      id: many ? `prebuild-${goos}-${goarch}${variant ? `-${variant}` : ''}` : 'prebuild',
      title: `go build ${prebuild.packages.join(' ')} on the runner${many ? ` for ${goos}/${goarch}${variant ? `/${variant}` : ''}` : ''}`,
      argv: ['go', 'build', '-v', '-trimpath', '-o', `${output}${path.sep}`, ...prebuild.packages],
      env: {
        CGO_ENABLED: '0',
        GOOS: goos,
        GOARCH: goarch,
        ...(goarch === 'arm' && variant ? { GOARM: variant.replace(/^v/, '') } : {}),
        ...(goarch === 'amd64' && variant ? { GOAMD64: variant } : {})
      },
      output
    };
  });
}

/** The throwaway builds that fill and read the mounts need no network. */
const NO_NETWORK = ['--network', 'none'];

export function planGoSteps({ config, policy, facts, go }: PlanInput, build: BuildCommand): GoSteps {
  const prebuild = config.goCache.prebuild;
  const maySave = go !== undefined && config.goCache.save && policy.saveCaches && (prebuild !== undefined || go.mounts.length > 0);
  const save = maySave && go.hit !== 'exact' && go.hit !== 'warm';
  const saveDelta = maySave && go.hit === 'exact' && go.deltaDir !== undefined;
  const steps: GoSteps = { before: [], after: [], files: [], save, saveDelta };
  const limit = limits(config).activity;
  if (prebuild) {
    const goOnRunner = facts.go;
    if (!goOnRunner)
      throw new Error(
        "Input 'prebuild': prebuild mode runs go build on the runner, and there is no go on PATH (add actions/setup-go before this step)"
      );
    for (const command of prebuildCommands(config, goOnRunner.arch)) {
      steps.before.push({
        id: command.id,
        phase: 'prebuild',
        title: command.title,
        argv: command.argv,
        env: { ...command.env, ...(go ? { GOMODCACHE: go.dirs.mod, GOCACHE: go.dirs.build } : {}) },
        cwd: config.context,
        limit,
        onFailure: 'stop'
      });
    }
  }
  if (!go || go.mounts.length === 0) return steps;

  // A nonce in the RUN line keeps BuildKit from answering these steps from its own cache.
  const nonce = facts.now.replace(/[^0-9]/g, '');
  // Where markers are not proof (untrusted builds allowed on this builder), the mounts may hold anything:
  // the fill replaces what they hold, and after a miss they are emptied, as on a fresh builder.
  const replace = !policy.markersAreProof;
  if (go.hit === 'exact' || go.hit === 'partial' || (replace && go.hit === 'miss')) {
    steps.before.push(...fillStep(go, facts, build, { nonce, files: steps.files, limit, replace }));
  }
  const readBack = { baseImage: go.baseImage, facts, build, files: steps.files, limit };
  // Read back only what will be saved.
  if (save)
    for (const [index, { mount, kind }] of go.mounts.entries()) {
      const dir = kind === 'mod' ? go.dirs.mod : go.dirs.build;
      steps.after.push(
        ...readBackSteps(readBack, {
          name: `${kind}-${index}`,
          mount,
          // The mount is marked after the copy: it then holds what the save will (and the copy holds no marker).
          run: [`mkdir -p /cib-out && cp -a ${mount.target}/. /cib-out/ && ${markMount(mount.target, go.key)} && echo extracted ${nonce}`],
          to: dir,
          titles: [`Read cache mount ${mount.id} back into ${dir}`, `Unpack cache mount ${mount.id} into ${dir}`]
        })
      );
    }
  // After an exact hit: only the GOCACHE entries the build wrote or marked, which are newer than the
  // marker the fill wrote (the filled entries are older, the restored delta's aged so that Go marks
  // those it uses). The marker itself stays: it dates the fill for every later build on this builder.
  const build0 = go.mounts.find(m => m.kind === 'build');
  if (saveDelta && build0 && go.deltaDir) {
    const { mount } = build0;
    steps.after.push(
      ...readBackSteps(readBack, {
        name: 'delta',
        mount,
        run: [
          `mkdir -p /cib-out && cd ${mount.target} && find . -type f -newer ${MOUNT_MARKER} ! -name ${MOUNT_MARKER} | \\`,
          `while read -r f; do mkdir -p "/cib-out/$(dirname "$f")" && cp -p "$f" "/cib-out/$f"; done && echo extracted ${nonce}`
        ],
        to: go.deltaDir,
        titles: [`Read what the build added to cache mount ${mount.id} back into ${go.deltaDir}`, `Unpack it into ${go.deltaDir}`]
      })
    );
  }
  return steps;
}

/**
 * A throwaway build whose RUN (lines `run`, with the mount as the Dockerfile has it) copies from the
 * mount into /cib-out, exported as a tar (not type=local: the local exporter stalls on a large module
 * cache) and unpacked into a new folder beside it; the runner's folder `to` is swapped for it only
 * once it is whole.
 */
function readBackSteps(
  on: { baseImage: string; facts: Facts; build: BuildCommand; files: PlanFile[]; limit: TimeLimit },
  what: { name: string; mount: GoMount['mount']; run: string[]; to: string; titles: [string, string] }
): Step[] {
  const { facts, build, limit } = on;
  const file = path.join(facts.tempDir, `extract-${what.name}.Dockerfile`);
  const out = path.join(facts.tempDir, `extracted-${what.name}`);
  const tar = `${out}.tar`;
  const empty = path.join(facts.tempDir, 'empty-context');
  on.files.push({ path: path.join(empty, '.keep'), content: '' });
  on.files.push({
    path: file,
    content: [
      `FROM ${on.baseImage} AS read`,
      `RUN ${mountOptions(what.mount)} \\`,
      ...what.run.map(line => `    ${line}`),
      'FROM scratch',
      'COPY --from=read /cib-out/ /',
      ''
    ].join('\n')
  });
  return [
    {
      id: `extract-${what.name}`,
      phase: 'read-back',
      title: what.titles[0],
      argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, '--output', `type=tar,dest=${tar}`, empty],
      env: build.env,
      limit,
      onFailure: 'warn'
    },
    {
      id: `unpack-${what.name}`,
      phase: 'read-back',
      title: what.titles[1],
      argv: ['sh', '-c', 'rm -rf "$1" && mkdir -p "$1" && tar -xf "$2" -C "$1" && rm -f "$2"', 'unpack', out, tar],
      limit,
      onFailure: 'warn',
      extract: { from: out, to: what.to }
    }
  ];
}

/**
 * One throwaway build fills every mount: its context is the folder that holds both Go caches, and each
 * is bound by its path in it. BuildKit sends only the paths a build mounts or copies, so nothing else of
 * that folder travels. `cp -a` adds to what a mount holds; with `replace` the mount is emptied first
 * (after a miss, only emptied), and a fill that fails stops the job rather than build on what was there.
 */
function fillStep(
  go: GoCacheState,
  facts: Facts,
  build: BuildCommand,
  { nonce, files, limit, replace }: { nonce: string; files: PlanFile[]; limit: TimeLimit; replace: boolean }
): Step[] {
  const restored = go.hit === 'exact' || go.hit === 'partial';
  const sources = go.mounts.map(({ kind }) => (kind === 'mod' ? go.dirs.mod : go.dirs.build));
  const empty = path.join(facts.tempDir, 'empty-context');
  const context = restored ? commonFolder(sources) : empty;
  if (!restored) files.push({ path: path.join(empty, '.keep'), content: '' });
  const file = path.join(facts.tempDir, 'fill.Dockerfile');
  const mounts = go.mounts.map(
    ({ mount }, i) =>
      `${mountOptions(mount)}${restored ? ` --mount=type=bind,source=${toPosix(path.relative(context, sources[i])) || '.'},target=/cib-in-${i}` : ''}`
  );
  // Only an exact hit leaves the mounts holding this key's caches; a partial one is marked by the read-back.
  const copies = go.mounts.map(({ mount }, i) =>
    [
      ...(replace ? [`find ${mount.target} -mindepth 1 -maxdepth 1 -exec rm -rf {} +`] : []),
      ...(restored ? [`cp -a /cib-in-${i}/. ${mount.target}/`] : []),
      ...(go.hit === 'exact' ? [markMount(mount.target, go.key, go.deltaSince)] : [])
    ].join(' && ')
  );
  files.push({
    path: file,
    content: [`FROM ${go.baseImage}`, `RUN ${mounts.join(' \\\n    ')} \\`, `    ${copies.join(' && ')} && echo filled ${nonce}`, ''].join('\n')
  });
  const ids = go.mounts.map(m => m.mount.id).join(', ');
  const plural = go.mounts.length > 1 ? 's' : '';
  return [
    {
      id: 'fill',
      phase: 'fill',
      title: restored
        ? `Fill cache mount${plural} ${ids} from the restored Go caches${replace ? ', emptied first' : ''}`
        : `Empty cache mount${plural} ${ids} (nothing restored; what they hold is not known to be this key's)`,
      argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, context],
      env: build.env,
      limit,
      onFailure: replace ? 'stop' : 'warn',
      ...(replace
        ? { hint: 'the cache mounts could not be emptied: a build on them could use what an untrusted build left there (allow-untrusted-on-builder)' }
        : {})
    }
  ];
}

/** The marker names the key; dated `since` (whole seconds), it is what the delta's `find -newer` compares with. */
function markMount(target: string, key: string, since?: string): string {
  const marker = `${target}/${MOUNT_MARKER}`;
  const dated = since ? ` && touch -d @${Math.floor(Date.parse(since) / 1000)} ${marker}` : '';
  return `echo ${key} > ${marker}${dated}`;
}

/** A probe of the builder's Go cache mounts: a throwaway build whose output holds each mount's marker (file INDEX, empty when none). */
export interface MountProbe {
  step: Step;
  files: PlanFile[];
  /** The folder the build's output lands in. */
  out: string;
}

/**
 * Reads the marker of every Go cache mount on the builder the build uses, without the network and
 * with the mounts exactly as the build has them (so the same caches), so a warm builder (a self-hosted runner, a remote BuildKit) is known
 * before anything is restored or filled.
 */
export function planMountProbe(go: Pick<GoCacheState, 'mounts' | 'baseImage'>, facts: Facts, build: BuildCommand, limit: TimeLimit): MountProbe {
  const nonce = facts.now.replace(/[^0-9]/g, '');
  const file = path.join(facts.tempDir, 'probe.Dockerfile');
  const empty = path.join(facts.tempDir, 'empty-context');
  const out = path.join(facts.tempDir, 'probed-mounts');
  const reads = go.mounts.map(({ mount }, i) => `(cat ${mount.target}/${MOUNT_MARKER} > /cib-probe/${i} 2>/dev/null || true)`);
  return {
    out,
    files: [
      { path: path.join(empty, '.keep'), content: '' },
      {
        path: file,
        content: [
          `FROM ${go.baseImage} AS probe`,
          `RUN ${go.mounts.map(({ mount }) => mountOptions(mount)).join(' \\\n    ')} \\`,
          `    mkdir -p /cib-probe && ${reads.join(' && ')} && echo probed ${nonce}`,
          'FROM scratch',
          'COPY --from=probe /cib-probe/ /',
          ''
        ].join('\n')
      }
    ],
    step: {
      id: 'probe-mounts',
      phase: 'restore',
      title: `Read the markers of cache mount${go.mounts.length > 1 ? 's' : ''} ${go.mounts.map(m => m.mount.id).join(', ')}`,
      argv: [...build.argv, '--progress=plain', ...NO_NETWORK, '--file', file, '--output', `type=local,dest=${out}`, empty],
      env: build.env,
      limit,
      onFailure: 'warn'
    }
  };
}

/**
 * Before the probe build, which on a fresh builder pulls the mounts' base image: a question the builder
 * answers at once, whether it holds any cache mount at all (`docker buildx du`, cache mounts only). Asked
 * of a named builder only: the engine's BuildKit is probed only when it has the base image already.
 */
export function planCacheMountRecords(build: BuildCommand): string[] | undefined {
  return build.builder ? ['docker', 'buildx', 'du', '--builder', build.builder, '--filter', 'type=exec.cachemount'] : undefined;
}

/**
 * Pure: how many cache mounts `docker buildx du` listed: its table's rows under the `ID` header (the
 * `Reclaimable:`/`Total:` lines under them left out); undefined when the output is not that table.
 */
export function countCacheMountRecords(output: string): number | undefined {
  const lines = output.split('\n').filter(line => line.trim() !== '');
  if (!lines.length || !/^ID\s+RECLAIMABLE\s+SIZE\b/.test(lines[0])) return undefined;
  return lines.slice(1).filter(line => !/^[A-Za-z ]+:\s/.test(line)).length;
}

/** The deepest folder that holds every path. */
export function commonFolder(paths: string[]): string {
  const split = paths.map(p => path.resolve(p).split(path.sep));
  const common: string[] = [];
  for (let i = 0; split.every(parts => i < parts.length && parts[i] === split[0][i]); i++) common.push(split[0][i]);
  return common.join(path.sep) || path.sep;
}

/** The mount exactly as the Dockerfile has it, so BuildKit hands out the same cache. */
function mountOptions(mount: GoMount['mount']): string {
  const parts = [`type=cache`, `id=${mount.id}`, `target=${mount.target}`];
  if (mount.sharing) parts.push(`sharing=${mount.sharing}`);
  if (mount.uid) parts.push(`uid=${mount.uid}`);
  if (mount.gid) parts.push(`gid=${mount.gid}`);
  return `--mount=${parts.join(',')}`;
}
