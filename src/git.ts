// What git knows of the checked-out code: its commit, whether one commit is an ancestor of another
// (so latest never moves backwards), whether the work tree is clean and which tags a commit
// contains (what go build stamps). Unknown answers are undefined: a shallow clone may not have the
// other commit.
import { runProcess, type TimeLimit } from './run/process.js';

export async function headCommit(dir: string, limit: TimeLimit): Promise<string | undefined> {
  const result = await runProcess({ argv: ['git', '-C', dir, 'rev-parse', 'HEAD'], limit, captureStdout: true });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : undefined;
}

/** true: `ancestor` is in `descendant`'s history; false: it is not; undefined: git cannot tell. */
export async function isAncestor(dir: string, ancestor: string, descendant: string, limit: TimeLimit): Promise<boolean | undefined> {
  const result = await runProcess({ argv: ['git', '-C', dir, 'merge-base', '--is-ancestor', ancestor, descendant], limit });
  if (result.exitCode === 0) return true;
  if (result.exitCode !== 1) return undefined;
  // A shallow clone may hold both commits but not the history between them: its "no" is no answer.
  const shallow = await runProcess({ argv: ['git', '-C', dir, 'rev-parse', '--is-shallow-repository'], limit, captureStdout: true });
  return shallow.exitCode === 0 && shallow.stdout.trim() === 'false' ? false : undefined;
}

/** Whether git sees no change in the work tree (`git status --porcelain` says nothing); undefined: git cannot tell. */
export async function workTreeClean(dir: string, limit: TimeLimit): Promise<boolean | undefined> {
  const result = await runProcess({ argv: ['git', '-C', dir, 'status', '--porcelain'], limit, captureStdout: true });
  return result.exitCode === 0 ? result.stdout.trim() === '' : undefined;
}

/** The tags `commit` contains, each as `object name`, sorted; undefined: git cannot tell. */
export async function tagsIn(dir: string, commit: string, limit: TimeLimit): Promise<string[] | undefined> {
  const result = await runProcess({
    argv: ['git', '-C', dir, 'for-each-ref', `--merged=${commit}`, '--format=%(objectname) %(refname)', 'refs/tags'],
    limit,
    captureStdout: true
  });
  return result.exitCode === 0 ? result.stdout.split('\n').filter(Boolean).sort() : undefined;
}
