// What `go build` on the runner reads in prebuild mode, for the inputs hash: its binaries are what the
// Dockerfile copies, so a copy of latest is right only when go build would make the same ones. That
// is the Go toolchain and environment as each prebuild step sees them, its packages and flags, the
// main module's tree as go build reads it (no .dockerignore filters it), and what go build stamps of
// git. Whatever of these cannot be read, or lies outside the context, is a note: the hash is then not
// exact, and the action builds.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Config } from './config.js';
import { readModuleTree, type ContextRead } from './context-hash.js';
import { probeGo } from './facts.js';
import { headCommit, tagsIn, workTreeClean } from './git.js';
import { prebuildCommands } from './plan/go.js';
import { lastLine, runProcess, type TimeLimit } from './run/process.js';
import { readTextIfExists, realPathOf, toPosix } from './files.js';

export interface GoBuildRead {
  /** Each go build of prebuild mode: its argv (the output relative to the context), what it sets of Go's environment, and go env's answer under it. */
  builds: Array<{ argv: string[]; env: Record<string, string>; goEnv: Record<string, string> }>;
  /** What go build stamps of git (-buildvcs): the commit, whether the work tree is clean, the tags it may take a version from. */
  vcs?: { revision: string; clean: boolean; tags: string[] };
  /** The main module's tree (the context) as go build reads it. */
  module: ContextRead;
  /** Why the hash cannot be exact about the go build. */
  notes: string[];
  /** What the run should say although the hash is exact (each commit builds). */
  remarks: string[];
}

/** What go env says of the toolchain and of each setting that changes the binaries. */
export const GO_ENV_NAMES = [
  'GOVERSION',
  'GOOS',
  'GOARCH',
  'GOAMD64',
  'GOARM',
  'GOARM64',
  'GO386',
  'GOPPC64',
  'GOMIPS',
  'GOMIPS64',
  'GORISCV64',
  'GOWASM',
  'GOFLAGS',
  'GOEXPERIMENT',
  'GOFIPS140',
  'CGO_ENABLED',
  'GOWORK'
];

const VCS_FIX = 'GOFLAGS=-buildvcs=false lets an unchanged commit be copied';

/** Everything go build reads in prebuild mode; each process within `limit`, all at once. Never rejects. */
export async function readGoBuild(config: Config, limit: TimeLimit): Promise<GoBuildRead> {
  const notes: string[] = [];
  const context = config.context;
  const output = toPosix(path.relative(context, config.goCache.prebuild?.output ?? context));
  const [builds, module, git] = await Promise.all([
    goEnvOfBuilds(config, limit, notes),
    readModuleTree(context, [output, '.git']),
    gitState(context, limit)
  ]);
  notes.push(...module.notes);
  notes.push(...outsideTheContext(context, builds[0]?.goEnv.GOWORK, module));
  const stamps = builds.length > 0 && builds.some(b => !buildvcsOff(b.goEnv.GOFLAGS)) && git !== undefined;
  const remarks: string[] = [];
  let vcs: GoBuildRead['vcs'];
  if (stamps) {
    if ('problem' in git) notes.push(`${git.problem}: go build stamps the commit into the binaries, and the hash cannot read it (${VCS_FIX})`);
    else {
      vcs = git;
      remarks.push(`go build stamps the commit into the binaries (vcs.revision): each commit builds; ${VCS_FIX}`);
    }
  }
  return { builds, vcs, module, notes, remarks };
}

/** go env under each prebuild step's environment, in the context as the step runs. */
async function goEnvOfBuilds(config: Config, limit: TimeLimit, notes: string[]): Promise<GoBuildRead['builds']> {
  // Without platforms the step builds for the runner's GOARCH, as the probe finds it.
  const arch = config.platforms.length ? '' : (await probeGo(limit))?.GOARCH;
  if (arch === undefined) {
    notes.push('go env did not answer (no go on PATH, or it failed or took too long): the hash cannot know the Go toolchain');
    return [];
  }
  const context = config.context;
  const answers = await Promise.all(
    prebuildCommands(config, arch).map(async command => {
      const result = await runProcess({ argv: ['go', 'env', '-json', ...GO_ENV_NAMES], env: command.env, cwd: context, limit, captureStdout: true });
      const goEnv = result.exitCode === 0 ? parseGoEnv(result.stdout) : undefined;
      if (!goEnv) {
        notes.push(`go env for ${command.title}: ${result.exitCode === 0 ? 'no JSON answer' : (result.timedOut ?? lastLine(result.tail))}`);
        return undefined;
      }
      const argv = command.argv.map(arg => (arg === `${command.output}${path.sep}` ? `${toPosix(path.relative(context, command.output))}/` : arg));
      return { argv, env: command.env, goEnv };
    })
  );
  return answers.filter(a => a !== undefined);
}

