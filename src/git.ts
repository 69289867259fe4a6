// What git knows of the code checked out in the workspace: its commit, whether the work tree is that
// commit unchanged, and whether one commit is an ancestor of another (the default branch's history;
// latest never moves backwards); and of a context's repository what go build stamps (its commit,
// whether it is clean, the tags it contains). Unknown answers are undefined: no git repository, a
// shallow clone that does not have the other commit, a git that fails or does not answer in time.
import * as path from 'node:path';
import { realPathOf } from './files.js';
import { runProcess, type TimeLimit } from './run/process.js';

const SHA = /^[0-9a-f]{40,64}$/;

/** The commit checked out in `dir`'s git work tree (any folder of it). */
export async function headCommit(dir: string, limit: TimeLimit): Promise<string | undefined> {
  const result = await runProcess({ argv: ['git', '-C', dir, 'rev-parse', 'HEAD'], limit, captureStdout: true });
  const sha = result.stdout.trim();
  return result.exitCode === 0 && SHA.test(sha) ? sha : undefined;
}

/**
 * The commit checked out in the workspace (GITHUB_WORKSPACE), in one call: undefined unless the
 * workspace is itself the top of a git work tree (a workspace inside another repository, say the
 * runner's home, is not; a checkout into a sub-folder with actions/checkout's `path` is not either).
 */
export async function workspaceHead(workspace: string, limit: TimeLimit): Promise<string | undefined> {
  const result = await runProcess({ argv: ['git', '-C', workspace, 'rev-parse', '--show-toplevel', 'HEAD'], limit, captureStdout: true });
  if (result.exitCode !== 0) return undefined;
  const [top, sha] = result.stdout.trim().split('\n');
  if (!top || !sha || !SHA.test(sha)) return undefined;
  try {
    return realPathOf(top) === realPathOf(workspace) ? sha : undefined;
  } catch {
    return undefined;
  }
}

/**
 * What `git status` shows in `paths` (inside the workspace, which is the top of its work tree),
 * leaving out `except` (the prebuild output) and what lies in it: changed, staged, untracked and
 * ignored entries as git prints them; [] for a tree exactly as its commit has it; undefined when git
 * cannot say. Paths are given absolute.
 */
export async function worktreeChanges(workspace: string, paths: string[], except: string[], limit: TimeLimit): Promise<string[] | undefined> {
  let root: string;
  let relative: (p: string) => string;
  try {
    root = realPathOf(workspace);
    relative = p => path.relative(root, realPathOf(p)).split(path.sep).join('/') || '.';
  } catch {
    return undefined;
  }
  // Literal pathspecs (a folder named `a*` is that folder, not a pattern), each the top folder of a path
  // in the workspace: for a pathspec inside a folder that is a git repository of its own (an artifact
  // with a .git), git status says nothing at all, where for its parent it says `?? folder/`.
  const pathspecs = [...new Set(paths.map(p => relative(p).split('/')[0]))].map(p => `:(literal)${p}`);
  const skipped = except.map(relative).filter(p => p !== '.' && !p.startsWith('../'));
  const result = await runProcess({
    argv: [
      'git',
      '--no-optional-locks',
      '-C',
      root,
      'status',
      '--porcelain=v1',
      '-z',
      '--ignored=matching',
      '--untracked-files=normal',
      '--',
      ...pathspecs
    ],
    limit,
    captureStdout: true
  });
  if (result.exitCode !== 0) return undefined;
  const entries: string[] = [];
  const fields = result.stdout.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === '') continue;
    // A rename or copy is followed by its source path.
    if (/^(?:[RC].|.[RC]) /.test(field)) i++;
    // Paths are the work tree's (the workspace's); a folder git did not look into ends in '/'.
    const entry = field.slice(3).replace(/\/$/, '');
    if (skipped.some(p => entry === p || entry.startsWith(`${p}/`))) continue;
    entries.push(field);
  }
  return entries;
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
