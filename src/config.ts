// Every input is read and checked here, before any command runs. Pure but for reading the files the
// inputs name (the Dockerfile, the context's folders).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readDockerfile, hasStage, type DockerfileFacts } from './dockerfile.js';
import { InputError, parseBoolean, parseChoice, parseKeyValues, parseList, type InputReader } from './inputs.js';
import { isValidTag, parseRepository, splitTaggedRef, type Repository } from './reference.js';
import { parseSecrets, type Secret } from './secrets.js';
import { commitShapedTag, reservedTag, validTag } from './tags.js';
import { goMounts, type GoCacheKind, type GoMountSetting } from './cache/go-cache.js';
import { realInside, realPathOf } from './files.js';
import { ACTION_LABELS } from './labels.js';
import { isLoopbackEndpoint } from './loopback.js';

export type { Secret } from './secrets.js';

export const CACHE_STRATEGIES = ['auto', 'pull', 'buildx'] as const;
export type CacheStrategy = (typeof CACHE_STRATEGIES)[number];

/** The latest input; the trust rules (trust.ts) decide what each means for a run. */
export const LATEST_SETTINGS = ['auto', 'true', 'false'] as const;
export type LatestSetting = (typeof LATEST_SETTINGS)[number];

/** The name of the buildx path's registry cache tag (the default branch's; branches add a suffix). */
export const BUILDX_CACHE_TAG = 'buildcache';

export interface Login {
  registry: string;
  username: string;
  password: string;
}

export interface Timeouts {
  /** Registry look-ups and probes: killed after this long. */
  lookupMs: number;
  /** Builds, pushes and cache work: killed after this long without output. */
  idleMs: number;
}

export interface Config {
  image: Repository;
  /** GITHUB_WORKSPACE (absolute): the repository checked out, which the context and the Dockerfile lie in. */
  workspace: string;
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  file: string;
  dockerfile: DockerfileFacts;
  /** The stage that compiles; empty in prebuild mode when the Dockerfile only packages binaries. */
  builderTarget: string;
  /** Extra tags as full references (a bare tag is put on `image`, made valid). */
  extraTags: string[];
  /** Target platforms (os/arch[/variant]); empty builds the builder's own platform only. */
  platforms: string[];
  /** The push input; what a run may push is the trust policy's decision. */
  push: boolean;
  latest: LatestSetting;
  /** When latest was built from exactly these inputs, copy its manifest to the new tags instead of building. */
  copyUnchanged: boolean;
  pullPrevious: boolean;
  buildArgs: string[];
  labels: string[];
  secrets: Secret[];
  network?: string;
  noCache: boolean;
  cacheStrategy: CacheStrategy;
  /** An existing buildx builder to use on the buildx path (empty: the current one). */
  builder?: string;
  /** A BuildKit endpoint (tcp://, unix://, …): the action creates a remote builder for it. */
  buildkitEndpoint?: string;
  login?: Login;
  /** The commit being built: tags the image and labels it. */
  commit: string;
  /** `commit` came from the commit input (not GITHUB_SHA). */
  commitGiven: boolean;
  /** A fork's (untrusted) build may run on a builder that stays (builder, buildkit-endpoint, a self-hosted runner). */
  allowUntrustedOnBuilder: boolean;
  /** URL of the repository, for the org.opencontainers.image.source label. */
  source?: string;
  goCache: GoCacheConfig;
  timeouts: Timeouts;
  /** With several images: how many build at once (default: the machine's cores). */
  parallel: number;
  /** What the inputs made the action do that a user may not expect (tags made valid, inputs ignored). */
  notes: string[];
}

export interface GoCacheConfig {
  enabled: boolean;
  /** false with `go-cache: read-only`: restore and use, never save. */
  save: boolean;
  /** Why the Go caches are not used, when they are not. */
  skipped?: string;
  /** Glob patterns (relative to the context) of the files whose hash keys the cache. */
  dependencyPaths: string[];
  mounts: GoMountSetting;
  /** Prebuild mode: `go build` these packages on the runner into `output` (inside the context). */
  prebuild?: { packages: string[]; output: string };
}

export interface ConfigEnvironment {
  env: Record<string, string | undefined>;
  /** Where relative paths start: GITHUB_WORKSPACE on a runner. */
  workspace: string;
}

