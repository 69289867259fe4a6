// The pull path's plan, as exact argv: a flag that moves, splits or goes missing fails a test.
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { choosePlan } from '../src/plan/choose.js';
import { loginSteps } from '../src/plan/common.js';
import { planPublish } from '../src/plan/publish.js';
import { planPull } from '../src/plan/pull.js';
import type { Plan, Step } from '../src/plan/types.js';
import type { Vertex } from '../src/run/progress.js';
import { holds, stageSteps, type StepOutcome } from '../src/run/steps.js';
import { FACTS, SHA, makeWorkspace, planInputOf, pullRequestEvent, pushEvent, LABELS } from './support/workspace.js';

const ws = makeWorkspace();
const IMAGE = '127.0.0.1:5000/acme/api';
const DOCKERFILE = path.join(ws, 'Dockerfile');
const BUILD = ['docker', 'build', '--progress=plain', '--file', DOCKERFILE, '--build-arg', 'BUILDKIT_INLINE_CACHE=1'];
const argvs = (plan: Plan) => plan.steps.map(s => [s.id, s.argv]);

describe('planPull, a push to the default branch', () => {
  it('inputs changed: the builder stage first (its own cache tag), then the image; the commit and cache tags pushed', () => {
    const plan = planPull(planInputOf(ws, { tags: 'v1' }));
    expect(argvs(plan)).toEqual([
      [
        'build-builder',
        [...BUILD, '--target', 'builder', '--cache-from', `${IMAGE}:builder`, '--tag', `${IMAGE}:builder`, '--iidfile', '/tmp/run/builder.iid', ws]
      ],
      [
        'build-final',
        [
          ...BUILD,
          '--cache-from',
          `${IMAGE}:builder`,
          '--cache-from',
          `${IMAGE}:latest`,
          ...LABELS,
          '--tag',
          `${IMAGE}:${SHA}`,
          '--tag',
          `${IMAGE}:latest`,
          '--tag',
          `${IMAGE}:v1`,
          '--iidfile',
          '/tmp/run/final.iid',
          ws
        ]
      ],
      [`push-${SHA}`, ['docker', 'push', `${IMAGE}:${SHA}`]],
      ['push-builder', ['docker', 'push', `${IMAGE}:builder`]]
    ]);
    expect(plan.steps.map(s => [s.id, s.concurrent ?? false, s.when?.condition ?? null])).toEqual([
      ['build-builder', false, null],
      ['build-final', false, null],
      [`push-${SHA}`, true, null],
      ['push-builder', true, { not: { stageCached: { step: 'build-builder', stage: 'builder' } } }]
    ]);
    expect(plan.refs).toEqual({
      commit: `${IMAGE}:${SHA}`,
      latest: `${IMAGE}:latest`,
      moveLatest: true,
      extra: [`${IMAGE}:v1`],
      cacheWrite: `${IMAGE}:builder`,
      cacheRead: [`${IMAGE}:builder`],
      latestReadable: true
    });
  });

  it('inputs unchanged: the image first from the inline cache; the builder stage exported only when it must be', () => {
    const plan = planPull(planInputOf(ws, {}, { unchanged: true }));
    expect(plan.steps.map(s => s.id)).toEqual(['build-final', 'build-builder', `push-${SHA}`, 'push-builder']);
    expect(plan.steps.find(s => s.id === 'build-builder')?.when?.condition).toEqual({
      not: { stageCached: { step: 'build-final', stage: 'builder' } }
    });
    expect(plan.steps.find(s => s.id === 'push-builder')?.when?.condition).toEqual({
      not: { stageCached: { step: 'build-final', stage: 'builder' } }
    });
  });

  it('a cache tag not in the registry before the build is always exported and pushed', () => {
    const plan = planPull(planInputOf(ws, {}, { unchanged: true, present: [] }));
    expect(plan.steps.map(s => [s.id, s.when ?? null])).toEqual([
      ['build-final', null],
      ['build-builder', null],
      [`push-${SHA}`, null],
      ['push-builder', null]
    ]);
  });

  it('every step has a time limit: look-ups in total, builds and pushes by inactivity', () => {
    const plan = planPull(planInputOf(ws, { 'lookup-timeout': '7', 'idle-timeout': '90' }));
    expect(plan.steps.map(s => [s.id, s.limit])).toEqual([
      ['build-builder', { idleMs: 90_000 }],
      ['build-final', { idleMs: 90_000 }],
      [`push-${SHA}`, { idleMs: 90_000 }],
      ['push-builder', { idleMs: 90_000 }]
    ]);
    expect(plan.steps.filter(s => s.phase === 'push').every(s => s.retries === 2)).toBe(true);
  });

  it('pulls the previous tags only when asked, and a missing one is normal', () => {
    expect(planPull(planInputOf(ws, {})).steps.some(s => s.phase === 'pull')).toBe(false);
    const pulls = planPull(planInputOf(ws, { 'pull-previous': 'true' })).steps.filter(s => s.phase === 'pull');
    expect(pulls.map(s => [s.argv, s.onFailure, s.missingIsNormal])).toEqual([
      [['docker', 'pull', `${IMAGE}:builder`], 'warn', true],
      [['docker', 'pull', `${IMAGE}:latest`], 'warn', true]
    ]);
  });

  it('no-cache reads no cache, checks nothing and always pushes the builder stage', () => {
    const plan = planPull(planInputOf(ws, { 'no-cache': 'true', 'pull-previous': 'true' }, { unchanged: true }));
    expect(argvs(plan).slice(0, 2)).toEqual([
      ['build-builder', [...BUILD, '--target', 'builder', '--no-cache', '--tag', `${IMAGE}:builder`, '--iidfile', '/tmp/run/builder.iid', ws]],
      [
        'build-final',
        [...BUILD, '--no-cache', ...LABELS, '--tag', `${IMAGE}:${SHA}`, '--tag', `${IMAGE}:latest`, '--iidfile', '/tmp/run/final.iid', ws]
      ]
    ]);
    expect(plan.steps.map(s => [s.id, s.when ?? null])).toEqual([
      ['build-builder', null],
      ['build-final', null],
      [`push-${SHA}`, null],
      ['push-builder', null]
    ]);
  });

  it('keeps secrets off every command line: login by stdin, BuildKit secrets by file', () => {
    const input = planInputOf(ws, { 'registry-username': 'bot', 'registry-password': 'pw-123456', secrets: 'token=tok-abcdef', network: 'host' });
    const plan = planPull(input);
    expect(JSON.stringify(plan.steps)).not.toMatch(/pw-123456|tok-abcdef/);
    expect(loginSteps(input.config, input.policy).map(s => [s.argv, s.stdin])).toEqual([
      [['docker', 'login', '127.0.0.1:5000', '--username', 'bot', '--password-stdin'], 'registry-password']
    ]);
    expect(plan.steps[0].argv).toEqual([
      ...BUILD,
      '--secret',
      'id=token,src=/tmp/run/secret-token',
      '--network',
      'host',
      '--target',
      'builder',
      '--cache-from',
      `${IMAGE}:builder`,
      '--tag',
      `${IMAGE}:builder`,
      '--iidfile',
      '/tmp/run/builder.iid',
      ws
    ]);
    expect(plan.files).toEqual([{ secretId: 'token', path: '/tmp/run/secret-token' }]);
  });

  it('a prebuild Dockerfile without a builder stage: one build, no cache tag', () => {
    const only = makeWorkspace('FROM 127.0.0.1:5000/base/runtime:latest\nCOPY .prebuilt/app /app\n');
    const plan = planPull(planInputOf(only, { prebuild: './cmd/app' }));
    expect(plan.steps.map(s => s.id)).toEqual(['prebuild', 'build-final', `push-${SHA}`]);
    expect(plan.refs.cacheWrite).toBeUndefined();
    expect(plan.steps[0].argv).toEqual(['go', 'build', '-v', '-trimpath', '-o', `${path.join(only, '.prebuilt')}${path.sep}`, './cmd/app']);
  });
});

