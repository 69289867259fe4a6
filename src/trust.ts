// Who the run is for, and so what it may write: which tags move, which cache tags it reads and writes,
// whether it saves caches and gets secrets. Pure: the event and a few inputs in, the policy out.
// Untrusted code (a fork's pull request, or code that is not the repository's own) writes nothing.
import type { RunEvent } from './event.js';
import { branchSuffix } from './tags.js';

export const LATEST_SETTINGS = ['auto', 'true', 'false'] as const;
export type LatestSetting = (typeof LATEST_SETTINGS)[number];

export interface TrustInput {
  event: RunEvent;
  /** The commit checked out in the build context (git rev-parse HEAD), when git knows it. */
  checkedOut?: string;
  /** The push input. */
  push: boolean;
  latest: LatestSetting;
  /** go-cache: true (not read-only, not off). */
  saveGoCache: boolean;
}

/** A branch's cache tags: the default branch keeps the plain names (suffix ''). */
export interface CacheScope {
  branch: string;
  suffix: string;
}

export interface Policy {
  /** Who the run is for, in words, for the log and the summary. */
  who: string;
  trusted: boolean;
  /** Push the commit tag, the cache tag and the extra tags. */
  push: boolean;
  saveCaches: boolean;
  /** Log in and hand the BuildKit secrets to the build. */
  secrets: boolean;
  /** Whether latest may move (before the check that it never moves backwards), and why. */
  latest: { move: boolean; why: string };
  /** The cache tags this run writes; none for untrusted runs, tags and refs that are no branch. */
  writeScope?: CacheScope;
  /** The cache tags read, own branch's first. */
  readScopes: CacheScope[];
  notes: string[];
}

/** Events whose code is a ref of the repository itself, started by someone who may write to it. */
const REF_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'repository_dispatch', 'release', 'merge_group', 'create']);
/** Events that build a pull request's merge commit, with the head repository's rights. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);
/** latest: auto moves for these runs of the default branch. */
const LATEST_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch']);

/** Whether the policy needs the commit checked out in the context (git): only where the event's own ref may not be what is built. */
export function needsCheckedOutCommit(eventName: string): boolean {
  return eventName !== '' && !REF_EVENTS.has(eventName) && !PULL_REQUEST_EVENTS.has(eventName);
}

type Build =
  | { kind: 'branch'; branch: string; event: string }
  | { kind: 'pull'; head: string; base?: string; number?: number; event: string }
  | { kind: 'other'; what: string }
  | { kind: 'untrusted'; why: string };

export function decidePolicy(input: TrustInput): Policy {
  const { event } = input;
  const notes = [...event.notes];
  const defaultBranch = event.defaultBranch;
  if (event.name !== '' && defaultBranch === undefined) {
    notes.push(
      'the event payload names no default branch: this run counts as another branch (latest does not move; it writes cache tags of its own)'
    );
  }
  const scope = (branch: string): CacheScope => ({ branch, suffix: branch === defaultBranch ? '' : branchSuffix(branch) });
  const withDefault = (scopes: CacheScope[]): CacheScope[] => {
    const all = defaultBranch === undefined ? scopes : [...scopes, scope(defaultBranch)];
    return all.filter((s, i) => all.findIndex(o => o.suffix === s.suffix) === i);
  };

  const build = whatIsBuilt(input);
  const trusted = build.kind !== 'untrusted';
  let who: string;
  let writeScope: CacheScope | undefined;
  let readScopes: CacheScope[];
  if (build.kind === 'branch') {
    who = `${build.event} of branch ${build.branch}${build.branch === defaultBranch ? ' (the default branch)' : ''}`;
    writeScope = scope(build.branch);
    readScopes = withDefault([writeScope]);
  } else if (build.kind === 'pull') {
    who = `${build.event}${build.number !== undefined ? ` #${build.number}` : ''} from branch ${build.head} of this repository${build.base ? ` into ${build.base}` : ''}`;
    writeScope = scope(build.head);
    readScopes = withDefault([writeScope, ...(build.base ? [scope(build.base)] : [])]);
  } else if (build.kind === 'other') {
    who = build.what;
    readScopes = withDefault([]);
  } else {
    who = `untrusted code: ${build.why}`;
    const base = event.pullRequest?.baseRef;
    readScopes = withDefault(base ? [scope(base)] : []);
  }

  const push = trusted && input.push;
  return {
    who,
    trusted,
    push,
    saveCaches: trusted && input.saveGoCache,
    secrets: trusted,
    latest: latestRule(input, build, push),
    writeScope: push ? writeScope : undefined,
    readScopes,
    notes
  };
}

