// File helpers: the files a plan writes, reading one that may not be there, and for the caches
// sizes, and removing or replacing trees that Go made read-only.
import * as fsSync from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

/**
 * Files the runner writes (mode 0600) before the steps: generated Dockerfiles (`content`) and
 * BuildKit secrets (`secretId`: the value comes from the config, and the file is removed after).
 */
export interface PlanFile {
  path: string;
  content?: string;
  secretId?: string;
}

/** Writes a plan's files (private to this user); `contentOf` gives what a file holds (a secret's value, say). */
export function writePlanFiles(files: PlanFile[], contentOf: (file: PlanFile) => string = file => file.content ?? ''): void {
  for (const file of files) {
    fsSync.mkdirSync(path.dirname(file.path), { recursive: true });
    fsSync.writeFileSync(file.path, contentOf(file), { mode: 0o600 });
  }
}

/** A text file's content, or undefined when it cannot be read (not there). */
export function readTextIfExists(file: string): string | undefined {
  try {
    return fsSync.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The most a file the inputs name (go.mod, go.sum, the images file) may hold: a few MB, never the runner's memory. */
export const MAX_INPUT_FILE_BYTES = 4 * 1024 * 1024;

/**
 * A file the checked-out code chose, read only up to `max` bytes: its bytes, or its size when it is
 * bigger; undefined when it cannot be read, is no regular file (a folder, a device a link leads to)
 * or grows while it is read.
 */
export function readBounded(file: string, max = MAX_INPUT_FILE_BYTES): { bytes: Buffer } | { tooBig: number } | undefined {
  let fd: number | undefined;
  try {
    fd = fsSync.openSync(file, 'r');
    const stat = fsSync.fstatSync(fd);
    if (!stat.isFile()) return undefined;
    if (stat.size > max) return { tooBig: stat.size };
    // One byte more than the size: a file that grows while it is read is not taken.
    const buffer = Buffer.alloc(stat.size + 1);
    let length = 0;
    for (let n = -1; n !== 0 && length <= stat.size; length += n) n = fsSync.readSync(fd, buffer, length, stat.size + 1 - length, null);
    if (length > stat.size) return undefined;
    return { bytes: buffer.subarray(0, length) };
  } catch {
    return undefined;
  } finally {
    if (fd !== undefined) fsSync.closeSync(fd);
  }
}

/** readBounded, as text. */
export function readTextBounded(file: string, max = MAX_INPUT_FILE_BYTES): { text: string } | { tooBig: number } | undefined {
  const read = readBounded(file, max);
  return read && 'bytes' in read ? { text: read.bytes.toString('utf8') } : read;
}

/**
 * The real path (links followed) of a path that may not exist yet: its deepest existing parent's real
 * path with the rest appended.
 */
export function realPathOf(p: string): string {
  let probe = path.resolve(p);
  const rest: string[] = [];
  while (!fsSync.existsSync(probe) && path.dirname(probe) !== probe) {
    rest.unshift(path.basename(probe));
    probe = path.dirname(probe);
  }
  return path.join(fsSync.realpathSync(probe), ...rest);
}

/** Whether `target` is inside `root` (or is `root`, with `orSame`) once links are followed on both. */
export function realInside(root: string, target: string, { orSame = false } = {}): boolean {
  const realRoot = realPathOf(root);
  const real = realPathOf(target);
  return (orSame && real === realRoot) || real.startsWith(realRoot === path.sep ? realRoot : `${realRoot}${path.sep}`);
}

export interface TreeSize {
  files: number;
  bytes: number;
}

/** Files and bytes below a folder, links not followed; a missing folder is empty. */
export async function treeSize(dir: string): Promise<TreeSize> {
  const total: TreeSize = { files: 0, bytes: 0 };
  for (const entry of await readdir(dir)) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      const inner = await treeSize(full);
      total.files += inner.files;
      total.bytes += inner.bytes;
    } else if (entry.isFile()) {
      total.files++;
      total.bytes += (await fs.lstat(full)).size;
    }
  }
  return total;
}

export async function folderSize(dir: string): Promise<number> {
  return (await treeSize(dir)).bytes;
}

/** The module cache's folders are read-only: make a tree's folders writable so it can be removed. */
export async function makeWritable(dir: string): Promise<void> {
  await fs.chmod(dir, 0o755).catch(() => undefined);
  for (const entry of await readdir(dir)) if (entry.isDirectory()) await makeWritable(path.join(dir, entry.name));
}

export async function removeTree(dir: string): Promise<void> {
  await makeWritable(dir);
  await fs.rm(dir, { recursive: true, force: true });
}

/**
 * Put the tree at `from` where `to` was, never leaving `to` half-made: the new tree is made whole
 * beside it first (a copy when the two are on different file systems), then the two are swapped by
 * renames, and the old one removed. On any failure `to` is as it was.
 */
export async function replaceTree(from: string, to: string): Promise<void> {
  await fs.mkdir(path.dirname(to), { recursive: true });
  const stamp = `${process.pid}-${Date.now().toString(36)}`;
  let ready = from;
  if ((await fs.stat(from)).dev !== (await fs.stat(path.dirname(to))).dev) {
    ready = `${to}.new-${stamp}`;
    try {
      await fs.cp(from, ready, { recursive: true, preserveTimestamps: true, verbatimSymlinks: true });
    } catch (error) {
      await removeTree(ready);
      throw error;
    }
    await removeTree(from);
  }
  const aside = `${to}.old-${stamp}`;
  const had = await fs.stat(to).then(
    () => true,
    () => false
  );
  if (had) await fs.rename(to, aside);
  try {
    await fs.rename(ready, to);
  } catch (error) {
    if (had) await fs.rename(aside, to);
    throw error;
  }
  if (had) await removeTree(aside);
}

export async function readdir(dir: string): Promise<import('node:fs').Dirent[]> {
  return fs.readdir(dir, { withFileTypes: true }).catch(() => []);
}

/** A relative path with `/` separators, as BuildKit and .dockerignore write them. */
export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
