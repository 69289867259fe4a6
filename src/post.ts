// The post step: save the Go caches the build refreshed, log out, clean up. Never fails the job.
import * as fs from 'node:fs';
import * as core from '@actions/core';
import { saveGoCaches } from './cache/save.js';
import { execStreaming } from './run/exec.js';
import { loadPostState } from './state.js';

export async function runPost(): Promise<void> {
  const state = loadPostState();
  if (!state) return;
  try {
    if (state.goCacheSave) {
      const saved = await core.group('Save the Go caches', () => saveGoCaches(state.goCacheSave!));
      const mb = (saved.bytes / 1e6).toFixed(1);
      const line = saved.saved
        ? `Go caches saved under ${saved.key}: ${mb} MB in ${saved.seconds.toFixed(1)} s`
        : `Go caches not saved (${saved.note})`;
      core.info(line);
      await core.summary.addHeading('Cached Image Build: post step', 3).addRaw(line, true).write();
    }
  } catch (error) {
    core.warning(`Post step: ${(error as Error).message}`);
  }
  if (state.loggedInRegistry) {
    const result = await execStreaming({ argv: ['docker', 'logout', state.loggedInRegistry] });
    if (result.exitCode !== 0) core.warning(`docker logout ${state.loggedInRegistry} failed: ${result.tail.join(' ')}`);
  }
  if (state.createdBuilder) {
    const result = await execStreaming({ argv: ['docker', 'buildx', 'rm', state.createdBuilder] });
    if (result.exitCode !== 0) core.warning(`docker buildx rm ${state.createdBuilder} failed: ${result.tail.join(' ')}`);
  }
  if (state.tempDir) fs.rmSync(state.tempDir, { recursive: true, force: true });
}
