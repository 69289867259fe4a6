// The mutation run (scripts/mutate.ts) breaks the code by text: each breakage must still find its
// text, once, or the run would stop on it instead of measuring the suite.
import { describe, expect, it } from 'vitest';
import { BREAKAGES, stale } from '../scripts/mutate.js';

describe('scripts/mutate.ts', () => {
  it('every breakage applies to the code as it is, exactly once', () => {
    expect(BREAKAGES.length).toBeGreaterThanOrEqual(23);
    expect(stale()).toEqual([]);
  });
});
