import { describe, expect, it } from 'vitest';
import { baseImageRefs, expandWord } from '../src/base-images.js';
import { detectSyntax, readDockerfile } from '../src/dockerfile.js';

const refs = (dockerfile: string, args: string[] = [], options = {}) => baseImageRefs(readDockerfile(dockerfile), args, options);

describe('baseImageRefs', () => {
  it('lists FROM images, not stages or scratch', () => {
    expect(refs('FROM golang:1.26 AS Build\nFROM build AS test\nFROM scratch\nCOPY --from=build /a /a\n')).toEqual(['golang:1.26']);
  });

  it('expands global ARGs, a build arg overriding only an ARG declared before FROM', () => {
    const dockerfile = 'ARG GO=1.25 BASE="alpine"\nARG IMAGE=golang:${GO}-${BASE}\nFROM $IMAGE\nFROM ${REGISTRY}/x:${TAG:-latest}\n';
    expect(refs(dockerfile)).toEqual(['/x:latest', 'golang:1.25-alpine']);
    expect(refs(dockerfile, ['GO=1.26', 'REGISTRY=ghcr.io', 'TAG=v2'])).toEqual(['/x:latest', 'golang:1.26-alpine']);
    expect(refs(dockerfile, ['IMAGE=debian:12'])).toEqual(['/x:latest', 'debian:12']);
  });

  it('takes the automatic platform ARGs from the platforms, one ref per platform', () => {
    const dockerfile = 'FROM --platform=$BUILDPLATFORM golang:1.26 AS build\nFROM base-${TARGETARCH}:1\n';
    expect(refs(dockerfile, [], { platforms: ['linux/amd64', 'linux/arm64'], buildPlatform: 'linux/amd64' })).toEqual([
      'base-amd64:1',
      'base-arm64:1',
      'golang:1.26'
    ]);
    // Unknown: left as written, so it cannot be resolved and the hash cannot be exact.
    expect(refs(dockerfile)).toEqual(['base-${TARGETARCH}:1', 'golang:1.26']);
  });

  it('lists the images of COPY --from and RUN --mount from=, not stages nor stage numbers', () => {
    const dockerfile = [
      'FROM golang:1.26 AS build',
      'RUN --mount=type=bind,from=busybox:1.36,target=/b --mount=type=cache,target=/c true',
      'FROM scratch',
      'COPY --from=build /out /out',
      'COPY --from=0 /out /out0',
      'COPY --from=alpine:3 /etc/os-release /',
      'RUN --mount=from=build,target=/x true'
    ].join('\n');
    expect(refs(dockerfile)).toEqual(['alpine:3', 'busybox:1.36', 'golang:1.26']);
  });

  it('lists the syntax frontend, or BUILDKIT_SYNTAX when given', () => {
    const dockerfile = '# syntax=docker/dockerfile:1.7 --some-flag\nFROM scratch\n';
    expect(refs(dockerfile)).toEqual(['docker/dockerfile:1.7']);
    expect(refs(dockerfile, ['BUILDKIT_SYNTAX=example/frontend:2'])).toEqual(['example/frontend:2']);
  });
});

describe('detectSyntax', () => {
  it.each<[string, string | undefined]>([
    ['# syntax=docker/dockerfile:1\nFROM x\n', 'docker/dockerfile:1'],
    ['#syntax = a/b:1 \n', 'a/b:1'],
    ['\uFEFF#!/usr/bin/env buildctl\n# escape=`\n# SYNTAX=a/b\n', 'a/b'],
    ['// syntax=c/d\n', 'c/d'],
    ['{"syntax": "e/f"}', 'e/f'],
    ['# comment\n# syntax=a/b\n', undefined],
    ['FROM x\n# syntax=a/b\n', undefined],
    ['\n# syntax=a/b\n', undefined]
  ])('%j → %s', (text, syntax) => {
    expect(detectSyntax(text)).toBe(syntax);
  });
});

describe('expandWord', () => {
  const scope = { A: 'a', EMPTY: '' };
  it.each<[string, string | undefined]>([
    ['x$A', 'xa'],
    ['${A}b', 'ab'],
    ['${EMPTY:-d}', 'd'],
    ['${UNSET:-d}', 'd'],
    ['${A:-d}', 'a'],
    ['${A:+alt}', 'alt'],
    ['${EMPTY:+alt}', ''],
    ['${UNSET:-${A}}', 'a'],
    ["'$A'", '$A'],
    ['"$A b"', 'a b'],
    ['$', '$'],
    ['a$-b', 'a$-b'],
    ['$UNSET', ''],
    ['${A#a}', undefined],
    ['${A-d}', undefined],
    ['a\\$b', undefined],
    ['$1', undefined]
  ])('%s → %s', (word, expanded) => {
    expect(expandWord(word, scope)).toBe(expanded);
  });
});
