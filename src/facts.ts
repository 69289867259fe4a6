// What the environment offers, found out once before planning.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as semver from 'semver';
import type { GoDirs } from './cache/go-cache.js';
import type { Config } from './config.js';
import { limits } from './limits.js';
import { lastLine, runProcess, type ProcessResult, type TimeLimit } from './run/process.js';

export interface Facts extends ClientFacts {
  dockerServer: string;
  /** Version of the buildx CLI plugin, when it is installed. */
  buildx?: string;
  /** The engine's image store: the containerd store lets the docker driver export registry cache. */
  imageStore: 'classic' | 'containerd';
  /** A private folder for files of this run (iidfiles, secrets). */
  tempDir: string;
  /** Where the Go caches live on the runner (go env when Go is there, Go's defaults otherwise). */
  goDirs: GoDirs;
  /** Go on the runner, when there is one. */
  go?: { version: string; arch: string };
  /** The buildx builder for the buildx path, as `docker buildx inspect --bootstrap` found it. */
  builder?: BuilderFacts;
}

export interface BuilderFacts {
  /** The name to pass to `--builder`. */
  name: string;
  driver?: string;
  /** The node's status: running, inactive, … */
  status?: string;
  /** The platforms the builder can build for (its own first); with QEMU, emulated ones too. */
  platforms?: string[];
  endpoint?: string;
  buildkit?: string;
  /** Why the builder cannot be used, when so (it does not answer, it does not exist). */
  problem?: string;
  /** The action created it for `buildkit-endpoint`; the post step removes it. */
  created?: boolean;
}

/** Drivers whose BuildKit exports cache to a registry; the docker driver (dockerd's own BuildKit) cannot. */
const CACHE_EXPORTING_DRIVERS = ['docker-container', 'remote', 'kubernetes'];

/** Why the builder cannot serve the buildx path (registry cache export), or undefined when it can. */
export function buildxPathProblem(facts: Pick<Facts, 'buildx' | 'builder' | 'imageStore'>): string | undefined {
  if (!facts.buildx) return 'the buildx plugin is not installed (docker/setup-buildx-action installs it)';
  const builder = facts.builder;
  if (!builder) return 'no buildx builder was probed';
  if (builder.problem) return builder.problem;
  // The engine's own BuildKit exports registry cache only with the containerd image store.
  if (builder.driver === 'docker' && facts.imageStore === 'containerd') return undefined;
  if (!builder.driver || !CACHE_EXPORTING_DRIVERS.includes(builder.driver)) {
    return `builder ${builder.name} uses the ${builder.driver ?? 'unknown'} driver, which cannot export cache to a registry with the engine's ${facts.imageStore} image store (use docker/setup-buildx-action, builder or buildkit-endpoint, or the containerd image store)`;
  }
  return undefined;
}

/**
 * The newest engine major the action is proven on (test/engines.txt: Docker 20.10, 28 and 29). A newer
 * one is not refused: most of what the action asks of an engine has been stable for years.
 */
export const NEWEST_TESTED_ENGINE_MAJOR = 29;

/** A notice for an engine newer than any the action is tested on, or undefined. */
export function untestedEngineNote(dockerServer: string): string | undefined {
  // Only a version that starts as one does (a development build's name may hold any number).
  const major = /^v?(\d+)\.\d+/.exec(dockerServer)?.[1];
  if (major === undefined || Number(major) <= NEWEST_TESTED_ENGINE_MAJOR) return undefined;
  return `Docker engine ${dockerServer} is newer than any this action is tested on (the newest is ${NEWEST_TESTED_ENGINE_MAJOR}.x): it goes on as usual; if something fails, say so in an issue with this version`;
}

/** What the summary says of the engine a build ran on. */
export function engineLine(facts: Pick<Facts, 'dockerServer' | 'imageStore' | 'buildx'>): string {
  return `Docker ${facts.dockerServer}, ${facts.imageStore} image store, buildx ${facts.buildx ?? 'not installed'}`;
}

