// The post step: undo what the main step set up. Never fails the job.
import * as fs from 'node:fs';
import * as core from '@actions/core';
import { execStreaming } from './run/exec.js';
import { loadPostState } from './state.js';

export async function runPost(): Promise<void> {
  const state = loadPostState();
  if (!state) return;
  if (state.loggedInRegistry) {
    const result = await execStreaming({ argv: ['docker', 'logout', state.loggedInRegistry] });
    if (result.exitCode !== 0) core.warning(`docker logout ${state.loggedInRegistry} failed: ${result.tail.join(' ')}`);
  }
  if (state.tempDir) fs.rmSync(state.tempDir, { recursive: true, force: true });
}
