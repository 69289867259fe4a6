// The labels the action sets on every image: what it was built from. Users may not override them.
import { randomBytes } from 'node:crypto';

/** The commit the image was built from (read back to keep latest from moving backwards). */
export const REVISION_LABEL = 'org.opencontainers.image.revision';
export const CREATED_LABEL = 'org.opencontainers.image.created';
export const SOURCE_LABEL = 'org.opencontainers.image.source';
/** The hash of everything the build saw (src/context-hash.ts): equal hashes, equal images. */
export const INPUTS_LABEL = 'io.github.cached-image-build.inputs';

/**
 * The inputs label's value when the hash could not be made: never a hash (those are hex), never
 * another run's. The label is always there, so no image ever lacks it and every image says so.
 */
export function unknownInputsHash(): string {
  return `unknown-${randomBytes(16).toString('hex')}`;
}

export const ACTION_LABELS = [REVISION_LABEL, CREATED_LABEL, SOURCE_LABEL, INPUTS_LABEL];
