// The reusable workflow's own shell steps (.github/workflows/build.yml) that refuse a manual run's
// ref, run as written with bash in real git repositories. Under act (test/act) a failing step's last
// output line can be lost (act's host mode stops reading the step's terminal when the step fails),
// so the messages these steps print are checked here, and act's tests check which step failed.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}

const workflow = parse(fs.readFileSync(path.join(import.meta.dirname, '../.github/workflows/build.yml'), 'utf8')) as {
  jobs: Record<string, { steps: Step[] }>;
};

function script(name: string): string {
  const steps = Object.values(workflow.jobs).flatMap(job => job.steps);
  const step = steps.find(s => s.name === name);
  if (!step?.run) throw new Error(`build.yml has no run step named '${name}'`);
  // The step reads the ref from its env (REF: ${{ inputs.ref }}), never from the expression itself.
  expect(step.env).toEqual({ REF: '${{ inputs.ref }}' });
  return step.run;
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-build-workflow-'));
afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();

/** Runs a step's script as the runner does (bash, the step's env), in `cwd`. */
function runStep(name: string, cwd: string, ref: string): { code: number; stdout: string } {
  const result = spawnSync('bash', ['-e', '-c', script(name)], { cwd, env: { PATH: process.env.PATH, REF: ref }, encoding: 'utf8' });
  return { code: result.status ?? -1, stdout: result.stdout };
}

/**
 * What the checkout leaves (every branch and tag fetched, then the commit asked for): a clone whose
 * origin has main (A ← B) and the tag v1 at A; a pull request's head P on B and the tip S of a
 * deleted branch, both on no branch or tag, fetched by SHA.
 */
function checkout(name: string): { dir: string; A: string; B: string; P: string; S: string } {
  const origin = path.join(root, `${name}-origin`);
  fs.mkdirSync(origin);
  git(origin, 'init', '-q', '-b', 'main');
  git(origin, 'config', 'uploadpack.allowAnySHA1InWant', 'true');
  const commit = (message: string) => {
    git(origin, 'commit', '-q', '--allow-empty', '-m', message);
    return git(origin, 'rev-parse', 'HEAD');
  };
  const A = commit('A');
  git(origin, 'tag', 'v1');
  git(origin, 'checkout', '-q', '-b', 'side');
  const S = commit('S');
  git(origin, 'checkout', '-q', 'main');
  const B = commit('B');
  git(origin, 'checkout', '-q', '--detach', 'main');
  const P = commit('P');
  git(origin, 'update-ref', 'refs/pull/9/head', P);
  git(origin, 'checkout', '-q', 'main');
  git(origin, 'branch', '-q', '-D', 'side');
  const dir = path.join(root, name);
  git(root, 'clone', '-q', origin, dir);
  git(dir, 'fetch', '-q', 'origin', P, S);
  return { dir, A, B, P, S };
}

describe("build.yml: a manual run's ref", () => {
  const PR_HEADS = 'Refuse pull request heads as ref';
  const NO_BRANCH = 'Refuse a ref that is on no branch or tag';

  it.each(['refs/pull/9/head', 'pull/9/merge'])('%s: refused as a pull request head, before any checkout', ref => {
    const run = runStep(PR_HEADS, root, ref);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`::error::ref '${ref}' points at a pull request head; build pull requests through their pull_request event instead\n`);
  });

  it.each(['main', 'v1', 'feature/pull/1', ''])("'%s': not a pull request head, goes on", ref => {
    expect(runStep(PR_HEADS, root, ref)).toEqual({ code: 0, stdout: '' });
  });

  it('a commit on no branch or tag (a pull request head by SHA): refused, naming the ref and the commit', () => {
    const { dir, P } = checkout('no-branch');
    git(dir, 'checkout', '-q', '--detach', P);
    const run = runStep(NO_BRANCH, dir, P.slice(0, 12));
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(
      `::error::ref '${P.slice(0, 12)}' (${P}) is on no branch or tag of this repository; build pull requests through their pull_request event instead\n`
    );
  });

  it('a commit of a deleted branch, fetched by SHA: refused', () => {
    const { dir, S } = checkout('deleted-branch');
    git(dir, 'checkout', '-q', '--detach', S);
    expect(runStep(NO_BRANCH, dir, S).code).toBe(1);
  });

  it.each([
    ['the tip of main', 'B'],
    ['an older commit of main, also tagged', 'A']
  ] as const)('%s: goes on', (_, which) => {
    const repo = checkout(`on-${which}`);
    git(repo.dir, 'checkout', '-q', '--detach', repo[which]);
    expect(runStep(NO_BRANCH, repo.dir, repo[which])).toEqual({ code: 0, stdout: '' });
  });
});
