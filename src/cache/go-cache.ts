// The Go caches: which Dockerfile cache mounts hold them, their key, what to do with them. Pure.
import type { CacheMount, DockerfileFacts } from '../dockerfile.js';

/** Which of the two Go caches a directory or a cache mount holds. */
export type GoCacheKind = 'mod' | 'build';
/** `warm`: the builder's cache mounts already held this key's caches, so nothing was restored or filled. */
export type GoCacheHit = 'exact' | 'partial' | 'miss' | 'warm';

/**
 * The file in each Go cache mount that names the key of the caches the mount holds: written when the
 * action fills a mount from an exact hit, or reads it back for a save. A builder whose mounts all name
 * this run's key (a self-hosted runner, a remote BuildKit) needs neither the restore nor the fill.
 * The runner's own Go folders carry it too (after an exact restore, or once they hold what is saved):
 * in prebuild mode, folders that name the key (a self-hosted runner) need no restore.
 */
export const MOUNT_MARKER = '.cached-image-build-key';

export interface GoDirs {
  /** GOMODCACHE on the runner. */
  mod: string;
  /** GOCACHE on the runner. */
  build: string;
}

export interface GoMount {
  mount: CacheMount;
  kind: GoCacheKind;
}

/** `ID=mod` / `ID=build` lines, or `auto` (by target), or `off`. */
export type GoMountSetting = 'auto' | 'off' | Array<{ id: string; kind: GoCacheKind }>;

/**
 * The cache mounts that hold a Go cache. `auto` knows them by where they are mounted: GOMODCACHE
 * ends in pkg/mod, GOCACHE is a go-build folder (the defaults of the official golang images).
 */
export function goMounts(dockerfile: DockerfileFacts, setting: GoMountSetting): GoMount[] {
  if (setting === 'off') return [];
  const seen = new Set<string>();
  const found: GoMount[] = [];
  for (const mount of dockerfile.cacheMounts) {
    if (seen.has(mount.id)) continue;
    const kind = setting === 'auto' ? kindByTarget(mount.target) : setting.find(m => m.id === mount.id)?.kind;
    if (!kind) continue;
    seen.add(mount.id);
    found.push({ mount, kind });
  }
  return found;
}

function kindByTarget(target: string): GoCacheKind | undefined {
  const t = target.replace(/\/+$/, '');
  if (/(^|\/)pkg\/mod$/.test(t)) return 'mod';
  if (/(^|\/)go-build$/.test(t) || /(^|\/)gocache$/i.test(t)) return 'build';
  return undefined;
}

export interface GoCacheKey {
  key: string;
  restoreKeys: string[];
  /** The keys of the delta entries that follow this key's entry: this prefix, then the commit. */
  deltaPrefix: string;
}

/**
 * One entry holds both caches, keyed on what decides their content: the platform, the Go version
 * of the build and the dependency files. After a go.sum change the newest entry of the same Go
 * version is restored (partial), and the build adds only what changed.
 */
export function goCacheKey(parts: { os: string; arch: string; goVersion: string; depsHash: string }): GoCacheKey {
  const prefix = `cached-image-build-go-${parts.os}-${parts.arch}-${parts.goVersion}-`;
  return {
    key: `${prefix}${parts.depsHash}`,
    restoreKeys: [prefix],
    deltaPrefix: `cached-image-build-godelta-${parts.os}-${parts.arch}-${parts.goVersion}-${parts.depsHash}-`
  };
}

/**
 * Against drift: the entry of a key is never written again (entries are immutable), while the code
 * moves on and each one-line change compiles more of what changed since. So a run after an exact
 * hit saves a small delta entry: the GOCACHE files it compiled or used that the key's entry lacks.
 * The next run restores the newest delta of the same key with it. Its own folder beside GOCACHE
 * (stable, as a cache entry's paths must be).
 */
export function deltaDirOf(dirs: GoDirs): string {
  return `${dirs.build.replace(/[\\/]+$/, '')}-delta`;
}

/** `1.26`, `1.26.3-bookworm`, `go1.26` → `go1.26` / `go1.26.3`; anything else is not a Go version. */
export function goVersionOfTag(tag: string | undefined): string | undefined {
  const match = /^(?:go)?(\d+\.\d+(?:\.\d+)?)/.exec(tag ?? '');
  return match ? `go${match[1]}` : undefined;
}

/** The `go` line of a go.mod: the least Go version the module builds with. */
export function goVersionOfGoMod(goMod: string): string | undefined {
  const match = /^go\s+(\d+\.\d+(?:\.\d+)?)\s*$/m.exec(goMod);
  return match ? `go${match[1]}` : undefined;
}

/** Expand `$VAR` and `${VAR}` with the Dockerfile's global ARG defaults overridden by build args. */
export function expandArgs(text: string, args: Record<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (_, a: string | undefined, b: string) => args[a ?? b] ?? '');
}

/** Whether every mount's marker (read from the builder, in mount order) names this key. */
export function mountsHoldKey(markers: Array<string | undefined>, key: string): boolean {
  return markers.length > 0 && markers.every(marker => marker?.trim() === key);
}

/** Cache services may store keys in lower case (act's does); @actions/cache compares without case too. */
export function classifyHit(key: string, matched: string | undefined): GoCacheHit {
  if (matched === undefined) return 'miss';
  return matched.toLowerCase() === key.toLowerCase() ? 'exact' : 'partial';
}

/** What the restore found, and where the Go caches meet the build. */
export interface GoCacheState {
  hit: GoCacheHit;
  /** The key of this build's Go caches: what a mount filled from an exact hit, or read back for the save, is marked with. */
  key: string;
  dirs: GoDirs;
  mounts: GoMount[];
  /** The base image of the stage with the mounts (ARGs expanded): it has the shell and cp we need. */
  baseImage: string;
  /** After an exact hit: the folder a delta of the GOCACHE entries compiled beyond the key's is read into. */
  deltaDir?: string;
  /**
   * After an exact hit: the time the fill dates each mount's marker with. The filled entries are
   * older, and whatever the build writes or marks is newer, by minutes: `find -newer` then tells
   * them apart even where it compares whole seconds (busybox).
   */
  deltaSince?: string;
}

export interface GoCacheRestore {
  key: string;
  restoreKeys: string[];
  hit: GoCacheHit;
  matchedKey?: string;
  paths: string[];
  bytes: number;
  seconds: number;
  mounts: GoMount[];
  baseImage: string;
  /** Why nothing was restored or used, when so. */
  note?: string;
  /** After an exact hit: the delta entries of this key (see deltaDirOf), what was restored of them, and where a new one is made. */
  delta?: GoCacheDelta;
}

export interface GoCacheDelta {
  /** The key a new delta is saved under (this key's delta prefix and the commit). */
  key: string;
  /** The delta entry restored with the key's entry, if one was. */
  matchedKey?: string;
  /** The GOCACHE entries it brought (`xx/name`): a new delta holding no others is not saved. */
  restored: string[];
  /** The folder a new delta is put in, and saved from. */
  dir: string;
  /** GOCACHE entries written or marked after this belong in the new delta. */
  since: string;
}
