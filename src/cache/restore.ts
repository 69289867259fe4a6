// Restore the Go caches through the Actions cache, before the build. A cache that misbehaves
// never fails the build: warn and go on without it.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as glob from '@actions/glob';
import type { Config } from '../config.js';
import type { Facts } from '../facts.js';
import { limits } from '../limits.js';
import {
  expandArgs,
  goCacheKey,
  goMounts,
  goVersionOfGoMod,
  goVersionOfTag,
  classifyHit,
  deltaDirOf,
  MOUNT_MARKER,
  type GoCacheDelta,
  type GoCacheRestore,
  type GoDirs,
  type GoCacheKey,
  type GoMount
} from './go-cache.js';
import { folderSize, MAX_INPUT_FILE_BYTES, readBounded, readTextBounded, readTextIfExists, removeTree } from '../files.js';
import { AGED_MS, adoptDelta, ageBuildCache } from './trim.js';
import { runCacheJob } from './worker.js';

/** Where the caches are used: the Dockerfile's cache mounts, or go build on the runner. */
export function goCacheUsers(config: Config): { mounts: GoMount[]; baseImage: string } {
  const mounts = goMounts(config.dockerfile, config.goCache.mounts);
  const stage = config.dockerfile.stages.find(s => s.name === mounts[0]?.mount.stage);
  const args = {
    ...config.dockerfile.globalArgs,
    ...Object.fromEntries(config.buildArgs.map(a => a.split(/=(.*)/s).slice(0, 2) as [string, string]))
  };
  return { mounts, baseImage: stage ? expandArgs(stage.baseImage, args) : '' };
}

/** The key of the Go caches for this build, and where they are used; undefined when they are not used (and why, in the log). */
export async function goCacheKeyFor(config: Config, facts: Facts): Promise<(GoCacheKey & { mounts: GoMount[]; baseImage: string }) | undefined> {
  const { mounts, baseImage } = goCacheUsers(config);
  if (!config.goCache.enabled) {
    core.info(`Go caches not used: ${config.goCache.skipped}`);
    return undefined;
  }
  if (mounts.length === 0 && !config.goCache.prebuild) {
    core.info(
      'Go caches not used: the Dockerfile has no Go cache mounts (RUN --mount=type=cache,target=…/pkg/mod or …/go-build) and prebuild is off'
    );
    return undefined;
  }
  // go.mod and the go.sum files are the checked-out code's: read only up to a few MB each.
  const goMod = readTextBounded(path.join(config.context, 'go.mod'));
  if (goMod && 'tooBig' in goMod) {
    core.warning(`Go caches not used: ${path.join(config.context, 'go.mod')} holds ${goMod.tooBig} bytes, more than ${MAX_INPUT_FILE_BYTES}`);
    return undefined;
  }
  const goVersion =
    (config.goCache.prebuild ? facts.go?.version : goVersionOfTag(baseImage.split(':').pop())) ?? goVersionOfGoMod(goMod?.text ?? '') ?? 'go';
  const patterns = config.goCache.dependencyPaths.map(p => path.join(config.context, p)).join('\n');
  const deps = await hashDependencyFiles(patterns, config.context);
  if ('problem' in deps) {
    core.warning(`Go caches not used: no cache key, ${deps.problem}`);
    return undefined;
  }
  return { ...goCacheKey({ ...facts.runner, goVersion, depsHash: deps.hash || 'no-dependency-files' }), mounts, baseImage };
}

/** All the files of the cache key together: a few of a few MB each, not the runner's disk. */
export const MAX_DEPENDENCY_BYTES = 64 * 1024 * 1024;

/**
 * The hash of the files the patterns match under `root`, exactly as @actions/glob's hashFiles makes it
 * (the SHA-256 of each file's SHA-256, in the glob's order; '' when none match), with every read
 * bounded: a file over MAX_INPUT_FILE_BYTES, all of them over MAX_DEPENDENCY_BYTES, or a match that is
 * no regular file (a link to a device) is a problem, not a key.
 */
export async function hashDependencyFiles(patterns: string, root: string): Promise<{ hash: string } | { problem: string }> {
  const globber = await glob.create(patterns, { followSymbolicLinks: true });
  const result = createHash('sha256');
  let total = 0;
  let matched = false;
  for await (const file of globber.globGenerator()) {
    if (!file.startsWith(`${root}${path.sep}`)) continue;
    const stat = await fs.stat(file).catch(() => undefined);
    if (stat?.isDirectory()) continue;
    const read = readBounded(file);
    if (!read) return { problem: `${file} cannot be read as a file` };
    if ('tooBig' in read) return { problem: `${file} holds ${read.tooBig} bytes, more than ${MAX_INPUT_FILE_BYTES}` };
    total += read.bytes.length;
    if (total > MAX_DEPENDENCY_BYTES)
      return { problem: `the files matched by go-cache-dependency-path hold more than ${MAX_DEPENDENCY_BYTES} bytes` };
    result.write(createHash('sha256').update(read.bytes).digest());
    matched = true;
  }
  result.end();
  return { hash: matched ? result.digest('hex') : '' };
}

/**
 * Restores the entry of `key` (or the newest of its restore keys) into the runner's Go folders. A
 * `cancel` signal stops it (the builder turned out to hold the caches already: the caller says so):
 * the folders, maybe half made, are emptied, and nothing is restored.
 */
