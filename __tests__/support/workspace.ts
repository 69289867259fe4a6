// A throwaway workspace with a Dockerfile, and an input reader over a plain object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readConfig, type Config, type ConfigEnvironment } from '../../src/config.js';
import { eventOf, type RunEvent } from '../../src/event.js';
import type { Facts } from '../../src/facts.js';
import type { GoCacheState } from '../../src/cache/go-cache.js';
import type { PlanInput } from '../../src/plan/input.js';
import { decidePolicy, type Policy } from '../../src/trust.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export const DOCKERFILE = `FROM 127.0.0.1:5000/base/go:1.26 AS builder
RUN --mount=type=secret,id=token true
FROM 127.0.0.1:5000/base/runtime:latest
COPY --from=builder /out /out
`;

export function makeWorkspace(dockerfile = DOCKERFILE): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-ws-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

export function inputs(values: Record<string, string>): (name: string) => string {
  return name => values[name] ?? '';
}

export function environment(workspace: string, env: Record<string, string> = {}): ConfigEnvironment {
  return { workspace, env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api', ...env } };
}

/** What probing finds on a GitHub-hosted runner with Go set up. */
export const FACTS: Facts = {
  dockerClient: '20.10.24',
  dockerServer: '20.10.24',
  imageStore: 'classic',
  tempDir: '/tmp/run',
  now: '2026-11-22T00:00:00.000Z',
  runner: { os: 'Linux', arch: 'X64' },
  goDirs: { mod: '/home/runner/go/pkg/mod', build: '/home/runner/.cache/go-build' },
  go: { version: 'go1.26.8', arch: 'amd64' }
};

/** A runner with docker/setup-buildx-action's builder. */
export const BUILDX_FACTS: Facts = {
  ...FACTS,
  buildx: '0.29.1',
  builder: { name: 'ci', driver: 'docker-container', status: 'running', endpoint: 'unix:///var/run/docker.sock' }
};

/** A push to the default branch, as the runner describes it. */
export function pushEvent(branch = 'main', defaultBranch = 'main'): RunEvent {
  return eventOf(
    { GITHUB_EVENT_NAME: 'push', GITHUB_REF: `refs/heads/${branch}`, GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api' },
    { repository: { full_name: 'acme/api', default_branch: defaultBranch } }
  );
}

/** A pull request; `head` is the head repository (undefined: a deleted fork). */
export function pullRequestEvent(head: string | undefined, name = 'pull_request'): RunEvent {
  return eventOf(
    {
      GITHUB_EVENT_NAME: name,
      GITHUB_REF: 'refs/pull/7/merge',
      GITHUB_SHA: SHA,
      GITHUB_REPOSITORY: 'acme/api',
      GITHUB_HEAD_REF: 'feature/login',
      GITHUB_BASE_REF: 'main'
    },
    {
      number: 7,
      repository: { full_name: 'acme/api', default_branch: 'main' },
      pull_request: {
        number: 7,
        head: { ref: 'feature/login', sha: 'f'.repeat(40), repo: head ? { full_name: head } : null },
        base: { ref: 'main', repo: { full_name: 'acme/api' } }
      }
    }
  );
}

/** The policy of a run of `config` for `event`, whose workspace holds `head` (by default the event's own commit, clean). */
export function policyFor(config: Config, event: RunEvent = pushEvent(), head: string | undefined = event.sha): Policy {
  return decidePolicy({
    event,
    head,
    dirty: [],
    commitInput: config.commitGiven ? config.commit : '',
    allowUntrustedOnBuilder: config.allowUntrustedOnBuilder,
    push: config.push,
    latest: config.latest,
    saveGoCache: config.goCache.save
  });
}

/** Everything a plan needs, for a config read from `values`. */
export function planInputOf(
  ws: string,
  values: Record<string, string>,
  {
    event = pushEvent(),
    facts = FACTS,
    unchanged = false,
    hash = 'h'.repeat(64),
    go,
    present = ['127.0.0.1:5000/acme/api:builder']
  }: { event?: RunEvent; facts?: Facts; unchanged?: boolean; hash?: string; go?: GoCacheState; present?: string[] } = {}
): PlanInput {
  const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws));
  return { config, policy: policyFor(config, event), facts, inputs: { hash, unchanged, note: '' }, go, present };
}

/** The labels every plan puts on the image, for the FACTS and SHA above and an inputs hash of h×64. */
export const LABELS = [
  '--label',
  `org.opencontainers.image.revision=${SHA}`,
  '--label',
  'org.opencontainers.image.created=2026-11-22T00:00:00.000Z',
  '--label',
  'org.opencontainers.image.source=https://github.com/acme/api',
  '--label',
  `io.github.cached-image-build.inputs=${'h'.repeat(64)}`
];
