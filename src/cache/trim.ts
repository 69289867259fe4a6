// Keep the saved Go caches to what this build used, so they stay flat over many go.sum changes.
// GOMODCACHE: the module versions the go.sum files list. GOCACHE: the entries Go marked as used:
// Go sets an entry's mtime to now when it uses one whose mtime is over an hour old, so entries are
// aged two hours before the build, and those still at that age after it were not used.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { readdir, removeTree, treeSize, type TreeSize } from '../files.js';

/**
 * How far restored GOCACHE entries are aged before a build: two hours, older than Go's one-hour
 * marking interval, so that Go marks each one the build uses.
 */
export const AGED_MS = 2 * 60 * 60 * 1000;

/** Go's module path escaping for the file system: an upper-case letter becomes '!' + lower case. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, c => `!${c.toLowerCase()}`);
}

/** `escaped-path@escaped-version` of every module version the go.sum files list. */
export function modulesInGoSums(goSums: string[]): Set<string> {
  const keep = new Set<string>();
  for (const text of goSums) {
    for (const line of text.split('\n')) {
      const [module, version] = line.trim().split(/\s+/);
      if (!module || !version) continue;
      keep.add(`${escapeModulePath(module)}@${escapeModulePath(version.replace(/\/go\.mod$/, ''))}`);
    }
  }
  return keep;
}

export type Pruned = TreeSize;

/** Remove the module versions (extracted folders and download files) that `keep` does not list. */
export async function pruneModuleCache(root: string, keep: Set<string>): Promise<Pruned> {
  const pruned: Pruned = { files: 0, bytes: 0 };
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const entry of await readdir(dir)) {
      const full = path.join(dir, entry.name);
      const relPath = rel ? `${rel}/${entry.name}` : entry.name;
      if (!entry.isDirectory()) continue;
      if (relPath === 'cache') {
        await pruneDownloads(path.join(full, 'download'), '', keep, pruned);
      } else if (entry.name.includes('@')) {
        if (!keep.has(relPath)) await remove(full, pruned);
      } else {
        await walk(full, relPath);
      }
    }
  };
  await walk(root, '');
  return pruned;
}

async function pruneDownloads(dir: string, rel: string, keep: Set<string>, pruned: Pruned): Promise<void> {
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry.name);
    if (!entry.isDirectory()) continue;
    if (entry.name === '@v') {
      for (const file of await readdir(full)) {
        const version = /^(.*)\.(zip|ziphash|mod|info|lock|partial)$/.exec(file.name)?.[1];
        if (version !== undefined && !keep.has(`${rel}@${version}`)) await remove(path.join(full, file.name), pruned);
      }
    } else if (!(rel === '' && entry.name === 'sumdb')) {
      await pruneDownloads(full, rel ? `${rel}/${entry.name}` : entry.name, keep, pruned);
    }
  }
}

const ENTRY_DIR = /^[0-9a-f]{2}$/;

/** Set every GOCACHE entry's times to `when`. */
export async function ageBuildCache(root: string, when: Date): Promise<number> {
  let count = 0;
  await forEachEntry(root, async file => {
    await fs.utimes(file, when, when);
    count++;
  });
  return count;
}

/**
 * Move the entries of a restored delta folder into GOCACHE, aged to `agedTo` so that Go marks those
 * it uses (they belong in the next delta); answers their names (`xx/name`).
 */
export async function adoptDelta(deltaDir: string, root: string, agedTo: Date): Promise<string[]> {
  const names: string[] = [];
  await forEachEntry(deltaDir, async file => {
    const name = path.relative(deltaDir, file);
    const target = path.join(root, name);
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.utimes(file, agedTo, agedTo);
    await fs.rename(file, target);
    names.push(name);
  });
  await removeTree(deltaDir);
  return names;
}

/** Copy the GOCACHE entries written or marked after `since` into a new folder `into`; answers their names. */
export async function collectNewer(root: string, since: Date, into: string): Promise<string[]> {
  await removeTree(into);
  const names: string[] = [];
  await forEachEntry(root, async file => {
    const stat = await fs.stat(file);
    if (stat.mtimeMs <= since.getTime()) return;
    const name = path.relative(root, file);
    await fs.mkdir(path.join(into, path.dirname(name)), { recursive: true });
    await fs.copyFile(file, path.join(into, name));
    await fs.utimes(path.join(into, name), stat.atime, stat.mtime);
    names.push(name);
  });
  return names;
}

/** The entries of a GOCACHE-shaped folder (`xx/name`). */
export async function entryNames(root: string): Promise<string[]> {
  const names: string[] = [];
  // eslint-disable-next-line @typescript-eslint/require-await -- forEachEntry awaits each call.
  await forEachEntry(root, async file => {
    names.push(path.relative(root, file));
  });
  return names;
}

/** Remove GOCACHE entries whose mtime is still before `usedAfter`: Go did not use them. */
export async function pruneBuildCache(root: string, usedAfter: Date): Promise<Pruned> {
  const pruned: Pruned = { files: 0, bytes: 0 };
  await forEachEntry(root, async file => {
    const stat = await fs.stat(file);
    if (stat.mtimeMs < usedAfter.getTime()) await remove(file, pruned, stat.size);
  });
  return pruned;
}

async function forEachEntry(root: string, fn: (file: string) => Promise<void>): Promise<void> {
  for (const sub of await readdir(root)) {
    if (!sub.isDirectory() || !ENTRY_DIR.test(sub.name)) continue;
    for (const file of await readdir(path.join(root, sub.name))) {
      if (file.isFile()) await fn(path.join(root, sub.name, file.name));
    }
  }
}

async function remove(target: string, pruned: Pruned, size?: number): Promise<void> {
  const stat = await fs.lstat(target);
  if (stat.isDirectory()) {
    const inner = await treeSize(target);
    pruned.files += inner.files;
    pruned.bytes += inner.bytes;
    await removeTree(target);
    return;
  }
  pruned.files++;
  pruned.bytes += size ?? stat.size;
  // Module cache files are read-only; their folder must be writable to unlink them.
  await fs.chmod(path.dirname(target), 0o755).catch(() => undefined);
  await fs.rm(target, { force: true });
}