/** `docker info`'s DriverStatus names the containerd snapshotter when the engine uses the containerd image store. */
export function imageStoreOf(driverStatus: string): Facts['imageStore'] {
  return /io\.containerd\.snapshotter/.test(driverStatus) ? 'containerd' : 'classic';
}

/** `docker buildx inspect` output: the builder's name and driver, and its first node's endpoint and status. */
export function parseBuildxInspect(
  text: string
): Pick<BuilderFacts, 'driver' | 'status' | 'endpoint' | 'buildkit' | 'platforms'> & { name?: string } {
  const field = (key: string) => new RegExp(`^${key}:[ \t]*(.*)$`, 'm').exec(text)?.[1]?.trim() || undefined;
  const platforms = field('Platforms')
    ?.split(',')
    .map(p => p.trim().replace(/\*$/, ''))
    .filter(Boolean);
  return {
    name: field('Name'),
    driver: field('Driver'),
    endpoint: field('Endpoint'),
    status: field('Status'),
    buildkit: field('BuildKit version') ?? field('Buildkit'),
    ...(platforms?.length ? { platforms } : {})
  };
}

/**
 * The builder of the buildx path: the one named by `builder`, a remote builder created for
 * `buildkit-endpoint`, or the current one. Bootstrapped, so a builder that does not answer says so
 * here, before planning. Nothing to do for `cache-strategy: pull` or without buildx.
 */
export async function prepareBuilder(config: Config, buildx: string | undefined): Promise<BuilderFacts | undefined> {
  if (config.cacheStrategy === 'pull' || !buildx) return undefined;
  const limit = limits(config);
  let name = config.builder;
  let created = false;
  if (config.buildkitEndpoint) {
    name = `cached-image-build-${process.pid}-${Date.now().toString(36)}`;
    const create = await docker(['buildx', 'create', '--name', name, '--driver', 'remote', config.buildkitEndpoint], limit.lookup);
    if (create.exitCode !== 0) {
      // It may exist all the same (buildx writes the builder before it reaches the endpoint): the post step removes it.
      return {
        name,
        endpoint: config.buildkitEndpoint,
        created: true,
        problem: `docker buildx create for ${config.buildkitEndpoint} failed: ${why(create)}`
      };
    }
    created = true;
  }
  const inspect = await docker(['buildx', 'inspect', '--bootstrap', ...(name ? [name] : [])], limit.bootstrap);
  const found = parseBuildxInspect(inspect.stdout);
  const builder: BuilderFacts = { ...found, name: name ?? found.name ?? 'default', created };
  if (inspect.exitCode !== 0) {
    const where = config.buildkitEndpoint ? ` at ${config.buildkitEndpoint}` : '';
    builder.problem = `builder ${builder.name}${where} does not answer: ${why(inspect)}`;
  } else if (builder.status && builder.status !== 'running') {
    builder.problem = `builder ${builder.name} is ${builder.status}`;
  }
  return builder;
}

function why(result: ProcessResult): string {
  return result.timedOut ?? lastLine(result.tail).replace(/^ERROR:\s*/, '');
}

/**
 * The docker CLI before 23 sends the context itself (its own .dockerignore filter) and reaches BuildKit
 * without the buildx plugin; from 23 it runs BuildKit builds through buildx only. A version it cannot
 * read is neither.
 */
function cliGeneration(dockerClient: string): 'classic' | 'buildx' | undefined {
  const client = semver.coerce(dockerClient);
  if (!client) return undefined;
  return semver.lt(client, '23.0.0') ? 'classic' : 'buildx';
}

/** Whether the docker CLI is a classic one (before 23): its own .dockerignore rules send the context. */
export function classicClient(client: Pick<ClientFacts, 'dockerClient'>): boolean {
  return cliGeneration(client.dockerClient) === 'classic';
}

/** The facts that decide whether `docker build` can reach BuildKit at all. */
export function buildkitProblem(facts: Pick<Facts, 'dockerClient' | 'buildx'>): string | undefined {
  if (cliGeneration(facts.dockerClient) === 'buildx' && !facts.buildx) {
    return `the docker CLI ${facts.dockerClient} has no buildx plugin, and it needs one for BuildKit builds: install docker-buildx (docker/setup-buildx-action does)`;
  }
  return undefined;
}

