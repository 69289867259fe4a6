// Every input is read and checked here, before any command runs. Pure but for reading the Dockerfile.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readDockerfile, hasStage, type DockerfileFacts } from './dockerfile.js';
import {
  InputError,
  parseBoolean,
  parseChoice,
  parseKeyValues,
  parseList,
  type InputReader
} from './inputs.js';
import { isValidTag, parseRepository, splitTaggedRef, type Repository } from './reference.js';
import type { GoCacheKind, GoMountSetting } from './cache/go-cache.js';

export const CACHE_STRATEGIES = ['auto', 'pull', 'buildx'] as const;
export type CacheStrategy = (typeof CACHE_STRATEGIES)[number];

export interface Secret {
  id: string;
  value: string;
}

export interface Login {
  registry: string;
  username: string;
  password: string;
}

export interface Config {
  image: Repository;
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  file: string;
  dockerfile: DockerfileFacts;
  /** The stage that compiles; empty in prebuild mode when the Dockerfile only packages binaries. */
  builderTarget: string;
  /** Extra tags as full references (a bare tag is put on `image`). */
  extraTags: string[];
  push: boolean;
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
  /** URL of the repository, for the org.opencontainers.image.source label. */
  source?: string;
  goCache: GoCacheConfig;
}

export interface GoCacheConfig {
  enabled: boolean;
  /** false with `go-cache: read-only`: restore and use, never save (pull requests from forks). */
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

const SECRET_ID = /^[A-Za-z0-9_.-]+$/;
const COMMIT = /^[0-9a-f]{7,64}$/;
const BUILDER_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;
const ENDPOINT = /^(tcp|unix|docker-container|kube-pod|ssh):\/\/\S+$/;

export function readConfig(input: InputReader, { env, workspace }: ConfigEnvironment): Config {
  const imageRaw = input('image').trim();
  if (imageRaw === '') throw new InputError('image', 'is required: the repository to push, without tag, e.g. ghcr.io/acme/api');
  if (/[:@]/.test(imageRaw.slice(imageRaw.indexOf('/') + 1)) && parseRepository(imageRaw) === undefined) {
    throw new InputError('image', `'${imageRaw}' has a tag or digest; give the repository only (the action chooses the tags)`);
  }
  const image = parseRepository(imageRaw);
  if (!image) {
    throw new InputError('image', `'${imageRaw}' is not a valid repository name (lower case, e.g. ghcr.io/acme/api)`);
  }

  const context = path.resolve(workspace, input('context').trim() || '.');
  if (!isDirectory(context)) throw new InputError('context', `'${context}' is not a directory`);
  const file = path.resolve(context, input('file').trim() || 'Dockerfile');
  if (!isFile(file)) throw new InputError('file', `'${file}' does not exist or is not a file`);
  const dockerfile = readDockerfile(fs.readFileSync(file, 'utf8'));

  const builderTargetRaw = input('builder-target').trim();
  const builderTarget = builderTargetRaw || 'builder';
  const prebuildWithoutBuilder = input('prebuild').trim() !== '' && builderTargetRaw === '' && !hasStage(dockerfile, builderTarget);
  if (!prebuildWithoutBuilder && !hasStage(dockerfile, builderTarget)) {
    const named = dockerfile.stages.filter(s => s.name !== String(s.index)).map(s => s.name);
    throw new InputError(
      'builder-target',
      `the Dockerfile ${file} defines no stage '${builderTarget}' (named stages: ${named.join(', ') || 'none'})`
    );
  }

  const extraTags = parseList(input('tags')).map(tag => fullTag(image.name, tag));

  const commitInput = input('commit').trim();
  const commit = commitInput || (env.GITHUB_SHA ?? '').trim();
  if (!COMMIT.test(commit)) {
    throw new InputError(
      commitInput ? 'commit' : 'GITHUB_SHA',
      commit === ''
        ? 'is not set: the action tags the image with the commit, so it runs inside a workflow (or set GITHUB_SHA, or the commit input)'
        : `'${commit}' is not a commit SHA`
    );
  }

  const secrets = parseKeyValues('secrets', input('secrets'), { secret: true }).map(({ key, value }) => {
    if (!SECRET_ID.test(key)) throw new InputError('secrets', `secret id '${key}' may only have letters, digits, '.', '_' and '-'`);
    return { id: key, value };
  });

  const username = input('registry-username').trim();
  const password = input('registry-password');
  if ((username === '') !== (password === '')) {
    throw new InputError(
      username === '' ? 'registry-username' : 'registry-password',
      'registry-username and registry-password go together: give both, or neither to use an earlier docker login'
    );
  }

  const goCache = readGoCacheConfig(input, context);
  const builder = input('builder').trim();
  if (builder !== '' && !BUILDER_NAME.test(builder)) {
    throw new InputError('builder', `'${builder}' is not a buildx builder name (letters, digits, '.', '_', '-')`);
  }
  const buildkitEndpoint = input('buildkit-endpoint').trim();
  if (buildkitEndpoint !== '' && !ENDPOINT.test(buildkitEndpoint)) {
    throw new InputError(
      'buildkit-endpoint',
      `'${buildkitEndpoint}' is not a BuildKit address: use tcp://HOST:PORT, unix:///PATH, docker-container://NAME or kube-pod://NAME`
    );
  }
  if (builder !== '' && buildkitEndpoint !== '') {
    throw new InputError('buildkit-endpoint', 'give builder or buildkit-endpoint, not both: the action creates its own builder for an endpoint');
  }
  const cacheStrategy = parseChoice('cache-strategy', input('cache-strategy'), CACHE_STRATEGIES, 'auto');
  if (cacheStrategy === 'pull' && (builder !== '' || buildkitEndpoint !== '')) {
    throw new InputError(
      builder !== '' ? 'builder' : 'buildkit-endpoint',
      'the pull path builds with docker build on the engine and uses no buildx builder; set cache-strategy to auto or buildx'
    );
  }
  const network = input('network').trim();
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  return {
    image,
    context,
    file,
    dockerfile,
    builderTarget: prebuildWithoutBuilder ? '' : builderTarget.toLowerCase(),
    extraTags,
    push: parseBoolean('push', input('push'), true),
    pullPrevious: parseBoolean('pull-previous', input('pull-previous'), false),
    buildArgs: parseKeyValues('build-args', input('build-args')).map(({ key, value }) => `${key}=${value}`),
    labels: parseKeyValues('labels', input('labels')).map(({ key, value }) => `${key}=${value}`),
    secrets,
    network: network === '' ? undefined : network,
    noCache: parseBoolean('no-cache', input('no-cache'), false),
    cacheStrategy,
    builder: builder === '' ? undefined : builder,
    buildkitEndpoint: buildkitEndpoint === '' ? undefined : buildkitEndpoint,
    login: username === '' ? undefined : { registry: image.registry, username, password },
    commit,
    source: env.GITHUB_REPOSITORY ? `${server}/${env.GITHUB_REPOSITORY}` : undefined,
    goCache
  };
}

const KINDS: Record<string, GoCacheKind> = { mod: 'mod', gomodcache: 'mod', build: 'build', gocache: 'build' };

function readGoCacheConfig(input: InputReader, context: string): GoCacheConfig {
  const mode = parseChoice('go-cache', input('go-cache').trim().toLowerCase(), ['true', 'false', 'read-only'] as const, 'true');
  const enabled = mode !== 'false';
  const dependencyPaths = parseList(input('go-cache-dependency-path') || '**/go.sum');
  const mountsRaw = input('go-cache-mounts').trim() || 'auto';
  let mounts: GoMountSetting;
  if (mountsRaw === 'auto' || mountsRaw === 'off') mounts = mountsRaw;
  else {
    mounts = parseKeyValues('go-cache-mounts', mountsRaw).map(({ key, value }) => {
      const kind = KINDS[value.trim().toLowerCase()];
      if (!kind) throw new InputError('go-cache-mounts', `'${key}=${value}': the cache must be mod (GOMODCACHE) or build (GOCACHE)`);
      return { id: key, kind };
    });
  }
  const packages = parseList(input('prebuild'));
  const outputRaw = input('prebuild-output').trim() || '.prebuilt';
  const output = path.resolve(context, outputRaw);
  if (packages.length && !output.startsWith(`${context}${path.sep}`)) {
    throw new InputError('prebuild-output', `'${outputRaw}' must be a folder inside the context (${context}), where the Dockerfile can COPY from`);
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

/** A bare tag goes on the image; a full reference must be a valid repository with a valid tag. */
function fullTag(image: string, item: string): string {
  const tagged = splitTaggedRef(item);
  if (tagged && item.includes('/')) {
    if (!parseRepository(tagged.repository) || !isValidTag(tagged.tag)) {
      throw new InputError('tags', `'${item}' is not a valid image reference (repository:tag)`);
    }
    return item;
  }
  if (!isValidTag(item)) {
    throw new InputError('tags', `'${item}' is not a valid tag (letters, digits, '_', '.', '-'; at most 128; not starting with '.' or '-')`);
  }
  return `${image}:${item}`;
}

function isDirectory(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;
}

function isFile(p: string): boolean {
  return fs.statSync(p, { throwIfNoEntry: false })?.isFile() ?? false;
}