describe('planPull, cache tags the registry failed to answer for', () => {
  it('leaves them out of the cache sources, and latest too when it failed', () => {
    const input = { ...planInputOf(ws, {}), unreadable: [`${IMAGE}:builder`, `${IMAGE}:latest`] };
    const plan = planPull(input);
    expect(plan.steps.flatMap(s => s.argv.filter((a, i) => s.argv[i - 1] === '--cache-from'))).toEqual([]);
    expect(plan.refs.cacheWrite).toBe(`${IMAGE}:builder`);
  });
});

describe('planPull, by who the run is for', () => {
  it("a branch reads its own cache tag, then the default branch's, writes its own, and never tags latest", () => {
    const plan = planPull(planInputOf(ws, {}, { event: pushEvent('feature/login') }));
    const own = plan.refs.cacheWrite as string;
    expect(own).toMatch(new RegExp(`^${IMAGE.replace(/\./g, '\\.')}:builder-feature-login-[0-9a-f]{16}$`));
    expect(plan.refs.cacheRead).toEqual([own, `${IMAGE}:builder`]);
    expect(plan.refs.moveLatest).toBe(false);
    const final = plan.steps.find(s => s.id === 'build-final')?.argv ?? [];
    expect(final.filter((a, i) => final[i - 1] === '--cache-from')).toEqual([own, `${IMAGE}:builder`, `${IMAGE}:latest`]);
    expect(final.filter((a, i) => final[i - 1] === '--tag')).toEqual([`${IMAGE}:${SHA}`]);
    expect(plan.steps.filter(s => s.phase === 'push').map(s => s.argv)).toEqual([
      ['docker', 'push', `${IMAGE}:${SHA}`],
      ['docker', 'push', own]
    ]);
  });

  it("a fork's pull request builds with the base's cache and pushes nothing, whatever push says", () => {
    const input = planInputOf(
      ws,
      { push: 'true', 'registry-username': 'bot', 'registry-password': 'pw-123456', secrets: 'token=tok-abcdef' },
      { event: pullRequestEvent('mallory/api') }
    );
    const plan = planPull(input);
    expect(plan.steps.map(s => s.id)).toEqual(['build-builder', 'build-final']);
    expect(plan.steps[0].argv).toEqual([
      ...BUILD,
      '--target',
      'builder',
      '--cache-from',
      `${IMAGE}:builder`,
      '--iidfile',
      '/tmp/run/builder.iid',
      ws
    ]);
    expect(plan.files).toEqual([]);
    expect(loginSteps(input.config, input.policy)).toEqual([]);
    expect(plan.notes.join('\n')).toContain('nothing is pushed: untrusted code: pull_request: a pull request from the fork mallory/api');
  });

  it("a pull request of this repository pushes its commit tag and its branch's cache tag, never latest", () => {
    const plan = planPull(planInputOf(ws, {}, { event: pullRequestEvent('acme/api') }));
    expect(plan.refs.moveLatest).toBe(false);
    expect(plan.refs.cacheWrite).toMatch(/:builder-feature-login-[0-9a-f]{16}$/);
    expect(plan.refs.cacheRead).toEqual([plan.refs.cacheWrite, `${IMAGE}:builder`]);
    expect(plan.steps.filter(s => s.phase === 'push').map(s => s.pushRef)).toEqual([`${IMAGE}:${SHA}`, plan.refs.cacheWrite]);
  });
});

