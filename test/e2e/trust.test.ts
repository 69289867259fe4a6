// Who may move which tag, on the real engine and registry with real event payloads: for each run,
// exactly which tags it added or moved. The workspace is a git repository with real commits, so the
// check that latest never moves backwards asks real git.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushTo, REPOSITORY, runAction, type ActionRun, type RunnerEvent } from '../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../support/cache-server/server.js';
import { branchSuffix } from '../../src/tags.js';
import { dockerfileStageSteps, stageBuildSteps } from './support/log.js';
import { REGISTRY, listTags, manifestDigest } from './support/registry.js';
import { CONTAINERD_STORE, commitAll, copyFixture, git as gitIn, wipeRunner } from './support/stack.js';

const image = `${REGISTRY}/e2e/trust-${Date.now().toString(36)}`;
let repo = '';
const commits: Record<string, string> = {};
const table: Array<{ run: string; added: string[]; moved: string[]; latest: string }> = [];
/**
 * The default branch's cache tag: the pull path's builder image, or on the containerd store (where
 * auto takes the engine's own builder, the buildx path) the registry cache.
 */
const CACHE = CONTAINERD_STORE ? 'buildcache' : 'builder';
/**
 * Every run builds with Go cache mounts: the engine keeps them from run to run (only the first two
 * runs wipe it), so each commit's build compiles only what it changed. Who may write which tag does
 * not depend on how long the compile takes.
 */
const FILE = 'Dockerfile.cachemount';

function commit(name: string, change: () => void): string {
  change();
  commits[name] = commitAll(repo, name);
  return commits[name];
}

const git = (...args: string[]) => gitIn(repo, ...args);

/** Every tag of the image and the digest it names. */
async function snapshot(): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const tag of await listTags(image)) out[tag] = (await manifestDigest(image, tag)) as string;
  return out;
}

const short = (tag: string) => Object.entries(commits).find(([, sha]) => sha === tag)?.[0] ?? tag;

