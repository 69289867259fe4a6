// The context hash: the .dockerignore rules as BuildKit applies them (a pure table, taken from
// BuildKit's own Go code and held against the engine by test/e2e/context-hash.test.ts), then the
// hash itself: each input changes it alone, what BuildKit does not see does not.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import dockerignore from '@balena/dockerignore';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { hashBuildInputs, type BuildInputs } from '../src/context-hash.js';
import { listTree } from '../src/context-files.js';
import { readIgnoreFile } from '../src/dockerignore.js';
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
const TREE = [
  'Dockerfile',
  '.dockerignore',
  'README.md',
  'main.go',
  '.env',
  '.git/HEAD',
  'cmd/api/main.go',
  'cmd/api/README.md',
  'docs/guide.md',
  'docs/keep/me.txt',
  'src/a.go',
  'src/b.txt',
  'src/deep/er/c.go',
  'vendor/mod/a.go',
  'empty/',
  'a+b.txt',
  '(x).txt',
  '{y}.txt',
  '[z].txt',
  'foo.bar',
  'foobar',
  'bar',
  'space dir/f',
  'Δ/ünï.txt',
  'link-to-src -> src'
];

type Expected = { excluded: string[] } | { sent: string[] };

/**
 * [.dockerignore, buildx, docker CLI 20.10 when it differs]; folders end in `/`. From fsutil and
 * patternmatcher themselves (the Go code, run on this tree), and the same cases built on the engine.
 */
