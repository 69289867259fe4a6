// git's answers about history, on real repositories of the test's own (git is on every runner).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAncestor, tagsIn, workTreeClean, workspaceHead, worktreeChanges } from '../src/git.js';

const LIMIT = { totalMs: 10_000 };
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-git-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();

/** A ← B ← C on main, and D on a side branch from A. */
function repository(): { dir: string; A: string; B: string; C: string; D: string } {
  return repositoryIn('full');
}

function repositoryIn(name: string): { dir: string; A: string; B: string; C: string; D: string } {
  const dir = path.join(root, name);
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'main');
  const commit = (name: string) => {
    fs.writeFileSync(path.join(dir, name), name);
    git(dir, 'add', name);
    git(dir, 'commit', '-q', '-m', name);
    return git(dir, 'rev-parse', 'HEAD');
  };
  const A = commit('A');
  const B = commit('B');
  const C = commit('C');
  git(dir, 'checkout', '-q', '-b', 'side', A);
  const D = commit('D');
  git(dir, 'checkout', '-q', 'main');
  return { dir, A, B, C, D };
}

describe('isAncestor', () => {
  const { dir, A, C, D } = repository();

  it('answers yes and no in a full clone', async () => {
    expect(await isAncestor(dir, A, C, LIMIT)).toBe(true);
    expect(await isAncestor(dir, C, A, LIMIT)).toBe(false);
    expect(await isAncestor(dir, D, C, LIMIT)).toBe(false);
  });

  it('cannot tell for a commit it does not have', async () => {
    expect(await isAncestor(dir, 'f'.repeat(40), C, LIMIT)).toBeUndefined();
  });

  it("cannot tell in a shallow clone whose history stops between the two: git's no is no answer there", async () => {
    const shallow = path.join(root, 'shallow');
    execFileSync('git', ['clone', '-q', '--depth', '1', '--no-single-branch', `file://${dir}`, shallow]);
    // Both commits are there (each branch's tip), but not what joins them.
    expect(git(shallow, 'cat-file', '-t', D)).toBe('commit');
    expect(await isAncestor(shallow, D, C, LIMIT)).toBeUndefined();
    expect(await isAncestor(shallow, C, C, LIMIT)).toBe(true);
  });
});

describe('workTreeClean and tagsIn (what go build stamps)', () => {
  it('say whether git sees a change, and which tags a commit contains', async () => {
    const dir = path.join(root, 'tags');
    fs.mkdirSync(dir);
    git(dir, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, 'a'), 'a');
    git(dir, 'add', 'a');
    git(dir, 'commit', '-q', '-m', 'a');
    git(dir, 'tag', 'v1.0.0');
    expect(await workTreeClean(dir, LIMIT)).toBe(true);
    fs.writeFileSync(path.join(dir, 'untracked'), 'x');
    expect(await workTreeClean(dir, LIMIT)).toBe(false);
    const tag = git(dir, 'rev-parse', 'v1.0.0');
    expect(await tagsIn(dir, 'HEAD', LIMIT)).toEqual([`${tag} refs/tags/v1.0.0`]);
    git(dir, 'add', 'untracked');
    git(dir, 'commit', '-q', '-m', 'b');
    git(dir, 'tag', '-a', '-m', 'two', 'v1.1.0');
    expect((await tagsIn(dir, 'HEAD', LIMIT))?.map(t => t.split(' ')[1]).sort()).toEqual(['refs/tags/v1.0.0', 'refs/tags/v1.1.0']);
    expect(await tagsIn(dir, 'HEAD~1', LIMIT)).toEqual([`${tag} refs/tags/v1.0.0`]);
    expect(await workTreeClean(path.join(root, 'no-such-repo'), LIMIT)).toBeUndefined();
  });
});

describe('workspaceHead', () => {
  const { dir, C } = repositoryIn('head');

  it('is the commit checked out when the workspace is the top of the work tree', async () => {
    expect(await workspaceHead(dir, LIMIT)).toBe(C);
    // Reached through a link, the same workspace.
    const link = path.join(root, 'head-link');
    fs.symlinkSync(dir, link);
    expect(await workspaceHead(link, LIMIT)).toBe(C);
  });

  it('is unknown in a folder of a repository (not its own checkout) and where there is no repository', async () => {
    fs.mkdirSync(path.join(dir, 'sub'), { recursive: true });
    expect(await workspaceHead(path.join(dir, 'sub'), LIMIT)).toBeUndefined();
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-plain-'));
    expect(await workspaceHead(plain, LIMIT)).toBeUndefined();
    fs.rmSync(plain, { recursive: true, force: true });
  });
});

