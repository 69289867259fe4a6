// Around the build: mark the restored GOCACHE entries old, then keep only what the build used.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as core from '@actions/core';
import * as glob from '@actions/glob';
import type { GoDirs } from './go-cache.js';
import { AGED_MS, ageBuildCache, modulesInGoSums, pruneBuildCache, pruneModuleCache, type Pruned } from './trim.js';

export async function ageRestoredBuildCache(dirs: GoDirs): Promise<Date> {
  const agedTo = new Date(Date.now() - AGED_MS);
  const count = await ageBuildCache(dirs.build, agedTo);
  core.info(`Marked ${count} restored GOCACHE files as unused; the build marks those it uses`);
  return agedTo;
}

export interface KeptUsed {
  modules: Pruned;
  build: Pruned;
}

/** Before the save: drop module versions no go.sum lists, and GOCACHE entries the build did not use. */
export async function keepOnlyUsed(dirs: GoDirs, context: string, dependencyPaths: string[], agedTo?: Date): Promise<KeptUsed> {
  const globber = await glob.create(dependencyPaths.map(p => path.join(context, p)).join('\n'));
  const goSums = (await globber.glob()).filter(file => path.basename(file) === 'go.sum');
  const keep = modulesInGoSums(await Promise.all(goSums.map(file => fs.readFile(file, 'utf8'))));
  const modules = goSums.length ? await pruneModuleCache(dirs.mod, keep) : { files: 0, bytes: 0 };
  // Entries were aged only after a partial restore; after a miss everything in GOCACHE is this build's.
  const build = agedTo ? await pruneBuildCache(dirs.build, new Date(agedTo.getTime() + AGED_MS / 4)) : { files: 0, bytes: 0 };
  core.info(
    `Kept what the build used: removed ${modules.files} module files (${mb(modules.bytes)}) and ${build.files} GOCACHE files (${mb(build.bytes)})`
  );
  return { modules, build };
}

function mb(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}
