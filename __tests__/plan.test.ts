import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { choosePlan } from '../src/plan/choose.js';
import { loginSteps, planPull } from '../src/plan/pull.js';
import type { Step } from '../src/plan/types.js';
import type { Vertex } from '../src/run/progress.js';
import { holds, stageSteps, type StepOutcome } from '../src/run/steps.js';
import { FACTS, SHA, environment, inputs, makeWorkspace } from './support/workspace.js';

const ws = makeWorkspace();
const facts = FACTS;
const config = (values: Record<string, string> = {}) =>
  readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws));
const argvOf = (plan: ReturnType<typeof planPull>, id: string) => plan.steps.find(s => s.id === id)?.argv ?? [];
const IMAGE = '127.0.0.1:5000/acme/api';

describe('planPull', () => {
  it('builds the builder stage from its own inline cache, then the image from both, then pushes builder first', () => {
    const plan = planPull(config({ tags: 'v1' }), facts);
    expect(plan.steps.map(s => s.id)).toEqual(['build-builder', 'build-final', 'check-builder', 'push-builder', `push-${SHA}`, 'push-latest', 'push-v1']);
    expect(plan.steps.find(s => s.id === 'build-builder')?.when).toBeUndefined();
    const builder = argvOf(plan, 'build-builder');
    expect(builder).toEqual(expect.arrayContaining(['--target', 'builder', '--cache-from', `${IMAGE}:builder`, '--tag', `${IMAGE}:builder`]));
    expect(builder.join(' ')).toContain('--build-arg BUILDKIT_INLINE_CACHE=1');
    expect(builder.at(-1)).toBe(ws);
    const final = argvOf(plan, 'build-final').join(' ');
    expect(final).toContain(`--cache-from ${IMAGE}:builder --cache-from ${IMAGE}:latest`);
    expect(final).toContain(`--tag ${IMAGE}:${SHA} --tag ${IMAGE}:latest --tag ${IMAGE}:v1`);
    expect(final).toContain(`--label org.opencontainers.image.revision=${SHA}`);
    expect(final).toContain('--label org.opencontainers.image.source=https://github.com/acme/api');
    expect(final).toContain('--label org.opencontainers.image.created=2026-11-22T00:00:00.000Z');
    expect(final).not.toContain('--target');
    expect(plan.refs.pushed).toEqual([`${IMAGE}:builder`, `${IMAGE}:${SHA}`, `${IMAGE}:latest`, `${IMAGE}:v1`]);
    // The pushes run together: the builder's and the image's layers upload at the same time.
    expect(plan.steps.filter(s => s.phase === 'push').map(s => s.concurrent)).toEqual([true, true, true, true]);
    expect(plan.steps.filter(s => s.phase !== 'push').some(s => s.concurrent)).toBe(false);
  });

  it('pulls the previous tags only when asked, and a missing one is normal', () => {
    expect(planPull(config(), facts).steps.some(s => s.phase === 'pull')).toBe(false);
    const pulls = planPull(config({ 'pull-previous': 'true' }), facts).steps.filter(s => s.phase === 'pull');
    expect(pulls.map(s => s.argv)).toEqual([
      ['docker', 'pull', `${IMAGE}:builder`],
      ['docker', 'pull', `${IMAGE}:latest`]
    ]);
    expect(pulls.every(s => s.onFailure === 'warn' && s.missingIsNormal)).toBe(true);
  });

  it('pushes nothing with push: false', () => {
    const plan = planPull(config({ push: 'false' }), facts);
    expect(plan.steps.some(s => s.phase === 'push')).toBe(false);
    expect(plan.notes.join()).toContain('nothing is pushed');
  });

  it('reads no cache with no-cache, and pulls nothing', () => {
    const plan = planPull(config({ 'no-cache': 'true', 'pull-previous': 'true' }), facts);
    const all = plan.steps.map(s => s.argv.join(' ')).join('\n');
    expect(all).not.toContain('--cache-from');
    expect(argvOf(plan, 'build-builder')).toContain('--no-cache');
    expect(plan.steps.some(s => s.phase === 'pull')).toBe(false);
    // Nothing can be answered from a cache: the builder stage is always built and pushed.
    expect(plan.steps.some(s => s.id === 'check-builder')).toBe(false);
    expect(all).toContain('BUILDKIT_INLINE_CACHE=1');
  });

  it('keeps secrets off every command line: login by stdin, BuildKit secrets by file', () => {
    const plan = planPull(
      config({ 'registry-username': 'bot', 'registry-password': 'pw-123456', secrets: 'token=tok-abcdef' }),
      facts
    );
    const all = plan.steps.map(s => s.argv.join(' ')).join('\n');
    expect(all).not.toContain('pw-123456');
    expect(all).not.toContain('tok-abcdef');
    const login = loginSteps(config({ 'registry-username': 'bot', 'registry-password': 'pw-123456' }));
    expect(login).toEqual([expect.objectContaining({ id: 'login', stdin: 'registry-password', argv: ['docker', 'login', '127.0.0.1:5000', '--username', 'bot', '--password-stdin'] })]);
    expect(login[0].argv.join(' ')).not.toContain('pw-123456');
    expect(argvOf(plan, 'build-final')).toEqual(expect.arrayContaining(['--secret', 'id=token,src=/tmp/run/secret-token']));
    expect(plan.files).toEqual([{ secretId: 'token', path: '/tmp/run/secret-token' }]);
  });

  it('passes build args, labels and network through', () => {
    const final = argvOf(planPull(config({ 'build-args': 'A=1,2', labels: 'team=core', network: 'host' }), facts), 'build-final').join(' ');
    expect(final).toContain('--build-arg A=1,2');
    expect(final).toContain('--label team=core');
    expect(final).toContain('--network host');
  });
});

