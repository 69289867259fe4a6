// Pushes that cannot race: 20 builds in a row, each a new commit (so a new image config) with extra
// tags. Pushing one image under several tags at once made the registry answer "manifest blob
// unknown" now and then: two pushes both uploaded the new config blob, and the second rewrote the
// repository's link to it while the first one's manifest was being checked against it. The commit
// tag goes first, alone for its image; latest and the extra tags follow, one after the other.
import { beforeAll, describe, expect, it } from 'vitest';
import { runAction } from '../support/action-runner.js';
import { REGISTRY, manifestDigest } from './support/registry.js';
import { commitAll, copyFixture } from './support/stack.js';

const image = `${REGISTRY}/e2e/loop-${Date.now().toString(36)}`;
const RUNS = 20;
let workspace = '';

beforeAll(() => {
  workspace = copyFixture('hello-svc');
}, 900_000);

describe('20 builds in a row, each pushed under four tags', { timeout: 1_200_000 }, () => {
  it('all succeed, and every tag names the image its commit tag names', async () => {
    const failures: string[] = [];
    const retried: string[] = [];
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const sha = commitAll(workspace);
      // Built every time (a copy of latest would push no new config blob).
      const run = await runAction({ workspace, sha, inputs: { image, network: 'host', tags: 'a,b', 'copy-unchanged': 'false' } });
      times.push(run.main.durationMs);
      // A retry would hide a race: every push must go through the first time.
      retried.push(
        ...run.main.log
          .split('\n')
          .filter(l => l.includes('trying again'))
          .map(l => `run ${i + 1}: ${l}`)
      );
      if (run.main.exitCode !== 0) {
        failures.push(
          `run ${i + 1}: ${run.main.log
            .split('\n')
            .filter(l => l.startsWith('::error::'))
            .join(' ')}`
        );
        continue;
      }
      const digest = await manifestDigest(image, sha);
      expect(run.outputs.digest).toBe(digest);
      for (const tag of ['latest', 'a', 'b']) expect(await manifestDigest(image, tag)).toBe(digest);
    }
    console.log(
      `push loop: ${RUNS} runs, ${failures.length} failed, ${retried.length} pushes tried again; main step ${Math.min(...times) / 1000}–${Math.max(...times) / 1000} s`
    );
    expect(failures).toEqual([]);
    expect(retried).toEqual([]);
  });
});
