import { describe, expect, it } from 'vitest';
import { branchSuffix, commitShapedTag, reservedTag, scopedTag, validTag } from '../src/tags.js';

describe('branchSuffix', () => {
  // 16 hex digits (64 bits) since issue #21: 8 could be met by a branch named to collide.
  it("is a slug valid in any tag and 16 hex digits of the exact name's SHA-256", () => {
    expect(branchSuffix('feature/login')).toMatch(/^feature-login-[0-9a-f]{16}$/);
    expect(branchSuffix('feature/login')).not.toBe(branchSuffix('feature-login'));
    expect(branchSuffix('Feature/Login')).not.toBe(branchSuffix('feature/login'));
    expect(branchSuffix('dependabot/go_modules/github.com/gin-gonic/gin-1.10.0')).toMatch(/^dependabot-go_modules-github.com-gin-gon-[0-9a-f]{16}$/);
    expect(branchSuffix('...')).toMatch(/^branch-[0-9a-f]{16}$/);
    expect(branchSuffix('x'.repeat(300)).length).toBe(40 + 17);
  });
  it('shapes the slug as a bare tag is shaped, lower case, with no . or - at either end', () => {
    const slug = (branch: string) => branchSuffix(branch).slice(0, -17);
    expect(slug('-.Fix//Über Ärger--.')).toBe('fix-ber-rger');
    expect(validTag('-.Fix//Über Ärger--.')).toBe('Fix-ber-rger-.');
    expect(slug(`a/${'b'.repeat(37)}/c`)).toBe(`a-${'b'.repeat(37)}`);
  });
  it('makes tags of at most 128 characters, cutting the slug, never the hash', () => {
    expect(scopedTag('builder', '')).toBe('builder');
    expect(scopedTag('builder', branchSuffix('a/b'))).toMatch(/^builder-a-b-[0-9a-f]{16}$/);
    const suffix = branchSuffix('x'.repeat(100));
    const hash = suffix.slice(-16);
    const long = scopedTag('b'.repeat(100), suffix);
    expect(long.length).toBeLessThanOrEqual(128);
    expect(long).toBe(`${'b'.repeat(100)}-${'x'.repeat(10)}-${hash}`);
    // No room for any slug: the name and the hash.
    expect(scopedTag('b'.repeat(111), suffix)).toBe(`${'b'.repeat(111)}-${hash}`);
    expect(scopedTag('b'.repeat(120), suffix)).toBe(`${'b'.repeat(111)}-${hash}`);
    // A slug cut where it ends in a dash or a dot loses them.
    expect(scopedTag('b'.repeat(100), branchSuffix('x'.repeat(9) + '.y'.repeat(20)))).toMatch(new RegExp(`^b{100}-x{9}-[0-9a-f]{16}$`));
    // Every tag so made is one the action reserves.
    for (const tag of [long, scopedTag('b'.repeat(111), suffix), scopedTag('builder', branchSuffix('feature/login'))]) {
      expect(reservedTag(tag, ['builder', 'b'.repeat(100), 'b'.repeat(111)])).toMatch(/cache tag/);
    }
  });
});

describe('commitShapedTag', () => {
  it('is 7 to 64 hex digits, as a commit tag is', () => {
    expect(['abc1234', 'a'.repeat(40), '0'.repeat(64)].map(commitShapedTag)).toEqual([true, true, true]);
    expect(['abc123', 'a'.repeat(65), 'v1.2.3', 'ABC1234', 'abc1234-x', 'deadbeeg'].map(commitShapedTag)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false
    ]);
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
    // The 8-digit suffixes of before issue #21 are no cache tags any more.
    expect(reservedTag('builder-main-0123abcd', names)).toBeUndefined();
    expect(reservedTag('stable', names)).toBeUndefined();
    expect(reservedTag('latest-dev', names)).toBeUndefined();
  });
});