/** What a run needs before it knows whether it builds: the docker CLI's version, which does not ask the engine. */
export interface ClientFacts {
  dockerClient: string;
  /** When the run started, for the org.opencontainers.image.created label. */
  now: string;
  /** The runner's platform, as the Actions cache keys name it. */
  runner: { os: string; arch: string };
}

/** The docker CLI's version (`docker --version`: no engine asked, a fraction of `docker version`'s time). */
export async function probeClient(config: Config): Promise<ClientFacts> {
  const version = await docker(['--version'], limits(config).lookup);
  const dockerClient = version.exitCode === 0 ? /version\s+v?([^\s,]+)/i.exec(version.stdout)?.[1] : undefined;
  if (!dockerClient) {
    throw new Error(
      `the docker CLI is not usable here (docker --version: ${version.exitCode === 0 ? version.stdout.trim() : why(version)}); install it`
    );
  }
  return {
    dockerClient,
    now: new Date().toISOString(),
    runner: { os: process.env.RUNNER_OS || os.type(), arch: process.env.RUNNER_ARCH || os.arch() }
  };
}

/** The engine, buildx and Go on the runner, asked at once, when a build is certain (a copy needs none of them). */
export async function probeFacts(config: Config, client: ClientFacts): Promise<Facts> {
  const limit = limits(config).lookup;
  const [version, buildxOut, goEnv, info] = await Promise.all([
    docker(['version', '--format', '{{.Server.Version}}'], limit),
    docker(['buildx', 'version'], limit),
    probeGo(limit),
    docker(['info', '--format', '{{json .DriverStatus}}'], limit)
  ]);
  if (version.exitCode !== 0) {
    throw new Error(`docker is not usable here (docker version: ${why(version)}); start the Docker engine or set DOCKER_HOST`);
  }
  // A plugin that does not answer in time is not a missing plugin: say which it is.
  if (buildxOut.timedOut) {
    throw new Error(
      `docker buildx version did not answer (${buildxOut.timedOut}); the runner is slow to start the buildx plugin: raise lookup-timeout`
    );
  }
  const dockerServer = version.stdout.trim();
  const buildx = buildxOut.exitCode === 0 ? /v?(\d+\.\d+\.\d+\S*)/.exec(buildxOut.stdout)?.[1] : undefined;
  const base = process.env.RUNNER_TEMP || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const tempDir = fs.mkdtempSync(path.join(base, 'cached-image-build-'));
  const home = os.homedir();
  const goDirs = {
    mod: goEnv?.GOMODCACHE || process.env.GOMODCACHE || path.join(home, 'go', 'pkg', 'mod'),
    build: goEnv?.GOCACHE || process.env.GOCACHE || path.join(home, '.cache', 'go-build')
  };
  return {
    ...client,
    dockerServer,
    buildx,
    imageStore: imageStoreOf(info.stdout),
    tempDir,
    goDirs,
    go: goEnv ? { version: goEnv.GOVERSION, arch: goEnv.GOARCH } : undefined
  };
}

type GoEnv = Record<'GOMODCACHE' | 'GOCACHE' | 'GOVERSION' | 'GOARCH', string>;

/** Go on the runner as the prebuild steps find it (their architecture without `platforms` is its GOARCH). */
export async function probeGo(limit: TimeLimit): Promise<GoEnv | undefined> {
  const result = await runProcess({ argv: ['go', 'env', '-json', 'GOMODCACHE', 'GOCACHE', 'GOVERSION', 'GOARCH'], limit, captureStdout: true });
  if (result.exitCode !== 0) return undefined;
  try {
    return JSON.parse(result.stdout) as GoEnv;
  } catch {
    return undefined;
  }
}

function docker(args: string[], limit: TimeLimit): Promise<ProcessResult> {
  return runProcess({ argv: ['docker', ...args], limit, captureStdout: true });
}
