// What the main step leaves for the post step, in one typed place.
import * as core from '@actions/core';
import type { GoCacheSave } from './cache/save.js';
import { STATE_KEY } from './step-mark.js';

export interface PostState {
  /** Registries the main step logged in to, to log out of. */
  loggedInRegistries?: string[];
  /** Folder of this run's private files (secrets, iidfiles, generated Dockerfiles), to remove. */
  tempDir?: string;
  /** The buildx builder the main step created for buildkit-endpoint, to remove. */
  createdBuilder?: string;
  /** The Go caches to save: set only when the build refreshed them and the key was not an exact hit. */
  goCacheSave?: GoCacheSave;
}

export function savePostState(state: PostState): void {
  core.saveState(STATE_KEY, JSON.stringify(state));
}

export function loadPostState(): PostState | undefined {
  const raw = core.getState(STATE_KEY);
  return raw ? (JSON.parse(raw) as PostState) : undefined;
}
