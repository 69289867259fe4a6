// Who may write what, from real event shapes and what git says of the workspace: the table the
// README's trust model shows, and a row for each hole of issue #21 (each failed on the code before).
import { describe, expect, it } from 'vitest';
import { eventOf, type RunEvent } from '../src/event.js';
import { branchSuffix } from '../src/tags.js';
import {
  decidePolicy,
  defaultBranchTip,
  olderCommitsOf,
  markersAreProof,
  needsCleanTree,
  persistentBuilderOf,
  untrustedByEvent,
  type Policy,
  type TrustInput
} from '../src/trust.js';
import { SHA, pullRequestEvent, pushEvent } from './support/workspace.js';

const REPO = { full_name: 'acme/api', default_branch: 'main' };
const FEATURE = branchSuffix('feature/login');
/** Another commit than the event's: a branch's head, a fork's head. */
const F = 'f'.repeat(40);

function event(name: string, ref: string, payload: Record<string, unknown> = { repository: REPO }, env: Record<string, string> = {}): RunEvent {
  return eventOf({ GITHUB_EVENT_NAME: name, GITHUB_REF: ref, GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api', ...env }, payload);
}

interface Run {
  push?: boolean;
  latest?: 'auto' | 'true' | 'false';
  /** HEAD of the workspace; null: git cannot say. Default: the event's commit. */
  head?: string | null;
  merged?: boolean;
  /** What git status shows; null: git cannot say. Default: a clean tree. */
  dirty?: string[] | null;
  commit?: string;
  builder?: string;
  allow?: boolean;
}

function policy(
  e: RunEvent,
  { push = true, latest = 'auto', head = SHA, merged, dirty = [], commit = '', builder, allow = false }: Run = {}
): Policy {
  const input: TrustInput = {
    event: e,
    head: head ?? undefined,
    merged,
    dirty: dirty ?? undefined,
    commitInput: commit,
    persistentBuilder: builder,
    allowUntrustedOnBuilder: allow,
    push,
    latest,
    saveGoCache: true
  };
  // The code before issue #21 read `checkedOut` (the same HEAD): so the rows can be run against it.
  return decidePolicy({ ...input, checkedOut: input.head } as TrustInput);
}

/** What a run writes, in one line a table can hold. */
const writes = (p: Policy) => ({
  push: p.push,
  save: p.saveCaches,
  secrets: p.secrets,
  latest: p.latest.move,
  write: p.writeScope?.suffix,
  read: p.readScopes.map(s => s.suffix)
});

const NOTHING = { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] };

/** A workflow_run (GITHUB_REF: the default branch) after a pull request run of head F on feature/login. */
const workflowRun = (headRepo: string | undefined) =>
  event('workflow_run', 'refs/heads/main', {
    repository: REPO,
    workflow_run: {
      event: 'pull_request',
      head_branch: 'feature/login',
      head_sha: F,
      head_repository: headRepo ? { full_name: headRepo } : null
    }
  });

/** pull_request_target as GitHub gives it: GITHUB_REF and GITHUB_SHA are the base branch's. */
const pullRequestTarget = (headRepo: string, headRef = 'feature/login') =>
  event('pull_request_target', 'refs/heads/main', {
    repository: REPO,
    number: 7,
    pull_request: {
      number: 7,
      head: { ref: headRef, sha: F, repo: { full_name: headRepo } },
      base: { ref: 'main', repo: { full_name: 'acme/api' } }
    }
  });

describe('decidePolicy: the trust table', () => {
  it.each<[string, RunEvent, Parameters<typeof policy>[1], ReturnType<typeof writes>]>([
    ['push to the default branch', pushEvent(), {}, { push: true, save: true, secrets: true, latest: true, write: '', read: [''] }],
    [
      'push to a branch',
      pushEvent('feature/login'),
      {},
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    [
      'schedule on the default branch',
      event('schedule', 'refs/heads/main'),
      {},
      { push: true, save: true, secrets: true, latest: true, write: '', read: [''] }
    ],
    [
      'manual run of the default branch',
      event('workflow_dispatch', 'refs/heads/main'),
      {},
      { push: true, save: true, secrets: true, latest: true, write: '', read: [''] }
    ],
    [
      'manual run of a branch',
      event('workflow_dispatch', 'refs/heads/feature/login'),
      {},
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    ['push of a tag', event('push', 'refs/tags/v1.2.3'), {}, { push: true, save: true, secrets: true, latest: false, write: undefined, read: [''] }],
    ['release', event('release', 'refs/tags/v1.2.3'), {}, { push: true, save: true, secrets: true, latest: false, write: undefined, read: [''] }],
    [
      'pull request of this repository',
      pullRequestEvent('acme/api'),
      {},
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    [
      'pull request from a fork',
      pullRequestEvent('mallory/api'),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      'pull request from a deleted fork',
      pullRequestEvent(undefined),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    ['pull_request_target, fork head checked out', pullRequestEvent('mallory/api', 'pull_request_target'), { head: F }, NOTHING],
    ['pull_request_target, deleted fork, git unknown', pullRequestEvent(undefined, 'pull_request_target'), { head: null }, NOTHING],
    ["workflow_run after a fork's pull request", workflowRun('mallory/api'), { head: F }, NOTHING],
    ["workflow_run after a deleted fork's, git unknown", workflowRun(undefined), { head: null }, NOTHING],
    [
      "workflow_run after this repository's branch, its head checked out and given as commit",
      workflowRun('acme/api'),
      { head: F, commit: F },
      { push: true, save: false, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    ['issue_comment building a pull request head', event('issue_comment', 'refs/heads/main'), { head: F }, NOTHING],
    [
      'no event at all (not a workflow run)',
      eventOf({ GITHUB_SHA: SHA }, undefined),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [] }
    ]
  ])('%s', (_, e, options, expected) => {
    expect(writes(policy(e, options))).toEqual(expected);
  });
});

// Each row failed on the code before (trust from GITHUB_REF and the payload): run against it once.
describe('decidePolicy: the holes of issue #21', () => {
  it.each<[string, RunEvent, Run, ReturnType<typeof writes>]>([
    // 1. latest, the default branch's cache tags and its Go caches only for code of its history.
    [
      'manual run on main whose checkout is an unmerged branch (commit given): commit tag only',
      event('workflow_dispatch', 'refs/heads/main'),
      { head: F, merged: false, commit: F },
      { push: true, save: false, secrets: true, latest: false, write: undefined, read: [''] }
    ],
    [
      'the same where git cannot tell (a shallow clone): nothing shared',
      event('workflow_dispatch', 'refs/heads/main'),
      { head: F, commit: F },
      { push: true, save: false, secrets: true, latest: false, write: undefined, read: [''] }
    ],
    [
      'push to main with no git repository in the workspace: the commit tag, nothing shared',
      pushEvent(),
      { head: null },
      { push: true, save: false, secrets: true, latest: false, write: undefined, read: [''] }
    ],
    [
      'manual rebuild of an older commit of main (commit given): latest and the cache tags may move (never backwards decides), no Go cache saved',
      event('workflow_dispatch', 'refs/heads/main'),
      { head: F, merged: true, commit: F },
      { push: true, save: false, secrets: true, latest: true, write: '', read: [''] }
    ],
    [
      'latest: true on a branch whose commit is not in the default branch',
      pushEvent('feature/login'),
      { latest: 'true', merged: false },
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    [
      'latest: true on a branch where git cannot tell',
      pushEvent('feature/login'),
      { latest: 'true' },
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    // 2. Events run with the base's rights: the commit they claim, as checked out, unchanged.
    [
      "pull_request_target that checked out the base, then the fork's files (git checkout FETCH_HEAD -- .)",
      pullRequestTarget('mallory/api'),
      { dirty: ['M  main.go'] },
      NOTHING
    ],
    ["pull_request_target of the base's commit where git cannot say the tree is clean", pullRequestTarget('mallory/api'), { dirty: null }, NOTHING],
    [
      'workflow_run of this repository with a downloaded artifact folder in the context',
      workflowRun('acme/api'),
      { head: F, commit: F, dirty: ['?? artifact/'] },
      NOTHING
    ],
    ['workflow_run of this repository where git cannot say what is checked out', workflowRun('acme/api'), { head: null, commit: F }, NOTHING],
    [
      "workflow_run of this repository that checked out a commit that is neither its head nor the base's",
      workflowRun('acme/api'),
      { head: 'e'.repeat(40), commit: 'e'.repeat(40) },
      NOTHING
    ],
    [
      'pull_request_target of this repository, its head checked out, the tree unknown',
      pullRequestTarget('acme/api'),
      { head: F, commit: F, dirty: null },
      NOTHING
    ],
    // 3. Another commit built than GITHUB_SHA: the commit tag only under the commit input; no Go cache in the default branch's scope.
    [
      'workflow_run of this repository building its head, commit not given: pushes nothing, saves nothing',
      workflowRun('acme/api'),
      { head: F },
      { push: false, save: false, secrets: true, latest: false, write: undefined, read: [FEATURE, ''] }
    ],
    [
      'pull_request_target of this repository building its head, commit not given',
      pullRequestTarget('acme/api'),
      { head: F },
      { push: false, save: false, secrets: true, latest: false, write: undefined, read: [FEATURE, ''] }
    ],
    [
      "pull_request_target of this repository building its head, commit given: its own scope, no Go cache in main's",
      pullRequestTarget('acme/api'),
      { head: F, commit: F },
      { push: true, save: false, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    [
      'pull request that checked out its head instead of the merge commit, commit not given: no push, its own Go cache scope',
      pullRequestEvent('acme/api'),
      { head: F },
      { push: false, save: true, secrets: true, latest: false, write: undefined, read: [FEATURE, ''] }
    ],
    // 7. A pull request of this repository from a branch named as the default branch: still its own scope.
    [
      'pull request from a branch named main into release',
      eventOf(
        { GITHUB_EVENT_NAME: 'pull_request', GITHUB_REF: 'refs/pull/8/merge', GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api' },
        {
          repository: REPO,
          pull_request: {
            number: 8,
            head: { ref: 'main', repo: { full_name: 'acme/api' } },
            base: { ref: 'release', repo: { full_name: 'acme/api' } }
          }
        }
      ),
      {},
      { push: true, save: true, secrets: true, latest: false, write: branchSuffix('main'), read: [branchSuffix('main'), branchSuffix('release'), ''] }
    ]
  ])('%s', (_, e, options, expected) => {
    expect(writes(policy(e, options))).toEqual(expected);
  });

  it('says to set commit to the commit built, naming it, when the commit tag would name another', () => {
    const p = policy(workflowRun('acme/api'), { head: F });
    expect(p.warnings).toEqual([expect.stringContaining(`commit: ${F}`)]);
    expect(policy(workflowRun('acme/api'), { head: F, commit: F }).warnings).toEqual([]);
    expect(policy(pushEvent()).warnings).toEqual([]);
  });

  it('says why latest stays when the commit is not proven of the default branch (shallow clone: fetch-depth 0)', () => {
    expect(policy(event('workflow_dispatch', 'refs/heads/main'), { head: F, commit: F }).latest.why).toMatch(/fetch-depth: 0/);
    expect(policy(pushEvent(), { head: null }).latest.why).toMatch(/git cannot say which commit/);
    expect(policy(event('workflow_dispatch', 'refs/heads/main'), { head: F, commit: F, merged: false }).notes.join('\n')).toMatch(
      /default branch's cache tags are not written: the commit built \(ffffffffffff\) is not in the history of the default branch main/
    );
  });

  // 4. Untrusted code on a builder that stays: refused unless opted in; then no marker is proof.
  it('refuses untrusted code on a builder that stays, naming the opt-in; opted in, no marker is proof', () => {
    const fork = pullRequestEvent('mallory/api');
    expect(policy(fork, { builder: 'the builder ci' }).refused).toMatch(/not built on the builder ci.*allow-untrusted-on-builder: true/);
    expect(policy(fork).refused).toBeUndefined();
    expect(policy(pushEvent(), { builder: 'the builder ci' }).refused).toBeUndefined();
    const allowed = policy(fork, { builder: 'the builder ci', allow: true });
    expect(allowed.refused).toBeUndefined();
    expect(allowed.markersAreProof).toBe(false);
    expect(policy(pushEvent(), { builder: 'the builder ci', allow: true }).markersAreProof).toBe(false);
    expect(policy(pushEvent(), { builder: 'the builder ci' }).markersAreProof).toBe(true);
  });
});

describe('decidePolicy: the rest, and its helpers', () => {
  it('a builder stays when named, at an endpoint, or on a self-hosted runner', () => {
    expect(persistentBuilderOf({ builder: 'ci' }, 'github-hosted')).toMatch(/builder ci/);
    expect(persistentBuilderOf({ buildkitEndpoint: 'tcp://127.0.0.1:1234' }, undefined)).toMatch(/buildkit-endpoint/);
    expect(persistentBuilderOf({}, 'self-hosted')).toMatch(/self-hosted/);
    expect(persistentBuilderOf({}, 'github-hosted')).toBeUndefined();
    expect(persistentBuilderOf({}, undefined)).toBeUndefined();
  });
  it('markers are proof unless untrusted builds are allowed on the builder', () => {
    expect(markersAreProof({ allowUntrustedOnBuilder: false })).toBe(true);
    expect(markersAreProof({})).toBe(true);
    expect(markersAreProof({ allowUntrustedOnBuilder: true })).toBe(false);
  });
  it("the default branch's history is asked of GITHUB_SHA for its own runs, of the fetched branch otherwise", () => {
    expect(defaultBranchTip(pushEvent())).toBe(SHA);
    expect(defaultBranchTip(pushEvent('feature/login'))).toBe('refs/remotes/origin/main');
    expect(defaultBranchTip(eventOf({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA }, {}))).toBeUndefined();
  });
  it('an images file is refused before it is read where the event alone is untrusted', () => {
    expect(untrustedByEvent(pullRequestEvent('mallory/api'))).toMatch(/fork mallory\/api/);
    expect(untrustedByEvent(eventOf({ GITHUB_SHA: SHA }, undefined))).toMatch(/GITHUB_EVENT_NAME is not set/);
    // pull_request_target may still be the base's own code: the workspace decides, after.
    expect(untrustedByEvent(pullRequestTarget('mallory/api'))).toBeUndefined();
    expect(untrustedByEvent(pushEvent())).toBeUndefined();
  });

  it("pull_request_target building the base's own commit is a run of the base branch, without latest", () => {
    const p = policy(pullRequestEvent('mallory/api', 'pull_request_target'));
    // GITHUB_REF of pull_request_target is the base branch; in this fixture it is the merge ref, so no branch scope.
    expect(p.trusted).toBe(true);
    expect(p.latest.move).toBe(false);
    const onBase = eventOf(
      { GITHUB_EVENT_NAME: 'pull_request_target', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api' },
      {
        repository: REPO,
        pull_request: { number: 7, head: { ref: 'x', repo: { full_name: 'mallory/api' } }, base: { ref: 'main', repo: { full_name: 'acme/api' } } }
      }
    );
    expect(writes(policy(onBase))).toEqual({ push: true, save: true, secrets: true, latest: false, write: '', read: [''] });
  });

  it('push: false pushes nothing but a trusted run still saves its caches', () => {
    expect(writes(policy(pushEvent(), { push: false }))).toEqual({
      push: false,
      save: true,
      secrets: true,
      latest: false,
      write: undefined,
      read: ['']
    });
  });

  it('latest: true moves latest from a branch of merged code; latest: false keeps it on the default branch; neither for forks', () => {
    // Changed on purpose (issue #21): latest: true needs the commit in the default branch's history.
    expect(policy(pushEvent('feature/login'), { latest: 'true', merged: true }).latest).toEqual({ move: true, why: 'latest: true' });
    expect(policy(pushEvent(), { latest: 'false' }).latest).toEqual({ move: false, why: 'latest: false' });
    expect(policy(pullRequestEvent('mallory/api'), { latest: 'true' }).latest.move).toBe(false);
    // A pull request of this repository is trusted, but its code is not merged: never latest.
    expect(policy(pullRequestEvent('acme/api'), { latest: 'true' }).latest).toEqual({ move: false, why: 'a pull request never moves latest' });
  });

  it('a payload without a default branch is a note and the conservative choice', () => {
    const e = eventOf({ GITHUB_EVENT_NAME: 'push', GITHUB_REF: 'refs/heads/main', GITHUB_SHA: SHA }, { repository: { full_name: 'acme/api' } });
    const p = policy(e);
    expect(p.latest.move).toBe(false);
    expect(p.writeScope?.suffix).toBe(branchSuffix('main'));
    expect(p.readScopes.map(s => s.suffix)).toEqual([branchSuffix('main')]);
    expect(p.notes.join()).toMatch(/names no default branch/);
  });

  it('says who the run is for', () => {
    expect(policy(pushEvent()).who).toBe('push of branch main (the default branch)');
    expect(policy(pullRequestEvent('acme/api')).who).toBe('pull_request #7 from branch feature/login of this repository into main');
    expect(policy(pullRequestEvent('mallory/api')).who).toBe('untrusted code: pull_request: a pull request from the fork mallory/api');
    expect(policy(pullRequestEvent(undefined)).who).toMatch(/head repository is gone or not named \(a deleted fork\)/);
  });

  it("asks for a clean tree where the event runs with the base's rights", () => {
    expect(['push', 'schedule', 'workflow_dispatch', 'release', 'pull_request', 'pull_request_review', ''].map(needsCleanTree)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
      false
    ]);
    expect(['pull_request_target', 'workflow_run', 'issue_comment', 'deployment'].map(needsCleanTree)).toEqual([true, true, true, true]);
  });
});

describe('eventOf', () => {
  it('reads the pull request head and base, and a deleted fork as no head repository', () => {
    expect(pullRequestEvent(undefined).pullRequest).toEqual({
      number: 7,
      headRef: 'feature/login',
      baseRef: 'main',
      headRepo: undefined,
      baseRepo: 'acme/api',
      headSha: 'f'.repeat(40)
    });
  });
});

describe('olderCommitsOf: what a push itself shows to be older than the commit built', () => {
  const BEFORE = 'b'.repeat(40);
  const BROUGHT = 'c'.repeat(40);
  const push = (payload: Record<string, unknown>) => event('push', 'refs/heads/main', { repository: REPO, ...payload });
  const fastForward = { before: BEFORE, forced: false, commits: [{ id: BROUGHT }, { id: SHA }] };

  it.each([
    ['a fast-forward push of the commit built: its before and the commits it brought', push(fastForward), SHA, [BEFORE, BROUGHT]],
    ['a forced push: nothing (its before may be a newer commit, rewritten away)', push({ ...fastForward, forced: true }), SHA, []],
    ['a payload that does not say forced: nothing', push({ before: BEFORE, commits: [{ id: BROUGHT }] }), SHA, []],
    ["a branch's first push (before is all zeros): only what it brought", push({ ...fastForward, before: '0'.repeat(40) }), SHA, [BROUGHT]],
    ['another commit checked out than the one pushed: nothing', push(fastForward), F, []],
    ['no git answer for the commit built: nothing', push(fastForward), undefined, []],
    ['a manual run: nothing', event('workflow_dispatch', 'refs/heads/main', { repository: REPO, ...fastForward }), SHA, []]
  ])('%s', (_, runEvent, head, older) => {
    expect(olderCommitsOf(runEvent, head)).toEqual(older);
  });

  it('reaches the policy of a run', () => {
    expect(policy(push(fastForward)).olderCommits).toEqual([BEFORE, BROUGHT]);
  });
});
