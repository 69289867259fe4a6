// Who the run is for, and so what it may write: which tags move, which cache tags it reads and writes,
// whether it saves caches and gets secrets. Pure: the event, what git says of the workspace and a few
// inputs in, the policy out. Who built what is read from what is built: the commit checked out in
// the workspace, a clean work tree for events run with the base's rights, and for latest and the
// default branch's caches a commit in the default branch's history, whatever GITHUB_REF says.
// Untrusted code (a fork's pull request, or code that is not the repository's own) writes nothing.
import type { LatestSetting } from './config.js';
import type { RunEvent } from './event.js';
import { branchSuffix } from './tags.js';

export interface TrustInput {
  event: RunEvent;
  /** The commit built: `git rev-parse HEAD` of GITHUB_WORKSPACE (not the context's own .git); undefined when git cannot say. */
  head?: string;
  /**
   * Whether `head` is in the default branch's history (git merge-base --is-ancestor with
   * defaultBranchTip); undefined when git cannot tell or was not asked. A head that is the tip itself
   * needs no asking.
   */
  merged?: boolean;
  /**
   * For events run with the base's rights (needsCleanTree): what `git status` shows in the paths the
   * build reads, ignored files too; [] is a clean tree, undefined that git could not say.
   */
  dirty?: string[];
  /** The commit input ('' or undefined when not given): the commit the tags name instead of GITHUB_SHA. */
  commitInput?: string;
  /** Why the build runs on a builder that stays after the job (persistentBuilderOf); undefined on a fresh one. */
  persistentBuilder?: string;
  /** The allow-untrusted-on-builder input. */
  allowUntrustedOnBuilder?: boolean;
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
  /** Whether a key marker (in a builder's cache mounts, in the runner's Go folders) proves what they hold (markersAreProof). */
  markersAreProof: boolean;
  /** Why the run must not build at all, when so: untrusted code on a builder that stays. */
  refused?: string;
  notes: string[];
  /** What the user should change (the commit tag would name another commit than the one built). */
  warnings: string[];
  /**
   * Commits the event itself shows to be in the history of the commit built: what a push that was
   * not forced moved the branch from, and the commits it brought. latest at one of them is older,
   * whatever a shallow clone's git can tell.
   */
  olderCommits: string[];
}

/** Events whose code is a ref of the repository itself, started by someone who may write to it. */
const REF_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch', 'repository_dispatch', 'release', 'merge_group', 'create']);
/** Events that build a pull request's merge commit, with the head repository's rights. */
const PULL_REQUEST_EVENTS = new Set(['pull_request', 'pull_request_review', 'pull_request_review_comment']);
/** latest: auto moves for these runs of the default branch. */
const LATEST_EVENTS = new Set(['push', 'schedule', 'workflow_dispatch']);

/**
 * Events that run with the base's rights whatever code they check out (pull_request_target,
 * workflow_run, issue_comment, …): their build is trusted only from a clean work tree.
 */
export function needsCleanTree(eventName: string): boolean {
  return eventName !== '' && !REF_EVENTS.has(eventName) && !PULL_REQUEST_EVENTS.has(eventName);
}

/** Whether GITHUB_REF is the default branch (then the Actions cache scope is the default branch's). */
export function onDefaultBranchRef(event: RunEvent): boolean {
  return event.defaultBranch !== undefined && event.ref === `refs/heads/${event.defaultBranch}`;
}

/**
 * What "in the default branch's history" is asked against: for a run of the default branch,
 * GITHUB_SHA (that branch's commit at the event); else the default branch as fetched
 * (actions/checkout with fetch-depth: 0 fetches every branch), which a shallow clone does not have.
 */
export function defaultBranchTip(event: RunEvent): string | undefined {
  if (event.defaultBranch === undefined) return undefined;
  if (onDefaultBranchRef(event)) return /^[0-9a-f]{40,64}$/.test(event.sha) ? event.sha : undefined;
  return `refs/remotes/origin/${event.defaultBranch}`;
}

/**
 * Builders whose cache mounts outlive the job: one named by `builder`, a BuildKit at
 * `buildkit-endpoint`, and a self-hosted runner's engine. What one build leaves there, the next finds.
 */
export function persistentBuilderOf(
  config: { builder?: string; buildkitEndpoint?: string },
  runnerEnvironment: string | undefined
): string | undefined {
  if (config.builder) return `the builder ${config.builder} (input 'builder')`;
  if (config.buildkitEndpoint) return `the BuildKit at ${config.buildkitEndpoint} (input 'buildkit-endpoint')`;
  if (runnerEnvironment === 'self-hosted') return "a self-hosted runner's engine (RUNNER_ENVIRONMENT=self-hosted)";
  return undefined;
}

/**
 * The one place that says whether a key marker is proof of what the caches hold. Untrusted builds
 * allowed on a builder that stays may write anything into its cache mounts (and, in prebuild mode, the
 * runner's Go folders) and leave a marker that names any key: then no marker proves anything, and every
 * run restores and fills as on a fresh builder.
 */
