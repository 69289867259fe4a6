// The platform a build without `platforms` builds for, and the builder's own (for $BUILDPLATFORM),
// found without starting anything: from the environment docker sees and the state files of the
// docker CLI (config.json, its contexts) and of buildx (its builders). The builder's own platform is
// known only when the build happens on this machine: then it is this machine's. Pure but for
// readBuildPlatform, which reads the files.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import { BUILDER_NAME, type Config } from './config.js';
import { isLoopbackEndpoint } from './loopback.js';
import { readTextIfExists } from './files.js';

export interface BuildPlatform {
  /** What a build without `platforms` builds for: DOCKER_DEFAULT_PLATFORM, else the builder's own. */
  target?: string;
  /** The builder's own platform, when the build happens on this machine. */
  build?: string;
  /** Why `target` is not known. */
  problem?: string;
}

export interface PlatformSources {
  /** The environment docker and buildx get. */
  env: Record<string, string | undefined>;
  /** The home folder, where the docker CLI keeps its config (~/.docker) when DOCKER_CONFIG is not set. */
  home: string;
  /** This machine's architecture and byte order, as node:os names them. */
  arch: string;
  endianness: 'BE' | 'LE';
  /** The action's inputs that pick what builds. */
  config: Pick<Config, 'builder' | 'buildkitEndpoint' | 'cacheStrategy'>;
  /** A state file's text (absolute path); undefined when it is not there. */
  read: (file: string) => string | undefined;
}

/** The docker CLI's engine when neither DOCKER_HOST nor a context names one. */
const DEFAULT_HOST = 'unix:///var/run/docker.sock';

/** The platform built for and the builder's, from the environment and the state files (pure). */
export function resolveBuildPlatform(sources: PlatformSources): BuildPlatform {
  const native = nativePlatform(sources.arch, sources.endianness);
  const state = new DockerState(sources);
  const elsewhere = native === undefined ? `this machine's architecture ${sources.arch} has no platform name here` : state.remoteBuilder();
  const build = elsewhere === undefined ? native : undefined;
  // buildx and docker build both take --platform's default from it.
  const preset = sources.env.DOCKER_DEFAULT_PLATFORM?.trim();
  if (preset) return { target: preset, ...(build ? { build } : {}) };
  return build ? { target: build, build } : { problem: elsewhere };
}

/** resolveBuildPlatform over the files of this machine, for the build a config describes. */
export function readBuildPlatform(config: PlatformSources['config'], env: Record<string, string | undefined>): BuildPlatform {
  return resolveBuildPlatform({
    env,
    home: env.HOME || os.homedir(),
    arch: os.arch(),
    endianness: os.endianness(),
    config,
    read: readTextIfExists
  });
}

/** This machine's platform as BuildKit names it by default (Go's arch names; 32-bit arm as v7). */
export function nativePlatform(arch: string, endianness: 'BE' | 'LE'): string | undefined {
  const names: Record<string, string> = {
    x64: 'amd64',
    arm64: 'arm64',
    arm: 'arm/v7',
    ia32: '386',
    s390x: 's390x',
    riscv64: 'riscv64',
    loong64: 'loong64',
    ppc64: endianness === 'LE' ? 'ppc64le' : 'ppc64',
    mips64el: 'mips64le'
  };
  return Object.hasOwn(names, arch) ? `linux/${names[arch]}` : undefined;
}

/** A buildx builder's state file (the fields read here). */
interface NodeGroup {
  Name?: string;
  Driver?: string;
  Nodes?: Array<{ Name?: string; Endpoint?: string }> | null;
  Dynamic?: boolean;
}

/** The docker CLI's and buildx's state, resolved as they resolve it. */
class DockerState {
  private readonly env: Record<string, string | undefined>;
  private readonly read: (file: string) => string | undefined;
  private readonly dockerDir: string;
  private readonly buildxDir: string;

  constructor(private readonly sources: PlatformSources) {
    this.env = sources.env;
    this.read = sources.read;
    this.dockerDir = this.env.DOCKER_CONFIG || path.join(sources.home, '.docker');
    this.buildxDir = this.env.BUILDX_CONFIG || path.join(this.dockerDir, 'buildx');
  }

  /**
   * Why what builds may not be on this machine; undefined when all of it is. The engine is judged
   * unless the buildx path is certain (docker build, and auto's fall-back, build on it); then the
   * builder: the one for `buildkit-endpoint`, `builder`, BUILDX_BUILDER (buildx's --builder default,
   * and docker build keeps it), or buildx's current one where buildx may build.
   */
  remoteBuilder(): string | undefined {
    const { config } = this.sources;
    const engine = config.cacheStrategy === 'buildx' ? undefined : this.engineProblem();
    if (engine) return engine;
    if (config.buildkitEndpoint) return this.buildkitProblem(config.buildkitEndpoint, 'buildkit-endpoint');
    const named = config.builder ?? this.env.BUILDX_BUILDER;
    if (named) return this.builderProblem(named);
    // docker build keeps to the context's own builder unless `docker buildx install` made it buildx's.
    if (config.cacheStrategy !== 'pull' || this.configFile()?.aliases?.builder) return this.builderProblem(this.currentBuilder());
    return undefined;
  }