const COMMIT = /^[0-9a-f]{7,64}$/;
/** A buildx builder's name (buildx's own rule); it names a file of buildx's state. */
export const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENDPOINT = /^(tcp|unix|docker-container|kube-pod|ssh):\/\/\S+$/;
/** BuildKit runs RUN steps in these network modes only. */
const NETWORKS = ['default', 'none', 'host'];
const ARG_KEY = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function readConfig(input: InputReader, { env, workspace }: ConfigEnvironment): Config {
  const notes: string[] = [];
  const image = readImage(input('image').trim());
  const context = path.resolve(workspace, input('context').trim() || '.');
  if (!isDirectory(context)) throw new InputError('context', `'${context}' is not a directory`);
  if (!realInside(workspace, context, { orSame: true })) throw outsideWorkspace('context', context, workspace);
  const file = path.resolve(context, input('file').trim() || 'Dockerfile');
  if (!isFile(file)) throw new InputError('file', `'${file}' does not exist or is not a file`);
  if (!realInside(workspace, file)) throw outsideWorkspace('file', file, workspace);
  const dockerfile = readDockerfile(fs.readFileSync(file, 'utf8'));

  const builderTarget = readBuilderTarget(input, dockerfile, file);
  const extraTags = parseList(input('tags')).map(tag => fullTag(image.name, tag, builderTarget, notes));
  const commit = readCommit(input('commit').trim(), env);
  const allowUntrustedOnBuilder = parseBoolean('allow-untrusted-on-builder', input('allow-untrusted-on-builder'), false);
  const secrets = parseSecrets(input('secrets'));
  const login = readLogin(input, image, extraTags, notes);
  const { builder, buildkitEndpoint, cacheStrategy } = readBuilder(input);
  const platforms = readPlatforms(input('platforms'), cacheStrategy);
  const network = input('network').trim();
  if (network !== '' && !NETWORKS.includes(network)) {
    throw new InputError('network', `'${network}' is not one of ${NETWORKS.join(', ')}: BuildKit runs RUN steps in no other network`);
  }
  const buildArgs = uniqueKeys('build-args', parseKeyValues('build-args', input('build-args')));
  const labels = uniqueKeys('labels', parseKeyValues('labels', input('labels')), { labels: true });
  for (const label of labels) {
    const key = label.slice(0, label.indexOf('='));
    if (ACTION_LABELS.includes(key)) throw new InputError('labels', `'${key}' is set by the action itself (it says what the image was built from)`);
  }
  const goCache = readGoCacheConfig(input, context, dockerfile, builderTarget, notes);
  const pullPrevious = parseBoolean('pull-previous', input('pull-previous'), false);
  const noCache = parseBoolean('no-cache', input('no-cache'), false);
  const push = parseBoolean('push', input('push'), true);
  const copyUnchanged = parseBoolean('copy-unchanged', input('copy-unchanged'), true);
  if (pullPrevious && noCache) notes.push('pull-previous is ignored: no-cache reads no cache, so nothing is pulled');
  else if (pullPrevious && cacheStrategy === 'buildx')
    notes.push('pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing');
  if (copyUnchanged && (noCache || !push)) {
    notes.push(`copy-unchanged is ignored: ${noCache ? 'no-cache builds every step again' : 'push is false, so there is nothing to copy to'}`);
  }
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    image,
    workspace: path.resolve(workspace),
    context,
    file,
    dockerfile,
    builderTarget,
    extraTags,
    platforms,
    push,
    latest: parseChoice('latest', input('latest'), LATEST_SETTINGS, 'auto'),
    copyUnchanged,
    pullPrevious,
    buildArgs,
    labels,
    secrets,
    network: network === '' ? undefined : network,
    noCache,
    cacheStrategy,
    builder,
    buildkitEndpoint,
    login,
    commit,
    commitGiven: input('commit').trim() !== '',
    allowUntrustedOnBuilder,
    source: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined,
    goCache,
    timeouts: {
      lookupMs: readSeconds(input, 'lookup-timeout', 30) * 1000,
      idleMs: readSeconds(input, 'idle-timeout', 600) * 1000
    },
    parallel: readParallel(input('parallel')),
    notes
  };
}

const PLATFORM = /^[a-z0-9]+\/[a-z0-9_]+(?:\/[a-z0-9]+)?$/;

