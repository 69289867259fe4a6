import { describe, expect, it } from 'vitest';
import { InputError, parseBoolean, parseChoice, parseKeyValues, parseList } from '../src/inputs.js';
import { isValidTag, parseRepository, splitTaggedRef } from '../src/reference.js';

describe('parseList', () => {
  it('splits on newlines and commas, trims, drops blanks and comments', () => {
    expect(parseList('a, b\n\n c\n# note\nd,')).toEqual(['a', 'b', 'c', 'd']);
  });
  it('keeps commas inside items when told to', () => {
    expect(parseList('A=1,2\nB=3', { commas: false })).toEqual(['A=1,2', 'B=3']);
  });
});

describe('parseBoolean', () => {
  it('takes the default for an empty input and YAML booleans otherwise', () => {
    expect(parseBoolean('push', '', true)).toBe(true);
    expect(parseBoolean('push', 'False', true)).toBe(false);
    expect(parseBoolean('push', ' TRUE ', false)).toBe(true);
  });
  it('names the input when the value is not a boolean', () => {
    expect(() => parseBoolean('push', 'yes', true)).toThrow(/Input 'push': 'yes' is not a boolean/);
  });
});

describe('parseChoice', () => {
  it('lists the valid choices', () => {
    expect(() => parseChoice('cache-strategy', 'fast', ['auto', 'pull'], 'auto')).toThrow("Input 'cache-strategy': 'fast' is not one of auto, pull");
    expect(parseChoice('cache-strategy', '', ['auto', 'pull'], 'auto')).toBe('auto');
  });
});

describe('parseKeyValues', () => {
  it('splits on the first = only', () => {
    expect(parseKeyValues('build-args', 'A=b=c\nEMPTY=')).toEqual([
      { key: 'A', value: 'b=c' },
      { key: 'EMPTY', value: '' }
    ]);
  });
  it('does not echo a secret that lacks its =', () => {
    const parse = () => parseKeyValues('secrets', 'hunter2-is-my-password', { secret: true });
    expect(parse).toThrow(InputError);
    expect(parse).toThrow(/^Input 'secrets': 'hun… \(22 characters\)' is not KEY=VALUE$/);
  });
});

describe('image references', () => {
  it.each([
    ['ghcr.io/acme/api', 'ghcr.io'],
    ['127.0.0.1:5000/e2e/hello', '127.0.0.1:5000'],
    ['localhost/api', 'localhost'],
    ['acme/api', 'docker.io'],
    ['api', 'docker.io']
  ])('%s is a repository on %s', (name, registry) => {
    expect(parseRepository(name)).toEqual({ name, registry });
  });
  it.each(['Acme/api', 'ghcr.io/acme/api:v1', 'ghcr.io/acme/api@sha256:00', 'ghcr.io//api', '-x/api', 'a/b_'])('%s is not a repository', name => {
    expect(parseRepository(name)).toBeUndefined();
  });
  it('validates tags', () => {
    expect(isValidTag('v1.2.3-rc_1')).toBe(true);
    expect(isValidTag('.hidden')).toBe(false);
    expect(isValidTag('a'.repeat(129))).toBe(false);
  });
  it('does not take a registry port for a tag', () => {
    expect(splitTaggedRef('127.0.0.1:5000/api')).toBeUndefined();
    expect(splitTaggedRef('127.0.0.1:5000/api:v1')).toEqual({ repository: '127.0.0.1:5000/api', tag: 'v1' });
  });
});