function whatIsBuilt({ event, checkedOut }: TrustInput): Build {
  if (event.name === '') return { kind: 'untrusted', why: 'GITHUB_EVENT_NAME is not set, so this is no workflow run of a repository' };
  const ownCode = checkedOut !== undefined && checkedOut === event.sha;
  const asRef = (): Build => refBuild(event.name, event.ref);
  if (REF_EVENTS.has(event.name)) return asRef();

  if (PULL_REQUEST_EVENTS.has(event.name) || event.name === 'pull_request_target') {
    const pr = event.pullRequest;
    const base = pr?.baseRepo ?? event.repository;
    if (pr?.headRepo && base && pr.headRepo === base && pr.headRef) {
      return { kind: 'pull', head: pr.headRef, base: pr.baseRef, number: pr.number, event: event.name };
    }
    const from = pr?.headRepo
      ? `a pull request from the fork ${pr.headRepo}`
      : 'a pull request whose head repository is gone or not named (a deleted fork)';
    // pull_request_target runs with the base's rights: fine for the base's own code, never for the fork's.
    if (event.name === 'pull_request_target' && ownCode) return asRef();
    return { kind: 'untrusted', why: `${event.name}: ${from}` };
  }
  if (event.name === 'workflow_run') {
    const run = event.workflowRun;
    if (run?.headRepo && run.headRepo === event.repository && run.headBranch) {
      return { kind: 'branch', branch: run.headBranch, event: `workflow_run after ${run.event ?? 'a run'}` };
    }
    if (ownCode) return asRef();
    return {
      kind: 'untrusted',
      why: `workflow_run after a run of ${run?.headRepo ? `the fork ${run.headRepo}` : 'a repository that is gone or not named'}`
    };
  }
  // Any other event: only the repository's own commit at the event's ref, checked out as it is.
  if (ownCode) return asRef();
  return {
    kind: 'untrusted',
    why: `${event.name}: the code checked out (${checkedOut?.slice(0, 12) ?? 'unknown'}) is not the event's commit ${event.sha.slice(0, 12)}`
  };
}

function refBuild(eventName: string, ref: string): Build {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', branch: ref.slice('refs/heads/'.length), event: eventName };
  if (ref.startsWith('refs/tags/'))
    return { kind: 'other', what: `${eventName} of tag ${ref.slice('refs/tags/'.length)} (reads the default branch's cache tags, writes none)` };
  return { kind: 'other', what: `${eventName} of ${ref || 'no ref'} (reads the default branch's cache tags, writes none)` };
}

function latestRule(input: TrustInput, build: Build, push: boolean): Policy['latest'] {
  if (!input.event.name || build.kind === 'untrusted') return { move: false, why: 'untrusted code moves no tag' };
  if (!push) return { move: false, why: 'push: false' };
  if (input.latest === 'false') return { move: false, why: 'latest: false' };
  // A pull request's code is not merged yet: latest is never its image, whatever the input says.
  if (build.kind === 'pull') return { move: false, why: 'a pull request never moves latest' };
  if (input.latest === 'true') return { move: true, why: 'latest: true' };
  const defaultBranch = input.event.defaultBranch;
  const onDefault = build.kind === 'branch' && defaultBranch !== undefined && build.branch === defaultBranch;
  if (onDefault && LATEST_EVENTS.has(input.event.name)) return { move: true, why: `latest: auto, a ${input.event.name} of the default branch` };
  return {
    move: false,
    why: `latest: auto moves it only for a push, schedule or manual run of the default branch${defaultBranch ? ` (${defaultBranch})` : ', which the event does not name'}`
  };
}