function readPlatforms(raw: string, cacheStrategy: CacheStrategy): string[] {
  const platforms = parseList(raw);
  const seen = new Set<string>();
  for (const platform of platforms) {
    if (!PLATFORM.test(platform)) throw new InputError('platforms', `'${platform}' is not a platform (os/arch or os/arch/variant, e.g. linux/arm64)`);
    if (seen.has(platform)) throw new InputError('platforms', `'${platform}' is given twice`);
    seen.add(platform);
  }
  if (platforms.length && cacheStrategy === 'pull') {
    throw new InputError(
      'platforms',
      'the pull path (docker build on the classic image store) builds one platform: use cache-strategy auto or buildx with a builder that builds several (docker/setup-buildx-action) or an engine with the containerd image store'
    );
  }
  return platforms;
}

function readImage(raw: string): Repository {
  if (raw === '') throw new InputError('image', 'is required: the repository to push, without tag, e.g. ghcr.io/acme/api');
  if (/[:@]/.test(raw.slice(raw.indexOf('/') + 1)) && parseRepository(raw) === undefined) {
    throw new InputError('image', `'${raw}' has a tag or digest; give the repository only (the action chooses the tags)`);
  }
  const image = parseRepository(raw);
  if (!image) throw new InputError('image', `'${raw}' is not a valid repository name (lower case, e.g. ghcr.io/acme/api)`);
  return image;
}

function readBuilderTarget(input: InputReader, dockerfile: DockerfileFacts, file: string): string {
  const raw = input('builder-target').trim();
  if (/^\d+$/.test(raw)) throw new InputError('builder-target', `'${raw}' is a stage index; name the stage (FROM … AS builder) and give its name`);
  const target = raw || 'builder';
  // Prebuild mode may package binaries built on the runner, with no stage that compiles.
  if (input('prebuild').trim() !== '' && raw === '' && !hasStage(dockerfile, target)) return '';
  if (!hasStage(dockerfile, target) || /^\d+$/.test(target)) {
    const named = dockerfile.stages.filter(s => s.name !== String(s.index)).map(s => s.name);
    throw new InputError('builder-target', `the Dockerfile ${file} defines no stage '${target}' (named stages: ${named.join(', ') || 'none'})`);
  }
  return target.toLowerCase();
}

function readCommit(commitInput: string, env: Record<string, string | undefined>): string {
  const commit = commitInput || (env.GITHUB_SHA ?? '').trim();
  if (!COMMIT.test(commit)) {
    throw new InputError(
      commitInput ? 'commit' : 'GITHUB_SHA',
      commit === ''
        ? 'is not set: the action tags the image with the commit, so it runs inside a workflow (or set GITHUB_SHA, or the commit input)'
        : `'${commit}' is not a commit SHA`
    );
  }
  return commit;
}

function readLogin(input: InputReader, image: Repository, extraTags: string[], notes: string[]): Login | undefined {
  const username = input('registry-username').trim();
  const password = input('registry-password');
  if ((username === '') !== (password === '')) {
    throw new InputError(
      username === '' ? 'registry-username' : 'registry-password',
      'registry-username and registry-password go together: give both, or neither to use an earlier docker login'
    );
  }
  const others = [
    ...new Set(extraTags.map(tag => parseRepository(tag.slice(0, tag.lastIndexOf(':')))?.registry).filter(r => r && r !== image.registry))
  ];
  if (others.length) {
    notes.push(`tags on ${others.join(', ')}: the action logs in to ${image.registry} only; those pushes use the runner's own docker login`);
  }
  return username === '' ? undefined : { registry: image.registry, username, password };
}

