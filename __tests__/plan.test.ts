import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { choosePlan } from '../src/plan/choose.js';
import { planPull } from '../src/plan/pull.js';
import { FACTS, SHA, environment, inputs, makeWorkspace } from './support/workspace.js';

const ws = makeWorkspace();
const facts = FACTS;
const config = (values: Record<string, string> = {}) =>
  readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws));
const argvOf = (plan: ReturnType<typeof planPull>, id: string) => plan.steps.find(s => s.id === id)?.argv ?? [];
const IMAGE = '127.0.0.1:5000/acme/api';

describe('planPull', () => {
  it('builds the builder stage with its own inline cache, then the image from both, then pushes builder first', () => {
    const plan = planPull(config({ tags: 'v1' }), facts);
    expect(plan.steps.map(s => s.id)).toEqual(['build-builder', 'build-final', 'push-builder', `push-${SHA}`, 'push-latest', 'push-v1']);
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
    expect(plan.steps[0]).toMatchObject({ id: 'login', stdin: 'registry-password', argv: ['docker', 'login', '127.0.0.1:5000', '--username', 'bot', '--password-stdin'] });
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
