// The runner with real processes (sh), no Docker: concurrent steps overlap, print in plan order, and
// a failure among them stops what follows.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../src/config.js';
import type { Step } from '../src/plan/types.js';
import { wallSeconds } from '../src/report.js';
import { runSteps, type StepOutcome } from '../src/run/steps.js';
import { environment, inputs, makeWorkspace } from './support/workspace.js';

const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(makeWorkspace()));
let dir = '';
let printed: string[] = [];

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-steps-'));
  printed = [];
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A step that marks itself started, then waits (up to 3 s) for `other` to have started too. */
function waitsFor(id: string, other: string, extra: Partial<Step> = {}): Step {
  const script = `touch "${dir}/${id}"; echo "${id} says hello"; i=0; while [ ! -f "${dir}/${other}" ]; do i=$((i+1)); [ $i -gt 30 ] && echo "${id}: ${other} never started" && exit 1; sleep 0.1; done; exit 0`;
  return {
    id,
    phase: 'push',
    title: `Step ${id}`,
    argv: ['sh', '-c', script],
    limit: { totalMs: 10_000 },
    onFailure: 'stop',
    concurrent: true,
    ...extra
  };
}

const plain = (id: string, script: string, extra: Partial<Step> = {}): Step => ({
  id,
  phase: 'build-final',
  title: `Step ${id}`,
  argv: ['sh', '-c', script],
  limit: { totalMs: 10_000 },
  onFailure: 'stop',
  ...extra
});

describe('runSteps with concurrent steps', () => {
  it('runs concurrent steps in a row at the same time (each one waits for the other to start)', async () => {
    const result = await runSteps([waitsFor('a', 'b'), waitsFor('b', 'a')], [], config);
    expect(result.failed).toBeUndefined();
    expect(result.outcomes.map(o => [o.step.id, o.status])).toEqual([
      ['a', 'ok'],
      ['b', 'ok']
    ]);
  });

  it("prints each step's output inside its own group, in plan order", async () => {
    await runSteps([waitsFor('b', 'a'), waitsFor('a', 'b')], [], config);
    const groups = printed.filter(line => line.startsWith('::group::') || line.endsWith('says hello'));
    expect(groups).toEqual(['::group::Step b', 'b says hello', '::group::Step a', 'a says hello']);
    expect(printed.join('\n')).toContain(`[command]sh -c touch "${dir}/b"`);
  });

  it('runs steps that are not concurrent one after the other', async () => {
    const lone = { ...waitsFor('a', 'b'), concurrent: false };
    const result = await runSteps([lone, waitsFor('b', 'a')], [], config);
    expect(result.failed?.step.id).toBe('a');
    expect(result.failed?.message).toContain('b never started');
  }, 10_000);

  it('reads the conditions of a batch before it starts, and a failure in it skips what follows', async () => {
    const steps: Step[] = [
      plain('first', 'true'),
      { ...waitsFor('x', 'x'), when: { condition: { succeeded: 'first' }, otherwise: 'never' } },
      { ...waitsFor('y', 'y'), argv: ['sh', '-c', 'exit 3'] },
      { ...waitsFor('z', 'z'), when: { condition: { succeeded: 'y' }, otherwise: 'y has not run before this batch' } },
      plain('after', 'true')
    ];
    const result = await runSteps(steps, [], config);
    expect(result.outcomes.map(o => [o.step.id, o.status])).toEqual([
      ['first', 'ok'],
      ['x', 'ok'],
      ['y', 'failed'],
      ['z', 'skipped'],
      ['after', 'skipped']
    ]);
    expect(result.failed?.step.id).toBe('y');
  });
});

describe('runSteps: limits and retries', () => {
  it('runs a push again after a registry error that passes, and says so', async () => {
    const script = `n=$(cat ${dir}/n 2>/dev/null || echo 0); echo $((n+1)) > ${dir}/n; [ "$n" -ge 1 ] && echo "digest: sha256:${'a'.repeat(64)} size: 1" && exit 0; echo "received unexpected HTTP status: 503 Service Unavailable"; exit 1`;
    const result = await runSteps([plain('push', script, { phase: 'push', retries: 2, pushRef: 'r' })], [], config);
    expect(result.failed).toBeUndefined();
    expect(result.outcomes[0]).toMatchObject({ status: 'ok', retried: 1, digest: `sha256:${'a'.repeat(64)}` });
    expect(printed.join('\n')).toMatch(
      /::warning::Step push: received unexpected HTTP status: 503 Service Unavailable looks passing; trying again in 1 s \(1 of 2\)/
    );
  });

  it('does not run a push again after the registry refused the credentials', async () => {
    fs.writeFileSync(path.join(dir, 'count'), '');
    const script = `echo x >> ${dir}/count; echo "unauthorized: authentication required"; exit 1`;
    const result = await runSteps([plain('push', script, { phase: 'push', retries: 2, hint: 'check the credentials' })], [], config);
    expect(result.failed?.message).toBe('Step push failed (exit 1): unauthorized: authentication required. Fix: check the credentials');
    expect(fs.readFileSync(path.join(dir, 'count'), 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('stops a step past its limit and fails it with the reason; a cache step past its limit only warns', async () => {
    const hung = await runSteps([plain('build', 'echo start; sleep 30', { limit: { idleMs: 300 } }), plain('after', 'true')], [], config);
    expect(hung.failed?.message).toBe('Step build failed: killed: no output for 0.3 s (idle-timeout / lookup-timeout)');
    expect(hung.outcomes.map(o => o.status)).toEqual(['failed', 'skipped']);
    const cache = await runSteps([plain('fill', 'sleep 30', { limit: { totalMs: 300 }, onFailure: 'warn' }), plain('after', 'true')], [], config);
    expect(cache.outcomes.map(o => o.status)).toEqual(['warned', 'ok']);
  });
});

describe('wallSeconds', () => {
  const step = plain('s', 'true');
  const at = (startedAt: number | undefined, durationMs: number): StepOutcome => ({ step, status: 'ok', startedAt, durationMs });
  it('counts overlapping steps once and adds steps that ran apart', () => {
    expect(wallSeconds([at(1000, 2000), at(1500, 2000), at(10_000, 500)])).toBe(3);
    expect(wallSeconds([at(1000, 1000), at(1200, 300)])).toBe(1);
  });
  it('adds steps with no start time as they are', () => {
    expect(wallSeconds([at(undefined, 700), at(undefined, 300)])).toBe(1);
  });
});
