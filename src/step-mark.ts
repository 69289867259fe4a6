// What the bundle's entry reads to know which step it runs, without loading @actions/core: the runner
// hands what the main step saved to the post step as STATE_<name> variables.

/** Saved by the main step first of all: the post step is the run that finds it. */
export const POST_MARK = 'isPost';
/** The main step's PostState (state.ts), as JSON. */
export const STATE_KEY = 'cached-image-build';

type Env = Record<string, string | undefined>;

export function isPostStep(env: Env): boolean {
  return env[`STATE_${POST_MARK}`] === 'true';
}

/**
 * Whether the post step has anything to do: the main step saved a state that names something (a
 * cache to save, a registry to log out of, a builder or a folder to remove). A run that copied its
 * image saves none. A state that cannot be read is work: the post step says why.
 */
export function postHasWork(env: Env): boolean {
  const raw = env[`STATE_${STATE_KEY}`];
  if (!raw) return false;
  try {
    const state = JSON.parse(raw) as Record<string, unknown>;
    return Object.values(state).some(value => value !== undefined && value !== null && !(Array.isArray(value) && value.length === 0));
  } catch {
    return true;
  }
}
