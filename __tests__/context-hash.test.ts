// The context hash: the .dockerignore rules as BuildKit applies them (a pure table, taken from
// BuildKit's own Go code and held against the engine by test/e2e/context-hash.test.ts).
import dockerignore from '@balena/dockerignore';
import { describe, expect, it } from 'vitest';
import { listTree } from '../src/context-files.js';
import { readIgnoreFile, type IgnoreRules } from '../src/dockerignore.js';
import { re2ToRegExp } from '../src/re2.js';
import { memoryTree } from './support/memory-tree.js';

const balena = ((dockerignore as unknown as { default?: unknown }).default ?? dockerignore) as unknown as typeof dockerignore.default;

describe('readIgnoreFile (ignorefile.ReadAll)', () => {
  const read = (text: string) => readIgnoreFile(Buffer.from(text, 'utf8'));
  it.each<[string, string[]]>([
    ['', []],
    ['# comment\n\n   \nsrc\n', ['src']],
    ['  # not a comment\n', ['# not a comment']],
    ['a\r\nb\r\n', ['a', 'b']],
    ['\uFEFFa\n\uFEFFb\n', ['a', '\uFEFFb']],
    [' ! a \n', ['!a']],
    ['!/a/\n', ['!a']],
    ['/\n', ['/']],
    ['./a/../b//c/\n', ['b/c']],
    ['/../x\n', ['x']],
    ['../x\n', ['../x']],
    ['a\u00a0\n\u0085b\n', ['a', 'b']],
    ['a\uFEFF\n', ['a\uFEFF']],
    ['!\n', ['!']],
    ['last line without newline', ['last line without newline']]
  ])('%j → %j', (text, patterns) => {
    expect(read(text)).toEqual({ patterns });
  });

  it('refuses what BuildKit cannot read the same way', () => {
    expect(readIgnoreFile(Buffer.from([0x61, 0xff, 0x0a]))).toEqual({ problem: 'it is not valid UTF-8' });
    expect(read(`${'x'.repeat(70_000)}\n`)).toEqual({ problem: 'line 1 is longer than BuildKit reads' });
  });
});

/** A Go service's tree; the table below says what BuildKit leaves out of it (or sends, when shorter). */
const TREE = ['Dockerfile', '.dockerignore', 'README.md', 'main.go', '.env', '.git/HEAD', 'cmd/api/main.go', 'cmd/api/README.md', 'docs/guide.md', 'docs/keep/me.txt', 'src/a.go', 'src/b.txt', 'src/deep/er/c.go', 'vendor/mod/a.go', 'empty/', 'a+b.txt', '(x).txt', '{y}.txt', '[z].txt', 'foo.bar', 'foobar', 'bar', 'space dir/f', 'Δ/ünï.txt', 'link-to-src -> src'];

type Expected = { excluded: string[] } | { sent: string[] };

/**
 * [.dockerignore, buildx, docker CLI 20.10 when it differs]; folders end in `/`. From fsutil and
 * patternmatcher themselves (the Go code, run on this tree), and the same cases built on the engine.
 */