const TABLE: Array<[string, Expected | 'fails', Expected?]> = [
  ['', { excluded: [] }],
  ['# comment\n\n   \n#*.go\n\t\n', { excluded: [] }],
  ['  # comment\n', { excluded: [] }],
  ['*.md\n', { excluded: ['README.md'] }],
  ['**/*.md\n', { excluded: ['README.md', 'cmd/api/README.md', 'docs/guide.md'] }],
  ['*.go\n', { excluded: ['main.go'] }],
  ['**/*.go\n', { excluded: ['cmd/api/main.go', 'main.go', 'src/a.go', 'src/deep/er/c.go', 'vendor/mod/a.go'] }],
  ['docs\n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['docs/\n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['/docs\n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['./docs\n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['docs/../src\n', { excluded: ['src/', 'src/a.go', 'src/b.txt', 'src/deep/', 'src/deep/er/', 'src/deep/er/c.go'] }],
  ['docs\n!docs/keep\n', { excluded: ['docs/guide.md'] }],
  ['docs\n!docs/keep/me.txt\n', { excluded: ['docs/guide.md'] }],
  ['docs/**\n!docs/keep/**\n', { excluded: ['docs/guide.md'] }],
  ['**/README.md\n', { excluded: ['README.md', 'cmd/api/README.md'] }],
  ['*\n!src\n', { sent: ['src/', 'src/a.go', 'src/b.txt', 'src/deep/', 'src/deep/er/', 'src/deep/er/c.go'] }],
  ['*\n!src\nsrc/deep\n', { sent: ['src/', 'src/a.go', 'src/b.txt'] }],
  [
    '*\n!**/*.go\n',
    {
      sent: [
        'cmd/',
        'cmd/api/',
        'cmd/api/main.go',
        'main.go',
        'src/',
        'src/a.go',
        'src/deep/',
        'src/deep/er/',
        'src/deep/er/c.go',
        'vendor/',
        'vendor/mod/',
        'vendor/mod/a.go'
      ]
    },
    { sent: ['main.go'] }
  ],
  ['vendor/**\n', { excluded: ['vendor/mod/', 'vendor/mod/a.go'] }],
  ['**/mod\n', { excluded: ['vendor/mod/', 'vendor/mod/a.go'] }],
  ['**\n', { sent: [] }],
  ['*\n!Dockerfile\n', { sent: ['Dockerfile'] }],
  ['.*\n', { excluded: ['.dockerignore', '.env', '.git/', '.git/HEAD'] }],
  ['.git\n', { excluded: ['.git/', '.git/HEAD'] }],
  ['Dockerfile\n.dockerignore\n', { excluded: ['.dockerignore', 'Dockerfile'] }],
  ['?oo*\n', { excluded: ['foo.bar', 'foobar'] }],
  ['[a-c]*\n', { excluded: ['a+b.txt', 'bar', 'cmd/', 'cmd/api/', 'cmd/api/README.md', 'cmd/api/main.go'] }],
  ['[!a]*\n', { excluded: ['a+b.txt'] }],
  [
    '[^a-z]*\n',
    { excluded: ['(x).txt', '.dockerignore', '.env', '.git/', '.git/HEAD', 'Dockerfile', 'README.md', '[z].txt', '{y}.txt', 'Δ/', 'Δ/ünï.txt'] }
  ],
  ['\\[z\\].txt\n', { excluded: ['[z].txt'] }],
  ['a+b.txt\n(x).txt\n{y}.txt\n', { excluded: ['(x).txt', 'a+b.txt', '{y}.txt'] }, { excluded: ['{y}.txt'] }],
  ['**bar\n', { excluded: ['bar', 'foo.bar', 'foobar'] }, { excluded: ['bar'] }],
  ['src/*/er\n', { excluded: ['src/deep/er/', 'src/deep/er/c.go'] }],
  ['src/**/c.go\n', { excluded: ['src/deep/er/c.go'] }],
  ['!src\n*\n', { sent: [] }, { sent: ['src/'] }],
  ['docs\n!docs\n', { excluded: [] }],
  ['cmd/api\n!cmd/api/main.go\n', { excluded: ['cmd/api/README.md'] }],
  [
    'docs\n!docs/nothing-here\n',
    { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] },
    { excluded: ['docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }
  ],
  ['docs\n!docs/*/me.txt\n', { excluded: ['docs/guide.md'] }, { excluded: ['docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['space dir\nΔ/ünï.txt\n', { excluded: ['space dir/', 'space dir/f', 'Δ/ünï.txt'] }],
  ['empty\n', { excluded: ['empty/'] }],
  ['dir.with.dots\nfoo.ba?\n', { excluded: ['foo.bar'] }],
  ['docs   \n\t*.md\t\n  !  README.md  \n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['docs\r\n*.md\r\n', { excluded: ['README.md', 'docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['﻿docs\n', { excluded: ['docs/', 'docs/guide.md', 'docs/keep/', 'docs/keep/me.txt'] }],
  ['src\n', { excluded: ['src/', 'src/a.go', 'src/b.txt', 'src/deep/', 'src/deep/er/', 'src/deep/er/c.go'] }],
  ['link-to-src\n', { excluded: ['link-to-src'] }],
  ['link-to-src/a.go\n', { excluded: [] }],
  ['foo|bar\n', { excluded: [] }, { excluded: ['bar', 'foo.bar', 'foobar'] }],
  ['*.md|bar\n', { excluded: ['README.md', 'bar', 'foo.bar', 'foobar'] }],
  ['fo{2}*\n', { excluded: ['foo.bar', 'foobar'] }],
  ['**/.git\n.github/**\n', { excluded: ['.git/', '.git/HEAD'] }],
  ['*/README.md\n', { excluded: [] }],
  ['**\n!**/*.md\n', { sent: ['README.md', 'cmd/', 'cmd/api/', 'cmd/api/README.md', 'docs/', 'docs/guide.md'] }, { sent: ['README.md'] }],
  ['../docs\n/../src\n', { excluded: ['src/', 'src/a.go', 'src/b.txt', 'src/deep/', 'src/deep/er/', 'src/deep/er/c.go'] }],
  ['!\n', 'fails'],
  ['[\n', 'fails']
];

describe('the context BuildKit receives, by .dockerignore (pure)', () => {
  const all = async () => (await listTree(memoryTree(TREE), [])).entries.map(show);
  const show = (e: { path: string; kind: string }) => (e.kind === 'dir' ? `${e.path}/` : e.path);

  const rows = TABLE.flatMap(([text, buildx, classic]) => [[text, 'buildx', buildx] as const, [text, 'docker-20.10', classic ?? buildx] as const]);
  it.each(rows)('%j (%s)', async (text, rules, expected) => {
    const read = readIgnoreFile(Buffer.from(text, 'utf8'));
    if (!('patterns' in read)) throw new Error(read.problem);
    const listed = await listTree(memoryTree(TREE), read.patterns, { rules: rules });
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
    ['^a{y}$', 'a{y}', true],
    ['^+$', '', true],
    ['^+|$', 'anything', true],
    ['^x^*$', 'x', true]
  ])('%s on %j: %s', (source, input, matches) => {
    expect(re2ToRegExp(source)?.test(input)).toBe(matches);
  });

  it.each(['^[[:alpha:]]$', '^\\pL$', '^a**$', '^a*{2}$', '^(?i)a$', '^\\1$', '^[z-a]$', '^a{1001}$', '^a*?$'])('refuses %s', source => {
    expect(re2ToRegExp(source)).toBeUndefined();
  });
});

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

/** A context on disk with a Dockerfile and a few files, and a hash function over it. */
function workspace(dockerfile = 'FROM 127.0.0.1:5000/base/go:1.26 AS builder\nFROM scratch\nCOPY --from=builder /etc/hostname /x\nCOPY . /src/\n') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-context-hash-unit-'));
  made.push(dir);
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  fs.mkdirSync(path.join(dir, 'cmd/api'), { recursive: true });
  fs.mkdirSync(path.join(dir, 'docs'));
  fs.writeFileSync(path.join(dir, 'go.mod'), 'module x\n');
  fs.writeFileSync(path.join(dir, 'cmd/api/main.go'), 'package main\n');
  fs.writeFileSync(path.join(dir, 'docs/guide.md'), 'guide\n');
  fs.writeFileSync(path.join(dir, '.dockerignore'), 'docs\n*.md\n');
  fs.symlinkSync('go.mod', path.join(dir, 'link'));
  const inputs = (over: Partial<BuildInputs> = {}): BuildInputs => ({
    context: dir,
    dockerfile: path.join(dir, 'Dockerfile'),
    buildArgs: ['VERSION=1'],
    target: '',
    builderTarget: 'builder',
    platforms: ['linux/amd64'],
    baseDigests: { '127.0.0.1:5000/base/go:1.26': `sha256:${'a'.repeat(64)}`, 'docker/dockerfile:1': `sha256:${'b'.repeat(64)}` },
    ...over
  });
  const hash = async (over: Partial<BuildInputs> = {}) => {
    const result = await hashBuildInputs(inputs(over));
    expect(result.notes).toEqual([]);
    expect(result.exact).toBe(true);
    return result.hash;
  };
  return { dir, inputs, hash, file: (p: string) => path.join(dir, p) };
}

const isRoot = process.getuid?.() === 0;
const hasPython = spawnSync('python3', ['-c', 'import os; os.listxattr']).status === 0;

describe('hashBuildInputs', () => {
  it("is the same for the same inputs, whatever the times, owners and the context folder's mode", async () => {
    const ws = workspace();
    const first = await ws.hash();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    fs.utimesSync(ws.file('go.mod'), new Date(0), new Date(0));
    fs.utimesSync(ws.file('cmd'), new Date(0), new Date(0));
    if (isRoot) fs.chownSync(ws.file('go.mod'), 1234, 1234);
    fs.chmodSync(ws.dir, 0o700);
    expect(await ws.hash()).toBe(first);
  });

  // Each change alone, then put back where it can be: the hash follows what BuildKit's COPY key follows.
  type Workspace = ReturnType<typeof workspace>;
  // A change either only touches the workspace or also gives inputs to hash with.
  const changes: Array<[string, ((ws: Workspace) => void) | ((ws: Workspace) => Promise<Partial<BuildInputs>> | Partial<BuildInputs>)]> = [
    [
      "a file's content",
      ws => {
        fs.appendFileSync(ws.file('cmd/api/main.go'), '// one line\n');
      }
    ],
    [
      "a file's exec bit",
      ws => {
        fs.chmodSync(ws.file('go.mod'), 0o755);
      }
    ],
    [
      "a file's setuid bit",
      ws => {
        fs.chmodSync(ws.file('go.mod'), 0o4644);
      }
    ],
    [
      "a folder's mode",
      ws => {
        fs.chmodSync(ws.file('cmd'), 0o700);
      }
    ],
    [
      'a new empty folder',
      ws => {
        fs.mkdirSync(ws.file('cmd/empty'));
      }
    ],
    [
      'a new empty file',
      ws => {
        fs.writeFileSync(ws.file('cmd/empty.txt'), '');
      }
    ],
    [
      "a symlink's target",
      ws => {
        fs.rmSync(ws.file('link'));
        fs.symlinkSync('cmd', ws.file('link'));
      }
    ],
    [
      'a file renamed',
      ws => {
        fs.renameSync(ws.file('go.mod'), ws.file('go.mod2'));
      }
    ],
    ['a FIFO (never opened)', ws => void execFileSync('mkfifo', [ws.file('cmd/pipe')])],
    [
      'the Dockerfile',
      ws => {
        fs.appendFileSync(ws.file('Dockerfile'), 'LABEL a=b\n');
      }
    ],
    ["the Dockerfile's path", ws => (fs.copyFileSync(ws.file('Dockerfile'), ws.file('cmd/Dockerfile')), { dockerfile: ws.file('cmd/Dockerfile') })],
    [
      'the ignore rules',
      ws => {
        fs.appendFileSync(ws.file('.dockerignore'), 'nothing-here\n');
      }
    ],
    ['a build arg', () => ({ buildArgs: ['VERSION=2'] })],
    ['another build arg', () => ({ buildArgs: ['VERSION=1', 'EXTRA=1'] })],
    ['the target', () => ({ target: 'builder' })],
    ['the builder target', () => ({ builderTarget: 'build' })],
    ['the platform', () => ({ platforms: ['linux/arm64'] })],
    ['a second platform', () => ({ platforms: ['linux/amd64', 'linux/arm64'] })],
    ['a label', () => ({ labels: ['team=api'] })],
    ['the network', () => ({ network: 'host' })],
    ['a base image digest', ws => ({ baseDigests: { ...ws.inputs().baseDigests, '127.0.0.1:5000/base/go:1.26': `sha256:${'c'.repeat(64)}` } })],
    ['SOURCE_DATE_EPOCH', () => ({ env: { SOURCE_DATE_EPOCH: '1700000000' } })],
    ['a BUILDX_ setting', () => ({ env: { BUILDX_GIT_LABELS: 'full' } })],
    ['BUILDX_NO_DEFAULT_ATTESTATIONS', () => ({ env: { BUILDX_NO_DEFAULT_ATTESTATIONS: '1' } })]
  ];
  if (hasPython)
    changes.push([
      'a user xattr',
      ws => void execFileSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], "user.cib", b"1")', ws.file('go.mod')])
    ]);

  it.each(changes)('changes with %s', async (_, change) => {
    const ws = workspace();
    const before = await ws.hash();
    const over = (await change(ws)) ?? {};
    const after = await ws.hash(over);
    expect(after).not.toBe(before);
  });

  it('does not change with variables that do not reach buildx or choose only where it builds', async () => {
    const ws = workspace();
    const first = await ws.hash();
    expect(
      await ws.hash({ env: { INPUT_BUILD_ARGS: 'X=1', HOME: '/elsewhere', BUILDX_BUILDER: 'builder-5d2c', BUILDX_CONFIG: '/tmp/buildx-1' } })
    ).toBe(first);
  });

  it('holds the BUILDX_ settings by name and value, in any order', async () => {
    const ws = workspace();
    expect(await ws.hash({ env: { BUILDX_GIT_LABELS: '1', BUILDX_GIT_INFO: '0' } })).toBe(
      await ws.hash({ env: { BUILDX_GIT_INFO: '0', BUILDX_GIT_LABELS: '1' } })
    );
    expect(await ws.hash({ env: { BUILDX_GIT_LABELS: '1' } })).not.toBe(await ws.hash({ env: { BUILDX_GIT_INFO: '1' } }));
  });

  it('is not exact under a BuildKit source policy, which may rewrite what the build pulls', async () => {
    const ws = workspace();
    const result = await hashBuildInputs(ws.inputs({ env: { EXPERIMENTAL_BUILDKIT_SOURCE_POLICY: '/etc/policy.json' } }));
    expect(result).toMatchObject({
      exact: false,
      notes: [
        'EXPERIMENTAL_BUILDKIT_SOURCE_POLICY is set: the hash does not follow the policy it names; unset it so an unchanged commit can be copied'
      ]
    });
  });

  it("changes with the action's version", async () => {
    const ws = workspace();
    const hashWith = async (version: string) => {
      vi.resetModules();
      vi.doMock('../package.json', () => ({ default: { version } }));
      const fresh = await import('../src/context-hash.js');
      return (await fresh.hashBuildInputs(ws.inputs())).hash;
    };
    try {
      expect(await hashWith('1.0.0')).not.toBe(await hashWith('1.0.1'));
      expect(await hashWith('1.0.0')).toBe(await hashWith('1.0.0'));
    } finally {
      vi.doUnmock('../package.json');
      vi.resetModules();
    }
  });

  it('changes when the # syntax= frontend moves', async () => {
    const ws = workspace('# syntax=docker/dockerfile:1\nFROM scratch\nCOPY . /src/\n');
    const before = await ws.hash();
    expect(await ws.hash({ baseDigests: { 'docker/dockerfile:1': `sha256:${'d'.repeat(64)}` } })).not.toBe(before);
  });

  it('is not exact with an ADD of a URL the Dockerfile does not pin, and says what pins it', async () => {
    const ws = workspace('FROM scratch\nADD https://example.com/tool.tgz /tool\n');
    const result = await hashBuildInputs(ws.inputs());
    expect(result).toMatchObject({
      exact: false,
      notes: ['ADD https://example.com/tool.tgz (Dockerfile line 2) fetches a URL the hash cannot see: add --checksum=sha256:… to it']
    });
    fs.writeFileSync(ws.file('Dockerfile'), `FROM scratch\nADD --checksum=sha256:${'e'.repeat(64)} https://example.com/tool.tgz /tool\n`);
    await ws.hash();
  });

  it('is exact with an ADD of a git repository only at a full commit', async () => {
    const ws = workspace('FROM scratch\nADD https://github.com/acme/lib.git#v1.2.0 /lib\n');
    expect((await hashBuildInputs(ws.inputs())).exact).toBe(false);
    fs.writeFileSync(ws.file('Dockerfile'), `FROM scratch\nADD https://github.com/acme/lib.git#${'c'.repeat(40)} /lib\n`);
    await ws.hash();
  });

  it('does not change with what BuildKit does not receive', async () => {
    const ws = workspace();
    const first = await ws.hash();
    fs.appendFileSync(ws.file('docs/guide.md'), 'more\n');
    fs.writeFileSync(ws.file('docs/new.txt'), 'x\n');
    fs.mkdirSync(ws.file('docs/empty'));
    fs.writeFileSync(ws.file('NOTES.md'), 'x\n');
    expect(await ws.hash()).toBe(first);
  });

  it('prefers <Dockerfile>.dockerignore beside the Dockerfile', async () => {
    const ws = workspace();
    const shared = await ws.hash();
    fs.writeFileSync(ws.file('Dockerfile.dockerignore'), 'docs\n');
    const own = await ws.hash();
    expect(own).not.toBe(shared);
    fs.appendFileSync(ws.file('docs/guide.md'), 'more\n');
    expect(await ws.hash()).toBe(own);
    // *.md is no rule now: NOTES.md is sent.
    fs.writeFileSync(ws.file('NOTES.md'), 'x\n');
    expect(await ws.hash()).not.toBe(own);
  });

  it('leaves out the paths it is told to (prebuild output, written after the hash)', async () => {
    const ws = workspace();
    const first = await ws.hash({ exclude: ['.prebuilt'] });
    fs.mkdirSync(ws.file('.prebuilt'));
    fs.writeFileSync(ws.file('.prebuilt/api'), 'binary');
    expect(await ws.hash({ exclude: ['.prebuilt'] })).toBe(first);
    expect(await ws.hash()).not.toBe(first);
  });

  it('is never exact without every image digest, and then never equal to another hash', async () => {
    const ws = workspace();
    const one = await hashBuildInputs(ws.inputs({ baseDigests: {} }));
    const two = await hashBuildInputs(ws.inputs({ baseDigests: {} }));
    expect(one).toMatchObject({ exact: false, notes: ['no digest for 127.0.0.1:5000/base/go:1.26'] });
    expect(one.hash).not.toBe(two.hash);
  });

  it('takes the last value of a build arg given twice, and is not exact with one from the environment', async () => {
    const ws = workspace();
    expect(await ws.hash({ buildArgs: ['A=1', 'A=2'] })).toBe(await ws.hash({ buildArgs: ['A=2'] }));
    expect(await ws.hash({ buildArgs: ['A=2', 'A=1'] })).not.toBe(await ws.hash({ buildArgs: ['A=2'] }));
    const result = await hashBuildInputs(ws.inputs({ buildArgs: ['TOKEN'] }));
    expect(result).toMatchObject({ exact: false, notes: ['build arg TOKEN takes its value from the environment: give it as TOKEN=VALUE'] });
  });

  it('stops at the entry limit and says so', async () => {
    const ws = workspace();
    const result = await hashBuildInputs(ws.inputs(), { maxEntries: 3 });
    expect(result).toMatchObject({ exact: false, notes: ['more than 3 entries in the context: stopped looking'] });
  });

  it('says it cannot be exact about an empty <Dockerfile>.dockerignore beside a .dockerignore', async () => {
    const ws = workspace();
    fs.writeFileSync(ws.file('Dockerfile.dockerignore'), '');
    const result = await hashBuildInputs(ws.inputs());
    expect(result.exact).toBe(false);
    expect(result.notes).toEqual([
      'Dockerfile.dockerignore is empty: the built-in frontend applies no rules, a # syntax= frontend applies .dockerignore'
    ]);
  });

  it('counts what it hashed, files read by content only', async () => {
    const ws = workspace();
    execFileSync('mkfifo', [ws.file('pipe')]);
    const result = await hashBuildInputs(ws.inputs());
    // Dockerfile, .dockerignore, cmd, cmd/api, cmd/api/main.go, go.mod, link, pipe.
    expect(result).toMatchObject({ exact: true, entries: 8, bytes: fs.statSync(ws.file('Dockerfile')).size + 10 + 13 + 9 });
  });

  it('reads a large file in chunks', async () => {
    const ws = workspace();
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 1);
    fs.writeFileSync(ws.file('big.bin'), big);
    const first = await ws.hash();
    big[big.length - 1] = 2;
    fs.writeFileSync(ws.file('big.bin'), big);
    expect(await ws.hash()).not.toBe(first);
  });
});
