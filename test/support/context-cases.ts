// Build contexts and .dockerignore files to hold the context hash's file list against BuildKit: the
// e2e test builds each case with every client on the machine and compares what COPY . wrote.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

export interface ContextCase {
  name: string;
  /** The context's .dockerignore; undefined: none. */
  dockerignore?: string;
  /** The Dockerfile, relative to the context (default `Dockerfile`). */
  file?: string;
  /** `<file>.dockerignore` beside the Dockerfile. */
  ownIgnore?: string;
  /** Extra entries: `dir/` a folder, `a -> b` a symlink, `name|` a FIFO, `name=` a socket, `name*` executable. */
  extra?: string[];
  /** Only these entries (no standard tree). */
  only?: string[];
  /** BuildKit refuses the build; the module must say it cannot be exact. */
  fails?: boolean;
  /** BuildKit builds it, but the module cannot follow the pattern exactly and must say so. */
  refused?: boolean;
}

/** The tree most cases share: a Go service with the usual clutter. */
export const STANDARD_TREE = [
  'README.md',
  'main.go',
  '.env',
  '.git/HEAD',
  '.git/objects/ab/cdef',
  '.github/workflows/ci.yml',
  'cmd/api/main.go',
  'cmd/api/main_test.go',
  'cmd/api/README.md',
  'docs/guide.md',
  'docs/img/logo.png',
  'docs/keep/me.txt',
  'vendor/mod/a.go',
  'vendor/mod/sub/b.go',
  'build/out/app*',
  'build/keep.txt',
  'node_modules/x/index.js',
  'src/a.go',
  'src/b.txt',
  'src/deep/er/c.go',
  'empty/',
  'a+b.txt',
  '(x).txt',
  '{y}.txt',
  '[z].txt',
  'foo.bar',
  'foobar',
  'bar',
  'dir.with.dots/f',
  'space dir/file name.txt',
  'Δ/ünï.txt',
  'link-to-src -> src',
  'dangling -> nowhere'
];

export const DOCKERFILE = 'FROM scratch\nCOPY . /ctx/\n';

/** Write a case's context into `dir` (made empty first). */
export function writeCase(dir: string, c: ContextCase): void {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, c.file ?? 'Dockerfile');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, DOCKERFILE);
  if (c.dockerignore !== undefined) fs.writeFileSync(path.join(dir, '.dockerignore'), c.dockerignore);
  if (c.ownIgnore !== undefined) fs.writeFileSync(`${file}.dockerignore`, c.ownIgnore);
  for (const spec of [...(c.only ?? STANDARD_TREE), ...(c.extra ?? [])]) writeEntry(dir, spec);
}

export function writeEntry(dir: string, spec: string): void {
  const link = /^(.*) -> (.*)$/.exec(spec);
  const target = path.join(dir, link ? link[1] : spec.replace(/[/|=*]$/, ''));
  fs.mkdirSync(path.dirname(target), { recursive: true });
  if (link) fs.symlinkSync(link[2], target);
  else if (spec.endsWith('/')) fs.mkdirSync(target, { recursive: true });
  else if (spec.endsWith('|')) execMkfifo(target);
  else if (spec.endsWith('=')) bindSocket(target);
  else {
    fs.writeFileSync(target, `${spec}\n`);
    if (spec.endsWith('*')) fs.chmodSync(target, 0o755);
  }
}

function execMkfifo(target: string): void {
  // Node has no mkfifo; the coreutils one is everywhere the e2e tests run.
  const result = spawnSync('mkfifo', [target]);
  if (result.status !== 0) throw new Error(`mkfifo ${target}: ${result.stderr.toString()}`);
}

function bindSocket(target: string): void {
  // A socket file stays when its process exits; python binds one without a server.
  const result = spawnSync('python3', ['-c', 'import socket,sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', target]);
  if (result.status !== 0) throw new Error(`socket ${target}: ${result.stderr.toString()}`);
}