describe('planPublish', () => {
  const refs = planPull(planInputOf(ws, { tags: 'v1,ghcr.io/acme/mirror:v1' })).refs;
  it('pull path: latest and the extra tags, one after the other, after the commit tag', () => {
    const steps = planPublish(planInputOf(ws, {}), { strategy: 'pull', refs, moveLatest: true });
    expect(steps.map(s => [s.argv, s.concurrent ?? false, s.retries])).toEqual([
      [['docker', 'push', `${IMAGE}:latest`], false, 2],
      [['docker', 'push', `${IMAGE}:v1`], false, 2],
      [['docker', 'push', 'ghcr.io/acme/mirror:v1'], false, 2]
    ]);
  });

  it('buildx path: one registry-side copy of the pushed manifest', () => {
    const steps = planPublish(planInputOf(ws, {}), { strategy: 'buildx', refs, moveLatest: false, digest: 'sha256:abc' });
    expect(steps.map(s => s.argv)).toEqual([
      [
        'docker',
        'buildx',
        'imagetools',
        'create',
        '--prefer-index=false',
        '--tag',
        `${IMAGE}:v1`,
        '--tag',
        'ghcr.io/acme/mirror:v1',
        `${IMAGE}@sha256:abc`
      ]
    ]);
    // The registry's HTTP API is tried first with the same source and tags (imagetools when it cannot).
    expect(steps[0].registryCopy).toEqual({ source: `${IMAGE}@sha256:abc`, targets: [`${IMAGE}:v1`, 'ghcr.io/acme/mirror:v1'] });
  });

  it('nothing when latest stays and there are no extra tags', () => {
    expect(planPublish(planInputOf(ws, {}), { strategy: 'pull', refs: { ...refs, extra: [] }, moveLatest: false })).toEqual([]);
  });
});