function parseGoEnv(stdout: string): Record<string, string> | undefined {
  try {
    const parsed = JSON.parse(stdout) as Record<string, unknown>;
    return Object.fromEntries(GO_ENV_NAMES.map(name => [name, typeof parsed[name] === 'string' ? parsed[name] : '']));
  } catch {
    return undefined;
  }
}

/** Whether GOFLAGS turns VCS stamping off (-buildvcs=false, the last one given wins; Go's bool spellings). */
export function buildvcsOff(goflags = ''): boolean {
  let off = false;
  for (const flag of goflags.split(/\s+/)) {
    const match = /^--?buildvcs(?:=(.*))?$/.exec(flag);
    if (match) off = ['0', 'f', 'F', 'false', 'FALSE', 'False'].includes(match.at(1) ?? 'true');
  }
  return off;
}

/**
 * What go build stamps of git: nothing when no folder from the context up holds a .git (go build
 * looks for one the same way); else HEAD, whether `git status --porcelain` is empty, and the tags
 * HEAD contains (Go takes the binary's module version from them).
 */
async function gitState(context: string, limit: TimeLimit): Promise<GoBuildRead['vcs'] | { problem: string } | undefined> {
  if (!insideGitWorkTree(context)) return undefined;
  const [revision, clean, tags] = await Promise.all([headCommit(context, limit), workTreeClean(context, limit), tagsIn(context, 'HEAD', limit)]);
  if (revision === undefined || clean === undefined || tags === undefined) {
    return { problem: `git in ${context} did not say its commit, status and tags (it failed or took too long)` };
  }
  return { revision, clean, tags };
}

function insideGitWorkTree(dir: string): boolean {
  for (let at = path.resolve(dir); ; at = path.dirname(at)) {
    if (fs.existsSync(path.join(at, '.git'))) return true;
    if (path.dirname(at) === at) return false;
  }
}

/**
 * What go build would read from outside the context, which the hash does not: a module the context
 * has no go.mod for, a local `replace` (or go.work `use`) outside it, a go.work outside it, a link
 * that leads out of it.
 */
function outsideTheContext(context: string, gowork: string | undefined, module: ContextRead): string[] {
  const notes: string[] = [];
  const root = realPathOf(context);
  const inside = (target: string) => target === root || target.startsWith(`${root}${path.sep}`);
  const checkLocalPaths = (file: string) => {
    const text = readTextIfExists(file);
    if (text === undefined) return;
    for (const local of localPaths(text)) {
      const target = realPathOf(path.resolve(path.dirname(file), local));
      if (!inside(target))
        notes.push(
          `${path.basename(file)} points to ${local}, outside the context: the hash does not read it (a context that holds it makes the hash exact)`
        );
    }
  };
  const workspace = gowork && gowork !== 'off' ? gowork : undefined;
  if (workspace) {
    if (!inside(realPathOf(workspace)))
      notes.push(`go.work ${workspace} lies outside the context: the hash does not read it (GOWORK=off, or a go.work inside the context)`);
    else checkLocalPaths(workspace);
  }
  const goMod = path.join(context, 'go.mod');
  if (fs.existsSync(goMod)) checkLocalPaths(goMod);
  else if (!workspace) notes.push('the context has no go.mod: go build takes its module from outside the context, which the hash does not read');
  for (const entry of module.listing.entries) {
    if (entry.kind !== 'symlink') continue;
    const target = realPathOf(path.resolve(context, path.dirname(entry.path), entry.target ?? ''));
    if (!inside(target)) notes.push(`${entry.path} is a link to ${entry.target ?? '?'}, outside the context: go build may read through it`);
  }
  return notes;
}

/** The local directories of a go.mod's or go.work's `replace … => DIR` and `use DIR` lines. */
export function localPaths(text: string): string[] {
  const found: string[] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const words = tokens(raw);
    if (words.length === 0) continue;
    if (block !== undefined && words[0] === ')') {
      block = undefined;
      continue;
    }
    let verb = block;
    let rest = words;
    if (block === undefined) {
      verb = words[0];
      rest = words.slice(1);
      if (rest[0] === '(') {
        block = verb;
        continue;
      }
    }
    const target = verb === 'use' ? rest[0] : verb === 'replace' && rest.includes('=>') ? rest[rest.indexOf('=>') + 1] : undefined;
    if (target !== undefined && isDirectoryPath(target)) found.push(target);
  }
  return found;
}

/** The words of a go.mod line: quoted strings whole, `//` comments left out. */
function tokens(line: string): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/"(?:[^"\\]|\\.)*"|`[^`]*`|\/\/.*|=>|[()]|[^\s"`()]+/g)) {
    const word = match[0];
    if (word.startsWith('//')) break;
    words.push(word.startsWith('"') ? (JSON.parse(word) as string) : word.startsWith('`') ? word.slice(1, -1) : word);
  }
  return words;
}

/** A replacement that is a directory rather than a module path (modfile's rule). */
function isDirectoryPath(target: string): boolean {
  return target === '.' || target === '..' || /^(\.\.?[/\\]|\/)/.test(target) || path.isAbsolute(target);
}