/** Runs the action for an event and records which tags it added and which it moved. */
async function runFor(
  label: string,
  sha: string,
  event: RunnerEvent,
  inputs: Record<string, string> = {},
  env: Record<string, string> = {}
): Promise<{ run: ActionRun; added: string[]; moved: string[] }> {
  const before = await snapshot();
  const run = await runAction({ workspace: repo, sha, event, env, inputs: { image, network: 'host', file: FILE, ...inputs } });
  if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-4000)}`);
  expect(run.post.exitCode).toBe(0);
  const after = await snapshot();
  const added = Object.keys(after)
    .filter(t => !(t in before))
    .sort();
  const moved = Object.keys(after)
    .filter(t => t in before && before[t] !== after[t])
    .sort();
  table.push({ run: label, added: added.map(short), moved: moved.map(short), latest: run.outputs['latest-moved'] });
  return { run, added, moved };
}

function pullRequest(head: string | null, headBranch: string, name = 'pull_request', base = 'main'): RunnerEvent {
  return {
    name,
    ref: name === 'pull_request' ? 'refs/pull/7/merge' : `refs/heads/${base}`,
    payload: {
      number: 7,
      repository: { full_name: REPOSITORY, default_branch: 'main' },
      pull_request: {
        number: 7,
        head: { ref: headBranch, sha: commits.C, repo: head ? { full_name: head } : null },
        base: { ref: base, repo: { full_name: REPOSITORY } }
      }
    }
  };
}

/** A run of workflow_run after a push's run of this repository's branch `branch` at `headSha`. */
function workflowRun(branch: string, headSha: string): RunnerEvent {
  return {
    name: 'workflow_run',
    ref: 'refs/heads/main',
    payload: {
      repository: { full_name: REPOSITORY, default_branch: 'main' },
      workflow_run: { event: 'push', head_branch: branch, head_sha: headSha, head_repository: { full_name: REPOSITORY } }
    }
  };
}

/** A runner environment with an Actions cache service of its own and the stack's module proxy. */
function goEnv(server: CacheServer): Record<string, string> {
  return {
    ...server.env('v2'),
    GITHUB_SERVER_URL: 'https://github.com',
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    NO_PROXY: '127.0.0.1,localhost',
    GOPROXY: process.env.STACK_GOPROXY as string,
    GOSUMDB: 'off',
    GOFLAGS: '-mod=readonly'
  };
}

const newCacheServer = (): Promise<CacheServer> => startCacheServer({ dir: fs.mkdtempSync(path.join(repo, '..', 'cib-cache-')), host: '127.0.0.1' });
const greeting = () => path.join(repo, 'internal/greeting/greeting.go');

beforeAll(() => {
  repo = copyFixture('hello-svc');
  commit('A', () => undefined);
  commit('B', () => {
    fs.appendFileSync(path.join(repo, 'internal/greeting/greeting.go'), '\nvar markB = "B"\n');
  });
  // C changes only a file the .dockerignore leaves out: a branch with the default branch's build inputs.
  commit('C', () => {
    fs.writeFileSync(path.join(repo, 'NOTES.md'), 'notes\n');
  });
}, 900_000);

afterAll(() => {
  console.log(
    `trust: tags each run added or moved (${image}):\n${table.map(r => `  ${r.run}: added [${r.added.join(', ')}], moved [${r.moved.join(', ')}], latest-moved ${r.latest}`).join('\n')}`
  );
});

describe('who may move which tag', { timeout: 600_000 }, () => {
  const featureCache = `${CACHE}-${branchSuffix('feature/login')}`;

  it('a push to the default branch adds its commit tag, latest and the builder cache tag', async () => {
    wipeRunner();
    git('checkout', '-q', commits.B);
    const { run, added, moved } = await runFor('push main @B', commits.B, pushTo('main'));
    expect(added).toEqual([commits.B, CACHE, 'latest'].sort());
    expect(moved).toEqual([]);
    expect(run.outputs['latest-moved']).toBe('true');
    expect(run.outputs.trusted).toBe('true');
  });

  it("a new branch's first build gets every builder step from the default branch's cache, and writes only its own tags", async () => {
    wipeRunner();
    git('checkout', '-q', commits.C);
    // copy-unchanged off: this is about the cache (with it on, C would get main's image by a copy).
    const { run, added, moved } = await runFor('push feature/login @C', commits.C, pushTo('feature/login'), { 'copy-unchanged': 'false' });
    expect(added).toEqual([commits.C, featureCache].sort());
    expect(moved).toEqual([]);
    // Every step the Dockerfile's builder stage has, each answered by the cache.
    const expected = dockerfileStageSteps(fs.readFileSync(path.join(repo, FILE), 'utf8'), 'builder');
    const builder = stageBuildSteps(run.main.log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));
    // BuildKit reports steps in the order it resolves them, not the Dockerfile's, and RUN's flags
    // (the cache mounts) with them, which the Dockerfile's steps leave out.
    const withoutFlags = (instruction = '') => instruction.replace(/--mount=\S+\s+/g, '');
    expect(builder.map(v => withoutFlags(v.instruction)).sort()).toEqual([...expected].sort());
    expect(builder.map(v => v.status)).toEqual(expected.map(() => 'cached'));
    expect(run.outputs['latest-moved']).toBe('false');
    expect(run.outputs['latest-reason']).toMatch(/latest: auto moves it only for a push, schedule or manual run of the default branch \(main\)/);
  });

  it("a pull request of this repository pushes its commit tag and its head branch's cache tag, never latest", async () => {
    // The merge commit the runner checks out (GITHUB_SHA of a pull_request run).
    git('checkout', '-q', '-b', 'pr-merge', commits.C);
    const sha = commit('PR merge', () => {
      fs.writeFileSync(path.join(repo, 'NOTES.md'), 'notes of the pull request\n');
    });
    const { run, added, moved } = await runFor('pull_request from feature/pr', sha, pullRequest(REPOSITORY, 'feature/pr'), {
      tags: '7/merge',
      'copy-unchanged': 'false'
    });
    expect(added).toEqual([sha, `${CACHE}-${branchSuffix('feature/pr')}`, 'pr-7'].sort());
    expect(moved).toEqual([]);
    expect(run.outputs['latest-moved']).toBe('false');
  });

  // With a cache service of their own, to see that nothing is saved.
  it.each([
    ['a fork', 'mallory/hello-svc', 'pull_request'],
    ['a deleted fork', null, 'pull_request'],
    ['a deleted fork, pull_request_target checking out its head', null, 'pull_request_target']
  ])('a pull request from %s builds, pushes nothing, saves nothing, logs in to nothing', async (_, head, name) => {
    const server = await newCacheServer();
    try {
      const { run, added, moved } = await runFor(
        `${name} from ${head ?? 'a deleted fork'}`,
        'f'.repeat(40),
        pullRequest(head, 'patch-1', name),
        { push: 'true', tags: 'pr', 'registry-username': 'bot', 'registry-password': 'never-used-password' },
        goEnv(server)
      );
      expect(added).toEqual([]);
      expect(moved).toEqual([]);
      expect(run.outputs.trusted).toBe('false');
      expect(run.outputs.digest).toBe('');
      expect(run.main.log).toMatch(/::warning::Untrusted code \(untrusted code: pull_request(_target)?: a pull request/);
      expect(run.main.log).not.toContain('Log in to');
      // Masked first (the runner swallows ::add-mask::), then never seen again.
      const shown = (run.main.log + run.post.log).split('\n').filter(line => !line.startsWith('::add-mask::'));
      expect(shown.join('\n')).not.toContain('never-used-password');
      expect(run.summary).toContain('Untrusted: nothing pushed, nothing saved, no secrets.');
      expect(run.post.log).not.toContain('Go caches saved');
      expect(server.stats().bytesUploaded).toBe(0);
    } finally {
      await server.close();
    }
  });

  it("a manual run of an older commit of the default branch moves neither latest nor the default branch's cache tag", async () => {
    git('checkout', '-q', commits.A);
    const { run, added, moved } = await runFor('workflow_dispatch main @A (older)', commits.A, { ...pushTo('main'), name: 'workflow_dispatch' });
    expect(added).toEqual([commits.A]);
    expect(moved).toEqual([]);
    expect(run.outputs['latest-moved']).toBe('false');
    expect(run.outputs['latest-reason']).toBe(
      `latest is at ${commits.B.slice(0, 12)}, which already contains ${commits.A.slice(0, 12)}: latest never moves backwards`
    );
  });

  it('of two runs, the older finishing last leaves latest at the newer', async () => {
    git('checkout', '-q', 'main');
    const D = commit('D', () => {
      fs.appendFileSync(path.join(repo, 'internal/greeting/greeting.go'), '\nvar markD = "D"\n');
    });
    const newer = await runFor('push main @D (newer, finishes first)', D, pushTo('main'));
    expect(newer.moved).toEqual([CACHE, 'latest'].sort());
    git('checkout', '-q', commits.B);
    const older = await runFor('push main @B (older, finishes last)', commits.B, pushTo('main'));
    expect(older.added).toEqual([]);
    // Its commit tag names its own (rebuilt) image; latest and the cache tag stay with D.
    expect(older.moved).toEqual([commits.B]);
    expect(older.run.outputs['latest-moved']).toBe('false');
    expect(await manifestDigest(image, 'latest')).toBe(await manifestDigest(image, D));
  });
});

// Each hole a careful review found in the trust rules: a run whose code is not the default branch's
// own, merged code, or whose checkout is not what the event says, must write nothing shared.
describe('trust is read from what is checked out and built', { timeout: 600_000 }, () => {
  const dispatch = (): RunnerEvent => ({ ...pushTo('main'), name: 'workflow_dispatch' });

  it("a manual run of main whose checkout is an unmerged branch moves neither latest nor main's cache tags", async () => {
    git('checkout', '-q', '-B', 'feature/unmerged', 'main');
    const U = commit('U', () => {
      fs.appendFileSync(greeting(), '\nvar markU = "U"\n');
    });
    const main = git('rev-parse', 'main');
    // GITHUB_SHA is main's commit: a commit tag named after it would hold U's code.
    const unnamed = await runFor('workflow_dispatch main, checkout feature/unmerged @U', main, dispatch());
    expect(unnamed.added).toEqual([]);
    expect(unnamed.moved).toEqual([]);
    expect(unnamed.run.main.log).toMatch(new RegExp(`::warning::.*${U}.*commit`));
    // Named by the commit input: U's own tag, nothing shared.
    const named = await runFor('workflow_dispatch main, checkout feature/unmerged @U, commit: U', main, dispatch(), { commit: U });
    expect(named.added).toEqual([U]);
    expect(named.moved).toEqual([]);
    expect(named.run.outputs['latest-moved']).toBe('false');
  });

  it("a pull_request_target that checked out the base and then the fork's files pushes nothing and gets no secret", async () => {
    git('checkout', '-q', 'main');
    const base = git('rev-parse', 'HEAD');
    // What `git checkout FETCH_HEAD -- .` does: the fork's files over the base's checkout, HEAD unchanged.
    fs.appendFileSync(greeting(), '\nvar forkChange = "mallory"\n');
    try {
      const { run, added, moved } = await runFor(
        'pull_request_target from mallory, base checked out, fork files over it',
        base,
        pullRequest('mallory/hello-svc', 'patch-2', 'pull_request_target'),
        {
          file: 'Dockerfile.secret',
          'build-args': `NONCE=${Date.now()}`,
          secrets: 'probe=a-secret-for-the-base-only',
          'registry-username': 'bot',
          'registry-password': 'never-used-password'
        }
      );
      expect(added).toEqual([]);
      expect(moved).toEqual([]);
      expect(run.outputs.trusted).toBe('false');
      expect(run.main.log).toMatch(/^#\d+ \d+\.\d+ probe secret: absent$/m);
      expect(run.main.log).not.toContain('Log in to');
    } finally {
      git('checkout', '-q', '--', '.');
    }
  });

  it("a pull_request_target whose context is an artifact folder with a .git of the base's commit pushes nothing", async () => {
    git('checkout', '-q', 'main');
    const base = git('rev-parse', 'HEAD');
    const artifact = path.join(repo, 'artifact');
    fs.cpSync(path.join(repo, 'internal'), path.join(artifact, 'internal'), { recursive: true });
    for (const file of ['go.mod', 'go.sum', FILE, '.dockerignore']) fs.copyFileSync(path.join(repo, file), path.join(artifact, file));
    fs.cpSync(path.join(repo, 'cmd'), path.join(artifact, 'cmd'), { recursive: true });
    // The artifact's own .git says the base's commit: only the workspace's checkout may say who built it.
    fs.cpSync(path.join(repo, '.git'), path.join(artifact, '.git'), { recursive: true });
    fs.appendFileSync(path.join(artifact, 'internal/greeting/greeting.go'), '\nvar fromArtifact = 1\n');
    try {
      const { run, added, moved } = await runFor(
        'pull_request_target from mallory, context an artifact folder',
        base,
        pullRequest('mallory/hello-svc', 'patch-3', 'pull_request_target'),
        { context: 'artifact' }
      );
      expect(added).toEqual([]);
      expect(moved).toEqual([]);
      expect(run.outputs.trusted).toBe('false');
    } finally {
      fs.rmSync(artifact, { recursive: true, force: true });
    }
  });

  it('a workflow_run of this repository that builds another commit pushes no tag under GITHUB_SHA and saves no Go caches', async () => {
    git('checkout', '-q', 'feature/unmerged');
    const U = git('rev-parse', 'HEAD');
    const main = git('rev-parse', 'main');
    const server = await newCacheServer();
    try {
      const { run, added, moved } = await runFor(
        'workflow_run after feature/unmerged @U',
        main,
        workflowRun('feature/unmerged', U),
        {},
        goEnv(server)
      );
      expect(added).toEqual([]);
      expect(moved).toEqual([]);
      expect(run.post.log).not.toContain('Go caches saved');
      expect(server.stats().bytesUploaded).toBe(0);
    } finally {
      await server.close();
    }
  });

  it('an untrusted build on a builder that stays is refused before any work, naming the input that allows it', async () => {
    git('checkout', '-q', 'main');
    const before = await snapshot();
    const run = await runAction({
      workspace: repo,
      sha: 'f'.repeat(40),
      event: pullRequest('mallory/hello-svc', 'patch-4'),
      inputs: { image, network: 'host', builder: 'cib-shared-builder' }
    });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toMatch(/::error::.*allow-untrusted/);
    expect(run.main.log).not.toMatch(/Compare with latest|Probe the environment/);
    expect(await snapshot()).toEqual(before);
  });

  it("a pull request of this repository whose head branch is named like the default branch writes its own cache tag, not main's", async () => {
    git('checkout', '-q', '-B', 'release-merge', commits.C);
    const sha = commit('release merge', () => {
      fs.writeFileSync(path.join(repo, 'NOTES.md'), 'release notes\n');
    });
    const { added, moved } = await runFor('pull_request main into release', sha, pullRequest(REPOSITORY, 'main', 'pull_request', 'release'), {
      'copy-unchanged': 'false'
    });
    expect(added).toEqual([sha, `${CACHE}-${branchSuffix('main')}`].sort());
    expect(moved).toEqual([]);
  });

  it('a shallow clone that cannot tell whether latest is newer keeps latest where it is', async () => {
    git('checkout', '-q', 'main');
    const latestBefore = await manifestDigest(image, 'latest');
    const shallow = fs.mkdtempSync(path.join(repo, '..', 'cib-shallow-'));
    // Of feature/unmerged (whose parent is latest's commit), only its tip: latest's commit is not in it.
    gitIn(shallow, 'clone', '-q', '--depth', '1', '--branch', 'feature/unmerged', `file://${repo}`, '.');
    // Inputs of its own, so that the run builds and asks whether latest may move (no copy of latest).
    fs.appendFileSync(path.join(shallow, 'internal/greeting/greeting.go'), '\nvar markE = "E"\n');
    const E = commitAll(shallow, 'E');
    const run = await runAction({ workspace: shallow, sha: E, event: pushTo('main'), inputs: { image, network: 'host', file: FILE } });
    expect(run.main.exitCode).toBe(0);
    expect(run.outputs.copied).toBe('false');
    expect(await manifestDigest(image, 'latest')).toBe(latestBefore);
    expect(run.outputs['latest-moved']).toBe('false');
    expect(run.main.log).toMatch(/fetch-depth: 0/);
  });
});
