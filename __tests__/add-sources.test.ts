// What an ADD fetches, told apart as BuildKit's Dockerfile frontend tells it (dockerfile2llb's
// convert_copy.go, dfgitutil.ParseGitRef, gitutil, sshutil): the rows below follow those functions.
import { describe, expect, it } from 'vitest';
import { fetchedSources, unpinnedNote } from '../src/add-sources.js';
import { readDockerfile } from '../src/dockerfile.js';

const SHA = '0123456789abcdef0123456789abcdef01234567';
const of = (instruction: string) =>
  fetchedSources(readDockerfile(`FROM scratch\n${instruction}\n`)).map(({ kind, pinned }) => `${kind}${pinned ? ' pinned' : ''}`);

describe('fetchedSources', () => {
  it.each<[string, string[]]>([
    ['ADD main.go /src/', []],
    ['ADD ./x.tgz /', []],
    ['ADD . /src', []],
    ['ADD https://example.com/a.tgz /a', ['url']],
    ['ADD http://example.com/a.tgz /a', ['url']],
    ['ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da1a3a8c09 https://example.com/a.tgz /a', ['url pinned']],
    ['ADD "https://example.com/a.tgz" /a', ['url']],
    ['ADD ["https://example.com/a b.tgz", "/a"]', ['url']],
    ['ADD --link --chmod=644 https://example.com/a.tgz local.txt /a/', ['url']],
    // Only a path that ends in .git makes an http(s) URL a git source.
    ['ADD https://github.com/moby/buildkit.git /b', ['git']],
    ['ADD https://github.com/moby/buildkit.git#v0.20.0 /b', ['git']],
    [`ADD https://github.com/moby/buildkit.git#${SHA} /b`, ['git pinned']],
    [`ADD https://github.com/moby/buildkit.git#${SHA}:docs /b`, ['git pinned']],
    [`ADD https://github.com/moby/buildkit.git?ref=${SHA} /b`, ['git pinned']],
    [`ADD https://github.com/moby/buildkit.git?tag=v1&checksum=${SHA} /b`, ['git pinned']],
    [`ADD --checksum=${SHA} https://github.com/moby/buildkit.git#main /b`, ['git pinned']],
    // A short SHA or an upper-case one is not gitutil.IsCommitSHA: it names no fixed commit.
    ['ADD https://github.com/moby/buildkit.git#0123456 /b', ['git']],
    [`ADD https://github.com/moby/buildkit.git#${SHA.toUpperCase()} /b`, ['git']],
    ['ADD https://github.com/moby/buildkit.git?branch=master /b', ['git']],
    ['ADD git@github.com:moby/buildkit.git /b', ['git']],
    [`ADD git@github.com:moby/buildkit#${SHA} /b`, ['git pinned']],
    ['ADD ssh://git@github.com/moby/buildkit /b', ['git']],
    ['ADD git://example.com/repo /b', ['git']],
    ['ADD GIT://example.com/repo /b', ['git']],
    // github.com/… is a local path to ADD (IndistinguishableFromLocal), as is an unknown scheme.
    ['ADD github.com/moby/buildkit /b', []],
    ['ADD s3://bucket/key /b', []],
    // A variable may make the source a URL, unless the text before it is a path.
    ['ADD $URL /x', ['variable']],
    ['ADD ${BASE}/file /x', ['variable']],
    ['ADD https://example.com/$VERSION/a.tgz /x', ['variable']],
    ['ADD --checksum=sha256:24454f830cdb571e2c4ad15481119c43b3cafd48dd869a9b2015d0da1a3a8c09 $URL /x', ['variable pinned']],
    ['ADD ./$NAME.tgz /x', []],
    ['ADD dist/$NAME.tgz /x', []],
    ['ADD /$NAME /x', []],
    // Heredocs are the Dockerfile's own bytes; a URL beside one is not.
    ['ADD <<EOF /file\nhttps://example.com/not-a-source\nEOF', []],
    ['ADD <<EOF https://example.com/a.tgz /dir/\nhello\nEOF', ['url']],
    ['ONBUILD ADD https://example.com/a.tgz /a', []]
  ])('%s → %j', (instruction, expected) => {
    expect(of(instruction)).toEqual(expected);
  });

  it('says what makes each kind exact', () => {
    const notes = fetchedSources(readDockerfile('FROM scratch\nADD https://e.com/a /a\nADD https://e.com/r.git#main /r\nADD $U /u\n')).map(
      unpinnedNote
    );
    expect(notes).toEqual([
      'ADD https://e.com/a (Dockerfile line 2) fetches a URL the hash cannot see: add --checksum=sha256:… to it',
      'ADD https://e.com/r.git#main (Dockerfile line 3) fetches a branch or tag: pin it to a full commit (#<commit SHA>) or add --checksum=<commit SHA>',
      'ADD $U (Dockerfile line 4) may fetch a URL (its source holds a variable): add --checksum=… or write the source without a variable'
    ]);
  });
});
