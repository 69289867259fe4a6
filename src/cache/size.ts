// Size of a folder on disk, walked without following links.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export async function folderSize(dir: string): Promise<number> {
  let total = 0;
  let entries: import('node:fs').Dirent[];
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) total += await folderSize(full);
    else if (entry.isFile()) total += (await fs.lstat(full)).size;
  }
  return total;
}