export function markersAreProof(input: Pick<TrustInput, 'allowUntrustedOnBuilder'>): boolean {
  return input.allowUntrustedOnBuilder !== true;
}

type Build =
  | { kind: 'branch'; branch: string; event: string }
  | { kind: 'pull'; head: string; base?: string; number?: number; event: string }
  | { kind: 'other'; what: string }
  | { kind: 'untrusted'; why: string };

const short = (sha: string | undefined) => sha?.slice(0, 12) ?? 'unknown';

export function decidePolicy(input: TrustInput): Policy {
  const { event } = input;
  const notes = [...event.notes];
  const warnings: string[] = [];
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
    // Never the plain names, even for a head branch named as the default branch: its code is not merged.
    writeScope = { branch: build.head, suffix: branchSuffix(build.head) };
    readScopes = withDefault([writeScope, ...(build.base ? [scope(build.base)] : [])]);
  } else if (build.kind === 'other') {
    who = build.what;
    readScopes = withDefault([]);
  } else {
    who = `untrusted code: ${build.why}`;
    const base = event.pullRequest?.baseRef;
    readScopes = withDefault(base ? [scope(base)] : []);
  }

  const { head } = input;
  const onDefaultRef = onDefaultBranchRef(event);
  const headIsEventCommit = head !== undefined && head === event.sha;
  // GITHUB_SHA of a run of the default branch is that branch's commit: a head equal to it is merged.
  const merged = input.merged === true || (onDefaultRef && headIsEventCommit);
  const notMerged = notMergedWhy(input, head);

  // The commit tag names GITHUB_SHA unless the commit input says otherwise: for another commit built, it would lie.
  const wrongCommit = trusted && input.push && head !== undefined && !headIsEventCommit && !input.commitInput;
  if (wrongCommit) {
    warnings.push(
      `The commit built (${head}) is not the event's commit GITHUB_SHA (${event.sha || 'not set'}): its commit tag would name the wrong commit, so nothing is pushed. Set the input commit to the commit built (commit: ${head}, or actions/checkout's commit output)`
    );
  }
  const push = trusted && input.push && !wrongCommit;

  if (push && writeScope?.suffix === '' && !merged) {
    notes.push(`the default branch's cache tags are not written: ${notMerged}`);
    writeScope = undefined;
  }

  // The Actions cache scope is GITHUB_REF's: while it is the default branch, only its own commit saves there.
  let saveCaches = trusted && input.saveGoCache;
  const mayBeDefaultRef = onDefaultRef || (defaultBranch === undefined && event.ref.startsWith('refs/heads/'));
  if (saveCaches && mayBeDefaultRef && !headIsEventCommit) {
    saveCaches = false;
    notes.push(
      `the Go caches are not saved: this run saves in the default branch's cache scope (GITHUB_REF ${event.ref}), and the commit built (${short(head)}) is not its commit ${short(event.sha)}`
    );
  }

  let latest = latestRule(input, build, push);
  if (latest.move && !merged) latest = { move: false, why: `latest stays: ${notMerged}` };

  const refused =
    !trusted && input.persistentBuilder && !input.allowUntrustedOnBuilder
      ? `Untrusted code (${who}) is not built on ${input.persistentBuilder}: that builder stays after the job, and the build would write into the Go cache mounts and the key markers that trusted runs then take as theirs. Build it on a fresh builder (a GitHub-hosted runner without builder or buildkit-endpoint), or set allow-untrusted-on-builder: true (then no run takes the builder's markers as proof of what it holds)`
      : undefined;

  return {
    who,
    trusted,
    push,
    saveCaches,
    secrets: trusted,
    latest,
    writeScope: push ? writeScope : undefined,
    readScopes,
    markersAreProof: markersAreProof(input),
    refused,
    notes,
    warnings,
    olderCommits: olderCommitsOf(event, input.head)
  };
}

/** A fast-forward push's before and its commits, when the commit built is the one it pushed (see Policy.olderCommits). */
export function olderCommitsOf(event: RunEvent, head: string | undefined): string[] {
  const push = event.push;
  if (!push || push.forced || head === undefined || head !== event.sha) return [];
  const before = push.before && !/^0+$/.test(push.before) ? [push.before] : [];
  return [...new Set([...before, ...push.commits])].filter(commit => commit !== head);
}

/** Why the commit built is not proven to be in the default branch's history. */
function notMergedWhy({ event, merged }: TrustInput, head: string | undefined): string {
  if (head === undefined)
    return 'git cannot say which commit the workspace holds (no git repository at GITHUB_WORKSPACE?), so it is not proven to be of the default branch';
  if (event.defaultBranch === undefined) return 'the event names no default branch';
  if (merged === false) return `the commit built (${short(head)}) is not in the history of the default branch ${event.defaultBranch}`;
  return `git cannot tell whether the commit built (${short(head)}) is in the history of the default branch ${event.defaultBranch} (a shallow clone: actions/checkout with fetch-depth: 0 lets it)`;
}