function readBuilder(input: InputReader): Pick<Config, 'builder' | 'buildkitEndpoint' | 'cacheStrategy'> {
  const builder = input('builder').trim();
  if (builder !== '' && !BUILDER_NAME.test(builder)) {
    throw new InputError('builder', `'${builder}' is not a buildx builder name (letters, digits, '.', '_', '-')`);
  }
  const endpoint = input('buildkit-endpoint').trim();
  if (endpoint !== '' && !ENDPOINT.test(endpoint)) {
    throw new InputError(
      'buildkit-endpoint',
      `'${endpoint}' is not a BuildKit address: use tcp://HOST:PORT, unix:///PATH, docker-container://NAME or kube-pod://NAME`
    );
  }
  if (/^tcp:\/\//.test(endpoint) && !isLoopbackEndpoint(endpoint)) {
    throw new InputError(
      'buildkit-endpoint',
      `'${endpoint}' is plain TCP to another machine: the build context and secrets would cross the network unencrypted. Use docker/setup-buildx-action with a remote driver and TLS (driver-opts cacert, cert, key), then pass its builder name as 'builder'`
    );
  }
  if (builder !== '' && endpoint !== '') {
    throw new InputError('buildkit-endpoint', 'give builder or buildkit-endpoint, not both: the action creates its own builder for an endpoint');
  }
  const cacheStrategy = parseChoice('cache-strategy', input('cache-strategy'), CACHE_STRATEGIES, 'auto');
  if (cacheStrategy === 'pull' && (builder !== '' || endpoint !== '')) {
    throw new InputError(
      builder !== '' ? 'builder' : 'buildkit-endpoint',
      'the pull path builds with docker build on the engine and uses no buildx builder; set cache-strategy to auto or buildx'
    );
  }
  return { builder: builder || undefined, buildkitEndpoint: endpoint || undefined, cacheStrategy };
}

function readParallel(raw: string): number {
  const value = raw.trim();
  if (value === '') return Math.max(1, os.availableParallelism());
  if (!/^[1-9][0-9]*$/.test(value) || Number(value) > 64) throw new InputError('parallel', `'${value}' is not a number of builds at once (1 to 64)`);
  return Number(value);
}

function readSeconds(input: InputReader, name: string, fallback: number): number {
  const raw = input(name).trim();
  if (raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0 || value > 6 * 3600)
    throw new InputError(name, `'${raw}' is not a number of seconds (more than 0, at most 21600)`);
  return value;
}

/** KEY=VALUE items with keys that are valid and given once. */
function uniqueKeys(input: string, items: Array<{ key: string; value: string }>, { labels = false } = {}): string[] {
  const seen = new Set<string>();
  for (const { key } of items) {
    if (/\s/.test(key) || (!labels && !ARG_KEY.test(key))) {
      throw new InputError(input, `key '${key}' is not valid (${labels ? 'no spaces' : 'letters, digits and _, not starting with a digit'})`);
    }
    if (seen.has(key)) throw new InputError(input, `key '${key}' is given twice`);
    seen.add(key);
  }
  return items.map(({ key, value }) => `${key}=${value}`);
}

const KINDS: Partial<Record<string, GoCacheKind>> = { mod: 'mod', gomodcache: 'mod', build: 'build', gocache: 'build' };

function readGoCacheConfig(input: InputReader, context: string, dockerfile: DockerfileFacts, builderTarget: string, notes: string[]): GoCacheConfig {
  const mode = parseChoice('go-cache', input('go-cache').trim().toLowerCase(), ['true', 'false', 'read-only'] as const, 'true');
  const enabled = mode !== 'false';
  const dependencyPaths = parseList(input('go-cache-dependency-path') || '**/go.sum');
  for (const pattern of dependencyPaths) {
    if (pattern.startsWith('!'))
      throw new InputError('go-cache-dependency-path', `'${pattern}': exclusions are not supported; list the files to hash`);
    if (path.isAbsolute(pattern) || path.normalize(pattern).split(path.sep)[0] === '..') {
      throw new InputError('go-cache-dependency-path', `'${pattern}' is outside the context ${context}; give globs relative to it`);
    }
  }
  const mounts = readGoMounts(input('go-cache-mounts').trim() || 'auto', dockerfile);
  const packages = parseList(input('prebuild'));
  for (const pkg of packages) {
    if (pkg.startsWith('-')) throw new InputError('prebuild', `'${pkg}' starts with '-': give Go packages (./cmd/...), not go build flags`);
  }
  const outputRaw = input('prebuild-output').trim();
  const output = path.resolve(context, outputRaw || '.prebuilt');
  if (packages.length && !realInside(context, output)) {
    throw new InputError(
      'prebuild-output',
      `'${outputRaw || '.prebuilt'}' must be a folder inside the context (${context}), where the Dockerfile can COPY from`
    );
  }
  if (outputRaw && !packages.length) notes.push('prebuild-output is ignored: prebuild is empty');
  if (packages.length && mounts !== 'off' && goMounts(dockerfile, mounts).length) {
    notes.push("prebuild mode: the Go caches go to go build on the runner; the Dockerfile's Go cache mounts are not filled");
  }
  if (!enabled && (input('go-cache-dependency-path').trim() || input('go-cache-mounts').trim())) {
    notes.push('go-cache-dependency-path and go-cache-mounts are ignored: go-cache is false');
  }
  const hasGoMod = isFile(path.join(context, 'go.mod'));
  return {
    enabled: enabled && hasGoMod,
    save: mode === 'true',
    skipped: !enabled ? 'go-cache: false' : hasGoMod ? undefined : `the context ${context} has no go.mod`,
    dependencyPaths,
    mounts,
    prebuild: packages.length ? { packages, output } : undefined
  };
}