describe('worktreeChanges', () => {
  /** A checkout with a context folder svc/ and an ignored .prebuilt output in it. */
  function checkout(name: string): string {
    const dir = path.join(root, name);
    fs.mkdirSync(path.join(dir, 'svc'), { recursive: true });
    git(dir, 'init', '-q', '-b', 'main');
    fs.writeFileSync(path.join(dir, '.gitignore'), '.prebuilt/\nnode_modules/\n');
    fs.writeFileSync(path.join(dir, 'svc', 'main.go'), 'package main\n');
    fs.writeFileSync(path.join(dir, 'svc', 'Dockerfile'), 'FROM x\n');
    fs.writeFileSync(path.join(dir, 'README'), 'x\n');
    git(dir, 'add', '.');
    git(dir, 'commit', '-q', '-m', 'base');
    return dir;
  }
  const changes = (dir: string, paths = ['svc'], except = ['svc/.prebuilt']) =>
    worktreeChanges(
      dir,
      paths.map(p => path.join(dir, p)),
      except.map(p => path.join(dir, p)),
      LIMIT
    );

  it('is empty for a clean checkout, and leaves the prebuild output out', async () => {
    const dir = checkout('clean');
    expect(await changes(dir)).toEqual([]);
    fs.mkdirSync(path.join(dir, 'svc', '.prebuilt', 'linux_amd64'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'svc', '.prebuilt', 'linux_amd64', 'app'), 'binary');
    expect(await changes(dir)).toEqual([]);
  });

  it('names changed, untracked and ignored files in the paths the build reads, and only those', async () => {
    const dir = checkout('dirty');
    fs.writeFileSync(path.join(dir, 'README'), 'changed outside the context\n');
    expect(await changes(dir)).toEqual([]);
    fs.writeFileSync(path.join(dir, 'svc', 'main.go'), 'package main // changed\n');
    fs.mkdirSync(path.join(dir, 'svc', 'artifact'));
    fs.writeFileSync(path.join(dir, 'svc', 'artifact', 'x'), 'downloaded');
    fs.mkdirSync(path.join(dir, 'svc', 'node_modules'));
    fs.writeFileSync(path.join(dir, 'svc', 'node_modules', 'y'), 'ignored, still read by the build');
    expect(await changes(dir)).toEqual([' M svc/main.go', '?? svc/artifact/', '!! svc/node_modules/']);
    // The Dockerfile is asked about too when given: the whole tree here.
    expect(await changes(dir, ['.'])).toContain(' M README');
  });

  it("sees a pull_request_target's `git checkout FETCH_HEAD -- .`: the base's commit, the fork's files", async () => {
    const dir = checkout('fetch-head');
    const base = git(dir, 'rev-parse', 'HEAD');
    git(dir, 'checkout', '-q', '-b', 'fork');
    fs.writeFileSync(path.join(dir, 'svc', 'main.go'), 'package main // the fork\n');
    git(dir, 'commit', '-q', '-am', 'fork');
    git(dir, 'checkout', '-q', '--detach', base);
    git(dir, 'checkout', 'fork', '--', '.');
    expect(await workspaceHead(dir, LIMIT)).toBe(base);
    expect(await changes(dir)).toEqual(['M  svc/main.go']);
  });

  it('sees a folder that is a repository of its own (an artifact with a .git) even for paths inside it', async () => {
    const dir = checkout('nested');
    const artifact = path.join(dir, 'svc', 'artifact');
    fs.mkdirSync(artifact);
    fs.cpSync(path.join(dir, '.git'), path.join(artifact, '.git'), { recursive: true });
    fs.writeFileSync(path.join(artifact, 'Dockerfile'), 'FROM y\n');
    expect(await changes(dir, ['svc/artifact', 'svc/artifact/Dockerfile'])).toEqual(['?? svc/artifact/']);
  });

  it('cannot say without a repository', async () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-plain-'));
    fs.mkdirSync(path.join(plain, 'svc'));
    expect(await changes(plain)).toBeUndefined();
    fs.rmSync(plain, { recursive: true, force: true });
  });
});
