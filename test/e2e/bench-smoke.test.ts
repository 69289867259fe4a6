// The benchmark, one repetition of a small subset (one recipe × two scenarios, on hello-svc to keep
// it short), run as `npm run bench` runs it: the tables and the chart come out with real numbers.
// Each other recipe would add two compiles of the service and nothing the bench's code does not
// already do for this one.
// It wipes the engine it runs on, as the other e2e tests do (DOCKER_HOST, or the default engine).
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Sample } from '../../bench/lib/report.js';
import { ROOT } from './support/stack.js';

const TSX = path.join(ROOT, 'node_modules/.bin/tsx');

function runBench(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(TSX, [path.join(ROOT, 'bench/run.ts'), ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', code => {
      resolve({ code: code ?? -1, output });
    });
  });
}

describe('npm run bench (smoke: 1 repetition, 1 recipe × 2 scenarios)', () => {
  it('writes the markdown table, the JSON and the SVG chart with measured numbers', { timeout: 1_200_000 }, async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bench-smoke-'));
    const { code, output } = await runBench([
      '--fixture',
      'hello-svc',
      '--recipes',
      'action-mounts',
      '--scenarios',
      'cold,fresh-change',
      '--reps',
      '1',
      '--out',
      out,
      '--logs',
      path.join(out, 'logs')
    ]);
    expect(code, output.slice(-4000)).toBe(0);

    const { samples } = JSON.parse(fs.readFileSync(path.join(out, 'results.json'), 'utf8')) as { samples: Sample[] };
    expect(samples.map(s => `${s.recipe}/${s.scenario}`).sort()).toEqual(['action-mounts/cold', 'action-mounts/fresh-change']);
    for (const sample of samples) {
      expect(sample.ok, `${sample.recipe}/${sample.scenario}: ${sample.error}`).toBe(true);
      expect(sample.seconds).toBeGreaterThan(1);
      // Every job pushes an image through the counting proxy, and pulls at least a base image.
      expect(sample.pushed).toBeGreaterThan(100_000);
      expect(sample.pulled).toBeGreaterThan(100_000);
    }
    const mounts = (scenario: string) => samples.find(s => s.recipe === 'action-mounts' && s.scenario === scenario) as Sample;
    // Cold: the Go caches are saved; a fresh runner restores them (an exact hit: only a small delta saved).
    expect(mounts('cold').cacheSaved).toBeGreaterThan(1_000_000);
    expect(mounts('fresh-change').cacheRestored).toBeGreaterThan(1_000_000);
    expect(mounts('fresh-change').cacheSaved).toBeLessThan(mounts('cold').cacheSaved / 10);

    const table = fs.readFileSync(path.join(out, 'results.md'), 'utf8');
    expect(table).toContain('| recipe | cold | fresh runner, one-line change |');
    expect(table).toMatch(/\| this action: pull path \+ cache-mount injection \| \*\*[0-9.]+ s\*\* \| \*\*[0-9.]+ s\*\*<br>×[0-9.]+ cold[^|]* \|/);
    expect(table).not.toContain('NaN');

    const svg = fs.readFileSync(path.join(out, 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.match(/<rect x=/g)?.length).toBe(2);
    expect(svg).not.toContain('NaN');
    fs.rmSync(out, { recursive: true, force: true });
  });
});
