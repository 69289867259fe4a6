// Who may write what, from real event shapes: the table the README's trust model shows.
import { describe, expect, it } from 'vitest';
import { eventOf, type RunEvent } from '../src/event.js';
import { branchSuffix } from '../src/tags.js';
import { decidePolicy, needsCheckedOutCommit, type Policy } from '../src/trust.js';
import { SHA, pullRequestEvent, pushEvent } from './support/workspace.js';

const REPO = { full_name: 'acme/api', default_branch: 'main' };
const FEATURE = branchSuffix('feature/login');

function event(name: string, ref: string, payload: Record<string, unknown> = { repository: REPO }, env: Record<string, string> = {}): RunEvent {
  return eventOf({ GITHUB_EVENT_NAME: name, GITHUB_REF: ref, GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api', ...env }, payload);
}

function policy(
  e: RunEvent,
  { push = true, latest = 'auto', checkedOut }: { push?: boolean; latest?: 'auto' | 'true' | 'false'; checkedOut?: string } = {}
): Policy {
  return decidePolicy({ event: e, checkedOut, push, latest, saveGoCache: true });
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

const workflowRun = (headRepo: string | undefined) =>
  event('workflow_run', 'refs/heads/main', {
    repository: REPO,
    workflow_run: {
      event: 'pull_request',
      head_branch: 'feature/login',
      head_sha: 'f'.repeat(40),
      head_repository: headRepo ? { full_name: headRepo } : null
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
    [
      'pull_request_target, fork head checked out',
      pullRequestEvent('mallory/api', 'pull_request_target'),
      { checkedOut: 'f'.repeat(40) },
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      'pull_request_target, deleted fork, git unknown',
      pullRequestEvent(undefined, 'pull_request_target'),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      "workflow_run after a fork's pull request",
      workflowRun('mallory/api'),
      { checkedOut: 'f'.repeat(40) },
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      "workflow_run after a deleted fork's",
      workflowRun(undefined),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      "workflow_run after this repository's branch",
      workflowRun('acme/api'),
      {},
      { push: true, save: true, secrets: true, latest: false, write: FEATURE, read: [FEATURE, ''] }
    ],
    [
      'issue_comment building a pull request head',
      event('issue_comment', 'refs/heads/main'),
      { checkedOut: 'f'.repeat(40) },
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [''] }
    ],
    [
      'no event at all (not a workflow run)',
      eventOf({ GITHUB_SHA: SHA }, undefined),
      {},
      { push: false, save: false, secrets: false, latest: false, write: undefined, read: [] }
    ]
  ])('%s', (_, e, options, expected) => {
    expect(writes(policy(e, options))).toEqual(expected);
  });

  it("pull_request_target building the base's own commit is a run of the base branch, without latest", () => {
    const p = policy(pullRequestEvent('mallory/api', 'pull_request_target'), { checkedOut: SHA });
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
    expect(writes(policy(onBase, { checkedOut: SHA }))).toEqual({ push: true, save: true, secrets: true, latest: false, write: '', read: [''] });
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

  it('latest: true moves latest from a branch; latest: false keeps it on the default branch; neither for forks', () => {
    expect(policy(pushEvent('feature/login'), { latest: 'true' }).latest).toEqual({ move: true, why: 'latest: true' });
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

  it('asks git for the checked-out commit only where the event does not say what is built', () => {
    expect(['push', 'schedule', 'workflow_dispatch', 'pull_request', ''].map(needsCheckedOutCommit)).toEqual([false, false, false, false, false]);
    expect(['pull_request_target', 'workflow_run', 'issue_comment'].map(needsCheckedOutCommit)).toEqual([true, true, true]);
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
