// The labels the action sets on every image: what it was built from. Users may not override them.

/** The commit the image was built from (read back to keep latest from moving backwards). */
export const REVISION_LABEL = 'org.opencontainers.image.revision';
export const CREATED_LABEL = 'org.opencontainers.image.created';
export const SOURCE_LABEL = 'org.opencontainers.image.source';
/** The hash of everything the build saw (src/context-hash.ts): equal hashes, equal images. */
export const INPUTS_LABEL = 'io.github.cached-image-build.inputs';

export const ACTION_LABELS = [REVISION_LABEL, CREATED_LABEL, SOURCE_LABEL, INPUTS_LABEL];