export async function restoreGoCaches(
  config: Config,
  facts: Facts,
  found: NonNullable<Awaited<ReturnType<typeof goCacheKeyFor>>>,
  cancel?: AbortSignal
): Promise<GoCacheRestore> {
  const { key, restoreKeys, deltaPrefix, mounts, baseImage } = found;
  const paths = [facts.goDirs.mod, facts.goDirs.build];
  const deltaDir = deltaDirOf(facts.goDirs);
  const started = Date.now();
  let matchedKey: string | undefined;
  let note: string | undefined;
  let delta: GoCacheDelta | undefined;
  const unavailable = 'the Actions cache service is not available here';
  if (!process.env.ACTIONS_CACHE_URL && !process.env.ACTIONS_RESULTS_URL) note = unavailable;
  else {
    // Bounded like a build: a total limit of idle-timeout (the library prints nothing while it downloads).
    const limit = { totalMs: limits(config).activity.idleMs };
    const deltaKey = `${deltaPrefix}${config.commit}`;
    await removeTree(deltaDir);
    // The newest delta of this key comes down beside the key's entry; it is used only with an exact hit.
    const [result, deltaResult] = await Promise.all([
      runCacheJob({ op: 'restore', paths, key, restoreKeys }, limit, undefined, cancel),
      runCacheJob({ op: 'restore', paths: [deltaDir], key: deltaKey, restoreKeys: [deltaPrefix] }, limit, undefined, cancel)
    ]);
    if (cancel?.aborted) {
      await Promise.all([...paths, deltaDir].map(dir => removeTree(dir)));
      return { key, restoreKeys, hit: 'miss', note: 'stopped', paths, bytes: 0, seconds: (Date.now() - started) / 1000, mounts, baseImage };
    }
    if (result.unavailable) note = unavailable;
    else if (result.error || result.restoreFailed) {
      // What a failed download or unpack left is half a cache: none is better.
      await Promise.all(paths.map(dir => removeTree(dir)));
      note = `restoring the Go caches failed (${result.error ?? `the entry ${result.matchedKey} could not be downloaded or unpacked`}); the folders were emptied and the build goes on without them`;
      core.warning(note);
    } else matchedKey = result.matchedKey;
    if (classifyHit(key, matchedKey) === 'exact') {
      // A delta that failed half-way is only left out: the key's entry is whole without it.
      const deltaOk = deltaResult.matchedKey !== undefined && !deltaResult.error && !deltaResult.restoreFailed;
      if (deltaResult.error || deltaResult.restoreFailed)
        core.warning(
          `Restoring the newest delta of the Go caches failed (${deltaResult.error ?? 'it could not be downloaded or unpacked'}); going on without it`
        );
      delta = await prepareForDelta(facts.goDirs.build, deltaDir, deltaKey, deltaOk ? deltaResult.matchedKey : undefined);
    }
  }
  await removeTree(deltaDir);
  const hit = classifyHit(key, matchedKey);
  if (hit === 'exact') await markRunnerFolders(facts.goDirs, key);
  const bytes = hit === 'miss' ? 0 : (await Promise.all(paths.map(folderSize))).reduce((a, b) => a + b, 0);
  return { key, restoreKeys, hit, matchedKey, paths, bytes, seconds: (Date.now() - started) / 1000, mounts, baseImage, note, delta };
}

/** Thirty minutes: the key's entries are this old (Go leaves entries under an hour old unmarked). */
const RECENT_MS = 30 * 60 * 1000;
/** Twenty minutes ago: `since`, between the key's entries and anything the build writes or marks. */
const SINCE_MS = 20 * 60 * 1000;

/**
 * After an exact hit: the key's entries are made recent (Go leaves entries under an hour old
 * unmarked), the delta's entries are moved in aged (Go marks those it uses); whatever is newer than
 * `since` after the build was compiled or used beyond the key's entry: the next delta. Minutes lie
 * between `since` and both sides, so a comparison in whole seconds (busybox's find) still holds.
 */
export async function prepareForDelta(buildDir: string, deltaDir: string, key: string, matchedKey: string | undefined): Promise<GoCacheDelta> {
  const now = Date.now();
  await ageBuildCache(buildDir, new Date(now - RECENT_MS));
  const restored = matchedKey ? await adoptDelta(deltaDir, buildDir, new Date(now - AGED_MS)) : [];
  if (matchedKey) core.info(`Restored the delta ${matchedKey}: ${restored.length} GOCACHE entries compiled since the key's entry`);
  return { key, matchedKey, restored, dir: deltaDir, since: new Date(now - SINCE_MS).toISOString() };
}

/** The runner's Go folders name the key whose caches they hold; a failure only loses the next warm skip. */
export async function markRunnerFolders(dirs: GoDirs, key: string): Promise<void> {
  try {
    await Promise.all([dirs.mod, dirs.build].map(dir => fs.writeFile(path.join(dir, MOUNT_MARKER), `${key}\n`)));
  } catch (error) {
    core.debug(`The Go folders could not be marked with ${key}: ${(error as Error).message}`);
  }
}

/** The key both of the runner's Go folders name, if they name the same one. */
export function keyOfRunnerFolders(dirs: GoDirs): string | undefined {
  const [mod, build] = [dirs.mod, dirs.build].map(dir => readTextIfExists(path.join(dir, MOUNT_MARKER))?.trim());
  return mod && mod === build ? mod : undefined;
}