function readGoMounts(raw: string, dockerfile: DockerfileFacts): GoMountSetting {
  if (raw === 'auto' || raw === 'off') return raw;
  const ids = [...new Set(dockerfile.cacheMounts.map(m => m.id))];
  return parseKeyValues('go-cache-mounts', raw).map(({ key, value }) => {
    const kind = KINDS[value.trim().toLowerCase()];
    if (!kind) throw new InputError('go-cache-mounts', `'${key}=${value}': the cache must be mod (GOMODCACHE) or build (GOCACHE)`);
    if (!ids.includes(key)) {
      const near = ids.find(id => id.toLowerCase() === key.toLowerCase());
      throw new InputError(
        'go-cache-mounts',
        near
          ? `'${key}': cache mount ids are case-sensitive; the Dockerfile has '${near}'`
          : `'${key}' is not the id of a cache mount in the Dockerfile (ids: ${ids.join(', ') || 'none'})`
      );
    }
    return { id: key, kind };
  });
}

/** A path the build would read that leads out of the workspace (by `..`, an absolute path or a link). */
export function outsideWorkspace(input: string, target: string, workspace: string): InputError {
  const real = realPathOf(target);
  return new InputError(
    input,
    `'${target}'${real !== target ? ` (${real}, links followed)` : ''} is outside the workspace ${workspace}: the build reads only the repository checked out there`
  );
}

/**
 * A bare tag goes on the image, made valid (`feature/login` → `feature-login`, `7/merge` → `pr-7`);
 * a full reference must be a valid repository with a valid tag. The action's own tags are refused.
 */
function fullTag(image: string, item: string, builderTarget: string, notes: string[]): string {
  const tagged = splitTaggedRef(item);
  if (tagged && item.includes('/')) {
    if (!parseRepository(tagged.repository) || !isValidTag(tagged.tag)) {
      throw new InputError('tags', `'${item}' is not a valid image reference (repository:tag)`);
    }
    const reserved = tagged.repository === image ? reservedTag(tagged.tag, cacheTagNames(builderTarget)) : undefined;
    if (reserved) throw new InputError('tags', reserved);
    if (commitShapedTag(tagged.tag)) throw commitShaped(item);
    return item;
  }
  const tag = validTag(item);
  if (!tag) throw new InputError('tags', `'${item}' cannot be made a valid tag (letters, digits, '_', '.', '-'; at most 128)`);
  if (commitShapedTag(tag)) throw commitShaped(item, tag);
  if (tag !== item) notes.push(`tag '${item}' is pushed as '${tag}' (a tag may hold only letters, digits, '_', '.' and '-')`);
  const reserved = reservedTag(tag, cacheTagNames(builderTarget));
  if (reserved) throw new InputError('tags', reserved);
  return `${image}:${tag}`;
}

/** A tag shaped like a commit SHA would overwrite the commit tag of another build. */
function commitShaped(item: string, tag = item): InputError {
  return new InputError(
    'tags',
    `'${item}'${tag !== item ? ` (pushed as '${tag}')` : ''} has the shape of a commit SHA (7 to 64 hex digits): it would overwrite the commit tag of another build. A ref name is anyone's choice who may push a branch: tag with release names or fixed names only`
  );
}

/** The action's cache tag names, which `tags` may not take. */
export function cacheTagNames(builderTarget: string): string[] {
  return [BUILDX_CACHE_TAG, ...(builderTarget ? [builderTarget] : [])];
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
