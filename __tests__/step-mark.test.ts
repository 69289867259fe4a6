import { describe, expect, it } from 'vitest';
import { isPostStep, postHasWork } from '../src/step-mark.js';

describe('the entry: which step, and whether the post step has work', () => {
  it('the post step is the run that finds the mark', () => {
    expect(isPostStep({ STATE_isPost: 'true' })).toBe(true);
    expect(isPostStep({})).toBe(false);
    expect(isPostStep({ STATE_isPost: '' })).toBe(false);
  });

  it.each([
    [undefined, false],
    ['', false],
    ['{}', false],
    ['{"loggedInRegistries":[]}', false],
    ['{"tempDir":"/tmp/x"}', true],
    ['{"loggedInRegistries":["ghcr.io"]}', true],
    ['{"createdBuilder":"b"}', true],
    ['{"goCacheSave":{"key":"k"}}', true],
    ['{not json', true]
  ])('state %j: work %s', (raw, work) => {
    expect(postHasWork(raw === undefined ? {} : { 'STATE_cached-image-build': raw })).toBe(work);
  });
});