  /** The engine the docker CLI talks to: DOCKER_HOST (it wins over any context), else its context's. */
  private engineProblem(): string | undefined {
    if (this.env.DOCKER_HOST) return hostProblem(this.env.DOCKER_HOST, 'DOCKER_HOST');
    const context = this.contextName();
    const host = this.contextHost(context);
    if (typeof host !== 'string') return host.problem;
    return hostProblem(host, `docker context ${context}`);
  }

  private contextName(): string {
    if (this.env.DOCKER_HOST) return 'default';
    return this.env.DOCKER_CONTEXT || this.configFile()?.currentContext || 'default';
  }

  private configFile(): { currentContext?: string; aliases?: Record<string, string> } | undefined {
    const text = this.read(path.join(this.dockerDir, 'config.json'));
    return text === undefined ? undefined : (parseJson(text) as { currentContext?: string; aliases?: Record<string, string> } | undefined);
  }

  /** A context's docker endpoint: its meta file, contexts/meta/<sha256 of the name>/meta.json. */
  private contextHost(name: string): string | { problem: string } {
    if (name === 'default') return this.env.DOCKER_HOST || DEFAULT_HOST;
    const text = this.read(path.join(this.dockerDir, 'contexts', 'meta', sha256(name), 'meta.json'));
    const meta = text === undefined ? undefined : (parseJson(text) as { Endpoints?: { docker?: { Host?: string } } } | undefined);
    const host = meta?.Endpoints?.docker?.Host;
    return host ?? { problem: `docker context ${name}: its endpoint could not be read` };
  }

  /** A builder by name, as buildx finds it: its state file, else the docker context of that name. */
  private builderProblem(name: string): string | undefined {
    if (!BUILDER_NAME.test(name)) return `builder ${name}: not a builder name`;
    const text = this.read(path.join(this.buildxDir, 'instances', name));
    if (text === undefined) {
      // A context's builder: the docker driver on that context's engine.
      const host = this.contextHost(name);
      if (typeof host !== 'string') return `builder ${name}: no buildx state file and no docker context of that name`;
      return hostProblem(host, `builder ${name}`);
    }
    const group = parseJson(text) as NodeGroup | undefined;
    if (!group || typeof group !== 'object') return `builder ${name}: its state file could not be read`;
    // Without --platform buildx builds on the first node, at its own platform.
    const first = group.Nodes?.[0];
    if (group.Dynamic || !first) return `builder ${name} has ${group.Dynamic ? 'dynamic' : 'no'} nodes`;
    const endpoint = first.Endpoint ?? '';
    switch (group.Driver) {
      case 'docker':
      case 'docker-container': {
        // A docker context's name or a docker host.
        const host = endpoint.includes('://') ? endpoint : this.contextHost(endpoint);
        if (typeof host !== 'string') return `builder ${name}: ${host.problem}`;
        return hostProblem(host, `builder ${name}`);
      }
      case 'remote':
        return this.buildkitProblem(endpoint, `builder ${name}`);
      default:
        return `builder ${name} uses the ${group.Driver ?? 'unknown'} driver`;
    }
  }

  /** A BuildKit address: a unix socket, loopback TCP, or a container of this machine's engine. */
  private buildkitProblem(endpoint: string, what: string): string | undefined {
    if (endpoint.startsWith('unix://') || isLoopbackEndpoint(endpoint)) return undefined;
    if (endpoint.startsWith('docker-container://')) return this.engineProblem();
    return `${what} ${endpoint} is not on this machine`;
  }

  /**
   * buildx's current builder: `current` when it is global or was set for this context's key, else
   * the context's default (defaults/<key hash>), else the context's own builder. The key is the
   * context's name, or the default context's host.
   */
  private currentBuilder(): string {
    const context = this.contextName();
    const key = context === 'default' ? this.env.DOCKER_HOST || DEFAULT_HOST : context;
    const exists = (name: string) => this.read(path.join(this.buildxDir, 'instances', name)) !== undefined;
    const text = this.read(path.join(this.buildxDir, 'current'));
    const current = text === undefined ? undefined : (parseJson(text) as { Key?: string; Name?: string; Global?: boolean } | undefined);
    if (current?.Name) {
      if (current.Global && exists(current.Name)) return current.Name;
      if (current.Key === key) return exists(current.Name) ? current.Name : context;
    }
    const fallback = this.read(path.join(this.buildxDir, 'defaults', sha256(key).slice(0, 20)));
    return fallback && exists(fallback) ? fallback : context;
  }
}

/** Whether a docker host is this machine's engine: a unix socket, or TCP on loopback. */
function hostProblem(host: string, what: string): string | undefined {
  if (host.startsWith('unix://') || isLoopbackEndpoint(host)) return undefined;
  return `${what} is ${host}, another machine's engine`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