/**
 * For an event run with the base's rights: what keeps its build from being the commit it claims, as
 * checked out, unchanged (`allowed`: the commits that may be checked out); undefined when nothing does.
 */
function baseRightsProblem({ head, dirty }: TrustInput, allowed: string[]): string | undefined {
  if (head === undefined) return 'git cannot say which commit the workspace holds';
  if (!allowed.includes(head)) return `the code checked out (${short(head)}) is not ${allowed.map(short).join(' or ')}`;
  if (dirty === undefined) return 'git cannot say whether the work tree is as the commit has it';
  if (dirty.length) {
    return `the work tree is not the commit ${short(head)}: ${dirty.slice(0, 3).join(', ')}${dirty.length > 3 ? ` and ${dirty.length - 3} more` : ''} (changed, untracked or ignored files)`;
  }
  return undefined;
}

function whatIsBuilt(input: TrustInput): Build {
  const { event } = input;
  if (event.name === '') return { kind: 'untrusted', why: 'GITHUB_EVENT_NAME is not set, so this is no workflow run of a repository' };
  const asRef = (): Build => refBuild(event.name, event.ref);
  if (REF_EVENTS.has(event.name)) return asRef();
  // Code of the event's own commit, as checked out: the base's own, whatever the payload names.
  const ownProblem = baseRightsProblem(input, [event.sha]);

  if (PULL_REQUEST_EVENTS.has(event.name) || event.name === 'pull_request_target') {
    const pr = event.pullRequest;
    const base = pr?.baseRepo ?? event.repository;
    if (pr?.headRepo && base && pr.headRepo === base && pr.headRef) {
      const pull: Build = { kind: 'pull', head: pr.headRef, base: pr.baseRef, number: pr.number, event: event.name };
      if (PULL_REQUEST_EVENTS.has(event.name)) return pull;
      // pull_request_target runs with the base's rights: the head or the base, as checked out, nothing else.
      const problem = baseRightsProblem(input, [event.sha, ...(pr.headSha ? [pr.headSha] : [])]);
      return problem ? { kind: 'untrusted', why: `${event.name}: ${problem}` } : pull;
    }
    const from = pr?.headRepo
      ? `a pull request from the fork ${pr.headRepo}`
      : 'a pull request whose head repository is gone or not named (a deleted fork)';
    // pull_request_target runs with the base's rights: fine for the base's own code, never for the fork's.
    if (event.name === 'pull_request_target' && !ownProblem) return asRef();
    return { kind: 'untrusted', why: `${event.name}: ${from}${event.name === 'pull_request_target' ? ` (${ownProblem})` : ''}` };
  }
  if (event.name === 'workflow_run') {
    const run = event.workflowRun;
    if (run?.headRepo && run.headRepo === event.repository && run.headBranch) {
      const problem = baseRightsProblem(input, [event.sha, ...(run.headSha ? [run.headSha] : [])]);
      if (!problem) return { kind: 'branch', branch: run.headBranch, event: `workflow_run after ${run.event ?? 'a run'}` };
      return { kind: 'untrusted', why: `workflow_run: ${problem}` };
    }
    if (!ownProblem) return asRef();
    return {
      kind: 'untrusted',
      why: `workflow_run after a run of ${run?.headRepo ? `the fork ${run.headRepo}` : 'a repository that is gone or not named'} (${ownProblem})`
    };
  }
  // Any other event: only the repository's own commit at the event's ref, checked out as it is.
  if (!ownProblem) return asRef();
  return { kind: 'untrusted', why: `${event.name}: ${ownProblem}` };
}

function refBuild(eventName: string, ref: string): Build {
  if (ref.startsWith('refs/heads/')) return { kind: 'branch', branch: ref.slice('refs/heads/'.length), event: eventName };
  if (ref.startsWith('refs/tags/'))
    return { kind: 'other', what: `${eventName} of tag ${ref.slice('refs/tags/'.length)} (reads the default branch's cache tags, writes none)` };
  return { kind: 'other', what: `${eventName} of ${ref || 'no ref'} (reads the default branch's cache tags, writes none)` };
}

function latestRule(input: TrustInput, build: Build, push: boolean): Policy['latest'] {
  if (!input.event.name || build.kind === 'untrusted') return { move: false, why: 'untrusted code moves no tag' };
  if (!push) return { move: false, why: input.push ? 'nothing is pushed' : 'push: false' };
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

/**
 * Why the event alone makes the run untrusted, whatever git says of the workspace (a fork's pull
 * request, no workflow run); undefined when the workspace may still make it trusted. Asked before the
 * inputs are read, so that an untrusted run's files (the images file) are not.
 */
export function untrustedByEvent(event: RunEvent): string | undefined {
  const best = decidePolicy({ event, head: event.sha, merged: true, dirty: [], push: true, latest: 'auto', saveGoCache: false });
  return best.trusted ? undefined : best.who;
}
