// Save the Go caches in the post step: only when the key was not an exact hit, and only what the
// build refreshed. Every failure is a warning (or a note, for a key another job saved first).
import * as core from '@actions/core';
import * as fs from 'node:fs';
import { folderSize } from '../files.js';
import { runCacheJob } from './worker.js';

export interface GoCacheSave {
  key: string;
  paths: string[];
  /** The longest the save may take (the idle-timeout input). */
  limitMs: number;
}

export interface GoCacheSaved {
  key: string;
  saved: boolean;
  bytes: number;
  seconds: number;
  note?: string;
}

export async function saveGoCaches({ key, paths, limitMs }: GoCacheSave): Promise<GoCacheSaved> {
  const started = Date.now();
  for (const dir of paths) fs.mkdirSync(dir, { recursive: true });
  const bytes = (await Promise.all(paths.map(folderSize))).reduce((a, b) => a + b, 0);
  const done = (saved: boolean, note?: string): GoCacheSaved => ({ key, saved, bytes, seconds: (Date.now() - started) / 1000, note });
  const result = await runCacheJob({ op: 'save', paths, key }, { totalMs: limitMs });
  if (result.unavailable) return done(false, 'the Actions cache service is not available here');
  if (result.reserveConflict) {
    core.info(`Go caches: ${result.error}`);
    return done(false, 'another run saved this key first');
  }
  if (result.error) {
    core.warning(`Saving the Go caches failed; the next run will build without them: ${result.error}`);
    return done(false, result.error);
  }
  // The library answers -1 for a save it could not make, and has logged why (at times only as info).
  if (result.cacheId === -1) {
    core.warning('Saving the Go caches failed: the cache service did not take the save (see above); the next run will build without them');
    return done(false, 'the cache service did not take the save');
  }
  return done(true);
}
