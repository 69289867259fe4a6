// The event a run is for, as the runner gives it: GITHUB_EVENT_NAME, GITHUB_REF and the payload at
// GITHUB_EVENT_PATH. No GitHub API call: everything the trust rules need is in these.
import * as fs from 'node:fs';

export interface RunEvent {
  /** GITHUB_EVENT_NAME; empty outside a workflow run. */
  name: string;
  /** GITHUB_REF, e.g. refs/heads/main, refs/tags/v1, refs/pull/7/merge. */
  ref: string;
  /** GITHUB_SHA: the commit the event is about (a pull request's merge commit, the base's head for pull_request_target). */
  sha: string;
  /** The repository the workflow runs in (owner/name). */
  repository?: string;
  /** From the payload's repository; undefined when the payload does not say. */
  defaultBranch?: string;
  pullRequest?: {
    number?: number;
    headRef?: string;
    baseRef?: string;
    /** owner/name of the head's repository; undefined when it is gone (a deleted fork) or not given. */
    headRepo?: string;
    baseRepo?: string;
    headSha?: string;
  };
  workflowRun?: {
    /** The event that started the run this one follows. */
    event?: string;
    headBranch?: string;
    headRepo?: string;
    headSha?: string;
  };
  /** A push's own account of its commits: what it moved the branch from, whether it was forced, what it brought. */
  push?: {
    before?: string;
    forced: boolean;
    /** The commits the push brought (the payload lists up to 20). */
    commits: string[];
  };
  /** What could not be read, for the log. */
  notes: string[];
}

type Json = Record<string, unknown> | undefined;

function field(object: Json, ...path: string[]): unknown {
  let value: unknown = object;
  for (const key of path) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  return value;
}

function text(object: Json, ...path: string[]): string | undefined {
  const value = field(object, ...path);
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function readEvent(env: Record<string, string | undefined>): RunEvent {
  const notes: string[] = [];
  let payload: Json;
  const file = env.GITHUB_EVENT_PATH;
  if (file) {
    try {
      payload = JSON.parse(fs.readFileSync(file, 'utf8')) as Json;
    } catch (error) {
      notes.push(`the event payload ${file} could not be read (${(error as Error).message})`);
    }
  } else if (env.GITHUB_EVENT_NAME) {
    notes.push('GITHUB_EVENT_PATH is not set: the event payload is unknown');
  }
  return eventOf(env, payload, notes);
}

/** Pure: the event from the environment and the payload. */
export function eventOf(env: Record<string, string | undefined>, payload: Json, notes: string[] = []): RunEvent {
  const name = env.GITHUB_EVENT_NAME ?? '';
  const pr = field(payload, 'pull_request') as Json;
  const run = field(payload, 'workflow_run') as Json;
  const number = field(pr, 'number') ?? field(payload, 'number');
  const commits = field(payload, 'commits');
  return {
    name,
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    repository: text(payload, 'repository', 'full_name') ?? env.GITHUB_REPOSITORY,
    defaultBranch: text(payload, 'repository', 'default_branch'),
    pullRequest: pr
      ? {
          number: typeof number === 'number' ? number : undefined,
          headRef: text(pr, 'head', 'ref') ?? env.GITHUB_HEAD_REF,
          baseRef: text(pr, 'base', 'ref') ?? env.GITHUB_BASE_REF,
          headRepo: text(pr, 'head', 'repo', 'full_name'),
          baseRepo: text(pr, 'base', 'repo', 'full_name'),
          headSha: text(pr, 'head', 'sha')
        }
      : undefined,
    workflowRun: run
      ? {
          event: text(run, 'event'),
          headBranch: text(run, 'head_branch'),
          headRepo: text(run, 'head_repository', 'full_name'),
          headSha: text(run, 'head_sha')
        }
      : undefined,
    push:
      name === 'push' && payload
        ? {
            before: text(payload, 'before'),
            // Only an explicit false says the push was a fast-forward.
            forced: field(payload, 'forced') !== false,
            commits: Array.isArray(commits) ? commits.flatMap(c => text(c as Json, 'id') ?? []) : []
          }
        : undefined,
    notes
  };
}
