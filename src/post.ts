// The post step: save the Go caches the build refreshed, log out, clean up. It never fails the job:
// everything it does is cleanup or cache work, whose failures are warnings.
import * as fs from 'node:fs';
import * as core from '@actions/core';
import { saveGoCaches } from './cache/save.js';
import { lastLine, runProcess } from './run/process.js';
import { loadPostState, type PostState } from './state.js';

/** Logout and builder removal are local: a short limit. */
const CLEANUP_LIMIT = { totalMs: 60_000 };

export async function runPost(): Promise<void> {
  let state: PostState | undefined;
  try {
    state = loadPostState();
  } catch (error) {
    core.warning(`Post step: the main step's state could not be read (${(error as Error).message}); nothing to do`);
    return;
  }
  if (!state) return;
  await step('saving the Go caches', () => saveStep(state));
  for (const registry of state.loggedInRegistries ?? []) await step('docker logout', () => cleanup(['docker', 'logout', registry]));
  if (state.createdBuilder)
    await step('removing the builder', () => cleanup(['docker', 'buildx', 'rm', state.createdBuilder as string], /no builder .* found|not found/i));
  if (state.tempDir)
    // eslint-disable-next-line @typescript-eslint/require-await -- step() takes async work; async makes a throw from rmSync a rejection, as before.
    await step('removing the temporary folder', async () => {
      fs.rmSync(state.tempDir as string, { recursive: true, force: true });
    });
}

async function step(what: string, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    core.warning(`Post step, ${what}: ${(error as Error).message}`);
  }
}

async function saveStep(state: PostState): Promise<void> {
  const save = state.goCacheSave;
  if (!save) return;
  const saved = await core.group('Save the Go caches', () => saveGoCaches(save));
  const mb = (saved.bytes / 1e6).toFixed(1);
  const line = saved.saved ? `Go caches saved under ${saved.key}: ${mb} MB in ${saved.seconds.toFixed(1)} s` : `Go caches not saved (${saved.note})`;
  core.info(line);
  await core.summary.addHeading('Cached Image Build: post step', 3).addRaw(line, true).write();
}

/** A cleanup command; a failure is a warning, unless it says there was nothing to clean (`gone`). */
async function cleanup(argv: string[], gone?: RegExp): Promise<void> {
  const result = await runProcess({ argv, limit: CLEANUP_LIMIT });
  if (result.exitCode === 0 || (gone && gone.test(result.tail.join('\n')))) return;
  core.warning(`${argv.join(' ')} failed: ${result.timedOut ?? lastLine(result.tail)}`);
}