describe('planPull, latest built from the same inputs: the builder stage only when it changed', () => {
  const plan = planPull(planInputOf(ws, {}, { unchanged: true }));
  const byId = (id: string) => plan.steps.find(s => s.id === id) as Step;
  const built = (stage: string, status: Vertex['status']): StepOutcome => ({
    step: byId('build-final'),
    status: 'ok',
    durationMs: 1,
    vertices: [
      { id: 1, name: `[${stage} 1/3] FROM base`, stage, position: '1/3', instruction: 'FROM base', status: 'done' },
      { id: 2, name: `[${stage} 2/3] RUN go mod download`, stage, position: '2/3', instruction: 'RUN go mod download', status: 'cached' },
      { id: 3, name: `[${stage} 3/3] RUN go build`, stage, position: '3/3', instruction: 'RUN go build', status }
    ]
  });
  const runs = (id: string, outcomes: StepOutcome[]) => {
    const when = byId(id).when;
    return !when || holds(when.condition, outcomes);
  };

  it('exports and pushes the cache tag unless the image build answered the whole stage from the cache', () => {
    for (const id of ['build-builder', 'push-builder']) {
      expect(runs(id, [built('builder', 'done')])).toBe(true);
      expect(runs(id, [built('builder', 'cached')])).toBe(false);
      expect(runs(id, [built('other', 'cached')])).toBe(true);
    }
    expect(runs(`push-${SHA}`, [built('builder', 'cached')])).toBe(true);
  });
  it('reads a stage from the first build that reached it, not from one the cache answered after', () => {
    const later: StepOutcome = { ...built('builder', 'cached'), step: byId('build-builder') };
    expect(stageSteps([built('builder', 'done'), later], 'builder')?.map(v => v.status)).toEqual(['done', 'cached', 'done']);
    expect(stageSteps([later], 'builder')?.every(v => v.status !== 'running')).toBe(true);
    expect(stageSteps([later], 'runtime')).toBeUndefined();
  });
  it('passes build args and labels through, in order', () => {
    const final = planPull(planInputOf(ws, { 'build-args': 'A=1,2\nB=x', labels: 'team=core' })).steps.find(s => s.id === 'build-final')?.argv ?? [];
    expect(final.slice(7, 11)).toEqual(['--build-arg', 'A=1,2', '--build-arg', 'B=x']);
    expect(final.filter((a, i) => final[i - 1] === '--label').at(-1)).toBe('team=core');
  });
});

describe('choosePlan without buildx', () => {
  it('takes the pull path for auto, and refuses buildx saying what to install', () => {
    expect(choosePlan(planInputOf(ws, {})).strategy).toBe('pull');
    expect(() => choosePlan(planInputOf(ws, { 'cache-strategy': 'buildx' }))).toThrow(/buildx plugin is not installed/);
  });
  it('refuses a docker CLI that cannot run BuildKit, saying what to install', () => {
    expect(() => choosePlan(planInputOf(ws, {}, { facts: { ...FACTS, dockerClient: '28.2.2' } }))).toThrow(/no buildx plugin/);
    expect(choosePlan(planInputOf(ws, {}, { facts: { ...FACTS, dockerClient: '28.2.2', buildx: '0.19.3' } })).strategy).toBe('pull');
  });
});