const TABLE: Array<[string, Expected | 'fails', Expected?]> = [
  ["", { excluded: [] }],
  ["# comment\n\n   \n#*.go\n\t\n", { excluded: [] }],
  ["  # comment\n", { excluded: [] }],
  ["*.md\n", { excluded: ["README.md"] }],
  ["**/*.md\n", { excluded: ["README.md","cmd/api/README.md","docs/guide.md"] }],
  ["*.go\n", { excluded: ["main.go"] }],
  ["**/*.go\n", { excluded: ["cmd/api/main.go","main.go","src/a.go","src/deep/er/c.go","vendor/mod/a.go"] }],
  ["docs\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["docs/\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["/docs\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["./docs\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["docs/../src\n", { excluded: ["src/","src/a.go","src/b.txt","src/deep/","src/deep/er/","src/deep/er/c.go"] }],
  ["docs\n!docs/keep\n", { excluded: ["docs/guide.md"] }],
  ["docs\n!docs/keep/me.txt\n", { excluded: ["docs/guide.md"] }],
  ["docs/**\n!docs/keep/**\n", { excluded: ["docs/guide.md"] }],
  ["**/README.md\n", { excluded: ["README.md","cmd/api/README.md"] }],
  ["*\n!src\n", { sent: ["src/","src/a.go","src/b.txt","src/deep/","src/deep/er/","src/deep/er/c.go"] }],
  ["*\n!src\nsrc/deep\n", { sent: ["src/","src/a.go","src/b.txt"] }],
  ["*\n!**/*.go\n", { sent: ["cmd/","cmd/api/","cmd/api/main.go","main.go","src/","src/a.go","src/deep/","src/deep/er/","src/deep/er/c.go","vendor/","vendor/mod/","vendor/mod/a.go"] }, { sent: ["main.go"] }],
  ["vendor/**\n", { excluded: ["vendor/mod/","vendor/mod/a.go"] }],
  ["**/mod\n", { excluded: ["vendor/mod/","vendor/mod/a.go"] }],
  ["**\n", { sent: [] }],
  ["*\n!Dockerfile\n", { sent: ["Dockerfile"] }],
  [".*\n", { excluded: [".dockerignore",".env",".git/",".git/HEAD"] }],
  [".git\n", { excluded: [".git/",".git/HEAD"] }],
  ["Dockerfile\n.dockerignore\n", { excluded: [".dockerignore","Dockerfile"] }],
  ["?oo*\n", { excluded: ["foo.bar","foobar"] }],
  ["[a-c]*\n", { excluded: ["a+b.txt","bar","cmd/","cmd/api/","cmd/api/README.md","cmd/api/main.go"] }],
  ["[!a]*\n", { excluded: ["a+b.txt"] }],
  ["[^a-z]*\n", { excluded: ["(x).txt",".dockerignore",".env",".git/",".git/HEAD","Dockerfile","README.md","[z].txt","{y}.txt","Δ/","Δ/ünï.txt"] }],
  ["\\[z\\].txt\n", { excluded: ["[z].txt"] }],
  ["a+b.txt\n(x).txt\n{y}.txt\n", { excluded: ["(x).txt","a+b.txt","{y}.txt"] }, { excluded: ["{y}.txt"] }],
  ["**bar\n", { excluded: ["bar","foo.bar","foobar"] }, { excluded: ["bar"] }],
  ["src/*/er\n", { excluded: ["src/deep/er/","src/deep/er/c.go"] }],
  ["src/**/c.go\n", { excluded: ["src/deep/er/c.go"] }],
  ["!src\n*\n", { sent: [] }, { sent: ["src/"] }],
  ["docs\n!docs\n", { excluded: [] }],
  ["cmd/api\n!cmd/api/main.go\n", { excluded: ["cmd/api/README.md"] }],
  ["docs\n!docs/nothing-here\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }, { excluded: ["docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["docs\n!docs/*/me.txt\n", { excluded: ["docs/guide.md"] }, { excluded: ["docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["space dir\nΔ/ünï.txt\n", { excluded: ["space dir/","space dir/f","Δ/ünï.txt"] }],
  ["empty\n", { excluded: ["empty/"] }],
  ["dir.with.dots\nfoo.ba?\n", { excluded: ["foo.bar"] }],
  ["docs   \n\t*.md\t\n  !  README.md  \n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["docs\r\n*.md\r\n", { excluded: ["README.md","docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["﻿docs\n", { excluded: ["docs/","docs/guide.md","docs/keep/","docs/keep/me.txt"] }],
  ["src\n", { excluded: ["src/","src/a.go","src/b.txt","src/deep/","src/deep/er/","src/deep/er/c.go"] }],
  ["link-to-src\n", { excluded: ["link-to-src"] }],
  ["link-to-src/a.go\n", { excluded: [] }],
  ["foo|bar\n", { excluded: [] }, { excluded: ["bar","foo.bar","foobar"] }],
  ["*.md|bar\n", { excluded: ["README.md","bar","foo.bar","foobar"] }],
  ["fo{2}*\n", { excluded: ["foo.bar","foobar"] }],
  ["**/.git\n.github/**\n", { excluded: [".git/",".git/HEAD"] }],
  ["*/README.md\n", { excluded: [] }],
  ["**\n!**/*.md\n", { sent: ["README.md","cmd/","cmd/api/","cmd/api/README.md","docs/","docs/guide.md"] }, { sent: ["README.md"] }],
  ["../docs\n/../src\n", { excluded: ["src/","src/a.go","src/b.txt","src/deep/","src/deep/er/","src/deep/er/c.go"] }],
  ["!\n", 'fails'],
  ["[\n", 'fails']
];

describe('the context BuildKit receives, by .dockerignore (pure)', () => {
  const all = async () => (await listTree(memoryTree(TREE), [])).entries.map(show);
  const show = (e: { path: string; kind: string }) => (e.kind === 'dir' ? `${e.path}/` : e.path);

  const rows = TABLE.flatMap(([text, buildx, classic]) => [
    [text, 'buildx', buildx] as const,
    [text, 'docker-20.10', classic ?? buildx] as const
  ]);
  it.each(rows)('%j (%s)', async (text, rules, expected) => {
    const read = readIgnoreFile(Buffer.from(text, 'utf8'));
    if (!('patterns' in read)) throw new Error(read.problem);
    const listed = await listTree(memoryTree(TREE), read.patterns, { rules: rules as IgnoreRules });
    if (expected === 'fails') {
      expect(listed.problems).toHaveLength(1);
      return;
    }
    expect(listed.problems).toEqual([]);
    const sent = listed.entries.map(show);
    if ('sent' in expected) expect(sent).toEqual(expected.sent);
    else expect((await all()).filter(p => !sent.includes(p))).toEqual(expected.excluded);
  });

  it('refuses patterns it cannot follow exactly, and ones BuildKit refuses', async () => {
    for (const patterns of [['[[:alpha:]]*'], ['a\\p{L}*'], ['x*{1001}'], ['a**{2}*'], ['!'], ['[']]) {
      const listed = await listTree(memoryTree(TREE), patterns);
      expect(listed.problems, patterns[0]).toHaveLength(1);
    }
  });

  it('has @balena/dockerignore keep or drop files otherwise than BuildKit on these rows', () => {
    // balena's matcher on each file of the tree alone (no walk): a file is sent when not ignored.
    const files = TREE.filter(t => !t.endsWith('/')).map(t => t.replace(/ -> .*$/, ''));
    const differ: string[] = [];
    for (const [text, expected] of TABLE) {
      if (expected === 'fails') continue;
      const ig = balena().add(text.split(/\r?\n/));
      const keptByBalena = files.filter(f => !ig.ignores(f));
      const sent = 'sent' in expected ? expected.sent : files.filter(f => !expected.excluded.includes(f));
      const keptByBuildKit = files.filter(f => sent.includes(f));
      if (JSON.stringify(keptByBalena) !== JSON.stringify(keptByBuildKit)) differ.push(text);
    }
    // Besides these, balena has no walk (which folders are sent is up to its caller) and takes a lone `!`.
    expect(differ).toEqual(['[^a-z]*\n', 'a+b.txt\n(x).txt\n{y}.txt\n', '**bar\n', 'foo|bar\n']);
  });
});

describe('re2ToRegExp', () => {
  it.each<[string, string, boolean]>([
    ['^a|b$', 'xb', true],
    ['^a|b$', 'ax', true],
    ['^fo{2}[^/]*$', 'foo.bar', true],
    ['^fo{2}[^/]*$', 'fo.bar', false],
    ['^[[^/]*]$', '[x]', false],
    ['^[[^/]*]$', '[]', true],
    ['^\\d\\.go$', '1.go', true],
    ['^\\d\\.go$', '١.go', false],
    ['^[^a]$', '\n', true],
    ['^.$', '\n', false],
    ['^.$', '\r', true],
    ['^a{y}$', 'a{y}', true]
  ])('%s on %j: %s', (source, input, matches) => {
    expect(re2ToRegExp(source)?.test(input)).toBe(matches);
  });

  it.each(['^[[:alpha:]]$', '^\\pL$', '^a**$', '^a*{2}$', '^(?i)a$', '^\\1$', '^[z-a]$', '^a{1001}$', '^*a$'])('refuses %s', source => {
    expect(re2ToRegExp(source)).toBeUndefined();
  });
});