export const CASES: ContextCase[] = [
  { name: 'no .dockerignore' },
  { name: 'empty .dockerignore', dockerignore: '' },
  { name: 'comments and blank lines', dockerignore: '# comment\n\n   \n#*.go\n\t\n' },
  { name: 'a # after spaces is a pattern', dockerignore: '  # comment\n' },
  { name: '*.md is top level only', dockerignore: '*.md\n' },
  { name: '**/*.md at any depth', dockerignore: '**/*.md\n' },
  { name: '*.go is top level only', dockerignore: '*.go\n' },
  { name: '**/*.go at any depth', dockerignore: '**/*.go\n' },
  { name: 'a folder and all below it', dockerignore: 'docs\n' },
  { name: 'trailing slash', dockerignore: 'docs/\n' },
  { name: 'leading slash', dockerignore: '/docs\n' },
  { name: './ prefix', dockerignore: './docs\n' },
  { name: 'path cleaning with ..', dockerignore: 'docs/../src\n' },
  { name: 'exception re-includes a folder', dockerignore: 'docs\n!docs/keep\n' },
  { name: 'nested exception re-includes a file', dockerignore: 'docs\n!docs/keep/me.txt\n' },
  { name: 'x/** with an exception x/keep/**', dockerignore: 'docs/**\n!docs/keep/**\n' },
  { name: '**/README.md', dockerignore: '**/README.md\n' },
  { name: 'everything but one folder', dockerignore: '*\n!src\n' },
  { name: 'everything but a folder, less its subfolder', dockerignore: '*\n!src\nsrc/deep\n' },
  { name: 'exception with a glob walks every folder', dockerignore: '*\n!**/*.go\n' },
  { name: 'x/** keeps the folder itself', dockerignore: 'vendor/**\n' },
  { name: '**/x at any depth', dockerignore: '**/mod\n' },
  { name: '** alone', dockerignore: '**\n' },
  { name: '* then !Dockerfile', dockerignore: '*\n!Dockerfile\n' },
  { name: 'dotfiles', dockerignore: '.*\n' },
  { name: '.git', dockerignore: '.git\n' },
  { name: 'the Dockerfile and .dockerignore ignored', dockerignore: 'Dockerfile\n.dockerignore\n' },
  { name: '? and *', dockerignore: '?oo*\n' },
  { name: 'bracket range', dockerignore: '[a-c]*\n' },
  { name: '[!a] is ! or a', dockerignore: '[!a]*\n' },
  { name: '[^a] negates', dockerignore: '[^a-z]*\n' },
  { name: 'escaped brackets', dockerignore: '\\[z\\].txt\n' },
  { name: '+ ( ) { } are literal', dockerignore: 'a+b.txt\n(x).txt\n{y}.txt\n' },
  { name: '**bar is a suffix', dockerignore: '**bar\n' },
  { name: 'a star in the middle', dockerignore: 'src/*/er\n' },
  { name: 'x/**/y', dockerignore: 'src/**/c.go\n' },
  { name: 'order: an exception before the rule does nothing', dockerignore: '!src\n*\n' },
  { name: 'a folder re-included whole', dockerignore: 'docs\n!docs\n' },
  { name: 'a folder less one file', dockerignore: 'cmd/api\n!cmd/api/main.go\n' },
  { name: 'an exception that brings nothing back', dockerignore: 'docs\n!docs/nothing-here\n' },
  { name: 'an exception under an excluded folder with a glob', dockerignore: 'docs\n!docs/*/me.txt\n' },
  { name: 'unicode and spaces', dockerignore: 'space dir\nΔ/ünï.txt\n' },
  { name: 'an empty folder ignored', dockerignore: 'empty\n' },
  { name: 'dots are literal', dockerignore: 'dir.with.dots\nfoo.ba?\n' },
  { name: 'whitespace around patterns', dockerignore: 'docs   \n\t*.md\t\n  !  README.md  \n' },
  { name: 'CRLF line ends', dockerignore: 'docs\r\n*.md\r\n' },
  { name: 'a byte order mark', dockerignore: '\uFEFFdocs\n' },
  { name: 'symlinks are sent, not followed', dockerignore: 'src\n' },
  { name: 'an ignored symlink', dockerignore: 'link-to-src\n' },
  { name: 'a pattern through a symlink matches nothing', dockerignore: 'link-to-src/a.go\n' },
  { name: '<Dockerfile>.dockerignore wins', file: 'sub/Dockerfile', dockerignore: 'src\n', ownIgnore: 'docs\n' },
  { name: 'the context .dockerignore for --file sub/Dockerfile', file: 'sub/Dockerfile', dockerignore: 'src\n' },
  { name: 'a whitespace-only <Dockerfile>.dockerignore still wins', dockerignore: 'src\n', ownIgnore: '\n' },
  { name: 'an empty <Dockerfile>.dockerignore in the built-in frontend', dockerignore: 'src\n', ownIgnore: '' },
  { name: 'a FIFO and a socket', only: ['a.txt', 'pipe|', 'sock='] },
  { name: 'modes', only: ['x*', 'plain', 'd/', 'd/f*'] },
  { name: 'a | in a plain pattern is a literal', dockerignore: 'foo|bar\n' },
  { name: 'a | splits a glob pattern in two (patternmatcher does not escape it)', dockerignore: '*.md|bar\n' },
  { name: '{n} is a repetition', dockerignore: 'fo{2}*\n' },
  { name: '**/.git and .git/**', dockerignore: '**/.git\n.github/**\n' },
  { name: '*/README.md one level down', dockerignore: '*/README.md\n' },
  { name: '** with a glob exception', dockerignore: '**\n!**/*.md\n' },
  { name: 'a pattern above the context matches nothing', dockerignore: '../docs\n/../src\n' },
  { name: 'a POSIX class is refused by the module', dockerignore: '[[:alpha:]]*\n', refused: true },
  { name: 'a lone ! fails the build', dockerignore: '!\n', fails: true },
  { name: 'an unclosed [ fails the build', dockerignore: '[\n', fails: true }
];