describe('planPull: the order follows whether latest was built from the same inputs', () => {
  it('builds the image first only when latest has the same inputs, and never under no-cache', () => {
    const order = (values: Record<string, string>, unchanged?: boolean) =>
      planPull(config(values), { ...facts, inputsUnchanged: unchanged }).steps.filter(s => s.phase.startsWith('build-')).map(s => s.id);
    expect(order({}, true)).toEqual(['build-final', 'build-builder']);
    expect(order({}, false)).toEqual(['build-builder', 'build-final']);
    expect(order({})).toEqual(['build-builder', 'build-final']);
    expect(order({ 'no-cache': 'true' }, true)).toEqual(['build-builder', 'build-final']);
  });
  it('with the builder stage first, looks its tag up when that build answered it whole, and pushes it otherwise', () => {
    const plan = planPull(config(), facts);
    const check = plan.steps.find(s => s.id === 'check-builder') as Step;
    expect(check.when?.condition).toEqual({ stageCached: { step: 'build-builder', stage: 'builder' } });
    expect(plan.steps.find(s => s.id === 'push-builder')?.when?.condition).toEqual({ not: { succeeded: 'check-builder' } });
  });
});

describe('planPull, latest built from the same inputs: the builder stage only when it changed', () => {
  const plan = planPull(config(), { ...facts, inputsUnchanged: true });
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
  const looked = (status: StepOutcome['status']): StepOutcome => ({ step: byId('check-builder'), status, durationMs: 1 });
  const runs = (id: string, outcomes: StepOutcome[]) => { const when = byId(id).when; return !when || holds(when.condition, outcomes); };

  it('looks the builder tag up only when the image build answered the whole stage from the cache', () => {
    expect(byId('check-builder').argv).toEqual(['docker', 'manifest', 'inspect', '--insecure', `${IMAGE}:builder`]);
    expect(runs('check-builder', [built('builder', 'cached')])).toBe(true);
    expect(runs('check-builder', [built('builder', 'done')])).toBe(false);
    expect(runs('check-builder', [built('other', 'cached')])).toBe(false);
  });
  it('builds and pushes the builder tag unless the registry has it and the stage is unchanged', () => {
    for (const id of ['build-builder', 'push-builder']) {
      expect(runs(id, [built('builder', 'done')])).toBe(true);
      expect(runs(id, [built('builder', 'cached'), looked('missing')])).toBe(true);
      expect(runs(id, [built('builder', 'cached'), looked('warned')])).toBe(true);
      expect(runs(id, [built('builder', 'cached'), looked('ok')])).toBe(false);
    }
    expect(runs('push-latest', [built('builder', 'cached'), looked('ok')])).toBe(true);
  });
  it('reads a stage from the first build that reached it, not from one the cache answered after', () => {
    const later: StepOutcome = { ...built('builder', 'cached'), step: byId('build-builder') };
    expect(stageSteps([built('builder', 'done'), later], 'builder')?.map(v => v.status)).toEqual(['done', 'cached', 'done']);
    expect(stageSteps([later], 'builder')?.every(v => v.status !== 'running')).toBe(true);
    expect(stageSteps([later], 'runtime')).toBeUndefined();
  });
  it('looks up a registry that is not on loopback over TLS', () => {
    const remote = planPull(readConfig(inputs({ image: 'ghcr.io/acme/api' }), environment(ws)), facts);
    expect(remote.steps.find(s => s.id === 'check-builder')?.argv).toEqual(['docker', 'manifest', 'inspect', 'ghcr.io/acme/api:builder']);
  });
});

describe('choosePlan', () => {
  it('takes the pull path for auto', () => {
    expect(choosePlan(config(), facts).strategy).toBe('pull');
  });
  it('refuses cache-strategy buildx without the buildx plugin, saying what to install', () => {
    expect(() => choosePlan(config({ 'cache-strategy': 'buildx' }), facts)).toThrow(/buildx plugin is not installed/);
  });
  it('refuses a docker CLI that cannot run BuildKit, saying what to install', () => {
    expect(() => choosePlan(config(), { ...facts, dockerClient: '28.2.2' })).toThrow(/no buildx plugin/);
    expect(choosePlan(config(), { ...facts, dockerClient: '28.2.2', buildx: '0.19.3' }).strategy).toBe('pull');
  });
});
