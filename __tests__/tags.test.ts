import { describe, expect, it } from 'vitest';
import { branchSuffix, reservedTag, scopedTag, validTag } from '../src/tags.js';

describe('branchSuffix', () => {
  it('is a slug valid in any tag and a hash of the exact name', () => {
    expect(branchSuffix('feature/login')).toMatch(/^feature-login-[0-9a-f]{8}$/);
    expect(branchSuffix('feature/login')).not.toBe(branchSuffix('feature-login'));
    expect(branchSuffix('Feature/Login')).not.toBe(branchSuffix('feature/login'));
    expect(branchSuffix('dependabot/go_modules/github.com/gin-gonic/gin-1.10.0')).toMatch(/^dependabot-go_modules-github.com-gin-gon-[0-9a-f]{8}$/);
    expect(branchSuffix('...')).toMatch(/^branch-[0-9a-f]{8}$/);
    expect(branchSuffix('x'.repeat(300)).length).toBe(40 + 9);
  });
  it('makes tags of at most 128 characters', () => {
    expect(scopedTag('builder', '')).toBe('builder');
    expect(scopedTag('builder', branchSuffix('a/b'))).toMatch(/^builder-a-b-[0-9a-f]{8}$/);
    expect(scopedTag('b'.repeat(100), branchSuffix('x'.repeat(100))).length).toBe(128);
  });
});

describe('validTag', () => {
  it.each([
    ['v1.2.3', 'v1.2.3'],
    ['feature/login', 'feature-login'],
    ['7/merge', 'pr-7'],
    ['12/head', 'pr-12'],
    ['release/2026 spring', 'release-2026-spring'],
    ['-leading', 'leading'],
    ['.hidden', 'hidden'],
    ['a'.repeat(200), 'a'.repeat(128)]
  ])('%s → %s', (raw, tag) => {
    expect(validTag(raw)).toBe(tag);
  });
  it('gives nothing when nothing valid is left', () => {
    expect(validTag('///')).toBeUndefined();
    expect(validTag('-')).toBeUndefined();
  });
});

describe('reservedTag', () => {
  const names = ['buildcache', 'builder'];
  it("refuses latest and the action's cache tags, plain or of a branch", () => {
    expect(reservedTag('latest', names)).toMatch(/input 'latest'/);
    expect(reservedTag('builder', names)).toMatch(/cache tag/);
    expect(reservedTag('buildcache', names)).toMatch(/cache tag/);
    expect(reservedTag(`buildcache-${branchSuffix('feature/x')}`, names)).toMatch(/cache tag/);
    expect(reservedTag(`builder-${branchSuffix('main')}`, names)).toMatch(/cache tag/);
  });
  it('lets other tags through', () => {
    expect(reservedTag('builder-v2', names)).toBeUndefined();
    expect(reservedTag('stable', names)).toBeUndefined();
    expect(reservedTag('latest-dev', names)).toBeUndefined();
  });
});
