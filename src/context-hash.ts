// The inputs hash labelled on each image: one digest over all that BuildKit sees when it builds it.
// When the registry's latest carries the same hash, the action may give the new commit latest's image
// instead of building it, so the hash must change whenever BuildKit's result could:
// - the context entries BuildKit receives (context-files.ts), each with what BuildKit's COPY cache key
//   (cache/contenthash) holds of it: path, type, permission and setuid/setgid/sticky bits, a regular
//   file's bytes, a symlink's target, a device's number, its extended attributes (user.*, trusted.*,
//   security.capability). Not mtime, nor uid/gid: the key leaves out mtime, and buildx and the
//   classic CLI send every file as 0:0. Nor the context folder's own mode: BuildKit fakes the root;
// - the Dockerfile (bytes and path), the ignore rules, build args, target, builder target, platforms
//   (without them, the platform built for: build-platform.ts), user labels, network mode;
// - the digest each external image resolves to now (FROM, COPY --from, RUN --mount from=, syntax);
// - what of the environment reaches buildx and changes its result (SOURCE_DATE_EPOCH, BUILDX_*), and
//   the action's version;
// - in prebuild mode, what go build on the runner reads (go-build-inputs.ts).
// What it cannot be exact about (an ADD of an unpinned URL or git ref, an image that does not
// resolve, a remote builder without platforms, …) is a note: the hash is then salted at random, never
// equal to another, and the action builds.
// Secrets are not hashed, as BuildKit's own cache does not key on them: a label must not carry them,
// even hashed (a guessable value would be confirmed by it). So a changed secret does not change the
// hash: a build whose output depends on a secret's value is copied from latest all the same, unless
// copy-unchanged is false.
import { createHash, randomBytes } from 'node:crypto';
import * as fsSync from 'node:fs';
import { constants } from 'node:fs';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { fetchedSources, unpinnedNote } from './add-sources.js';
import { baseImageRefs } from './base-images.js';
import { limiter, listContext, pauser, type ContextEntry, type ContextListing } from './context-files.js';
import { readDockerfile, type DockerfileFacts } from './dockerfile.js';
import type { IgnoreRules } from './dockerignore.js';
import type { GoBuildRead } from './go-build-inputs.js';
import { toPosix } from './files.js';
import { childEnvironment, runProcess } from './run/process.js';
import packageJson from '../package.json' with { type: 'json' };

export type { ContextEntry } from './context-files.js';
export type { IgnoreRules } from './dockerignore.js';
export { baseImageRefs } from './base-images.js';
export { listContext } from './context-files.js';

/** Bump when what the hash covers changes, so an old image never matches a new meaning. */
const SCHEME = 'cached-image-build/inputs/v3';
/** Files up to this size are read in one synchronous call; larger ones in chunks of READ_CHUNK. */
const SMALL_FILE = 256 * 1024;
const READ_CHUNK = 1024 * 1024;

export interface BuildInputs {
  /** Absolute path of the build context. */
  context: string;
  /** Absolute path of the Dockerfile. */
  dockerfile: string;
  /** `KEY=VALUE`, as given to --build-arg. */
  buildArgs: string[];
  /** --target of the image build; empty or undefined: the last stage. */
  target?: string;
  /** The stage the action builds and pushes as the builder tag. */
  builderTarget?: string;
  /** --platform, in order; empty: targetPlatform. */
  platforms?: string[];
  /** What a build without `platforms` builds for (build-platform.ts); unknown, such a build's hash is not exact. */
  targetPlatform?: string;
  /** Why targetPlatform is not known, for the note. */
  platformProblem?: string;
  /** The builder's own platform, when known: BUILDPLATFORM in FROM lines. */
  buildPlatform?: string;
  /** The user's --label values (not the action's per-commit OCI labels). */
  labels?: string[];
  /** --network: part of every RUN's cache key. */
  network?: string;
  /** The digest each ref of baseImageRefs resolves to now; a missing one makes the hash inexact. */
  baseDigests: Record<string, string>;
  /** Context-relative paths left out (prebuild output): goBuild covers what makes them. */
  exclude?: string[];
  /** Whose filter sends the context: see IgnoreRules. */
  rules?: IgnoreRules;
  /** Prebuild mode: go build on the runner makes what the Dockerfile copies, so goBuild must be read. */
  prebuild?: boolean;
  /** What go build on the runner reads (go-build-inputs.ts); without it a prebuild hash is not exact. */
  goBuild?: GoBuildRead;
  /** The action's environment: what of it reaches buildx and changes the build is hashed (environmentLines). */
  env?: Record<string, string | undefined>;
}

export interface HashOptions {
  /** Entries looked at before giving up (default 100000). */
  maxEntries?: number;
  /** Large files read at once (default 4; small ones are read one after another, synchronously). */
  concurrency?: number;
  /** Read extended attributes (default true; needs python3). Without them the hash is not exact. */
  xattrs?: boolean;
}

export interface InputsHash {
  /** sha256, hex. When not exact it is salted at random, so that it never equals any other hash. */
  hash: string;
  /** The hash covers all BuildKit sees: only then may equal hashes stand for equal builds. */
  exact: boolean;
  /** Why it is not exact; empty when it is. */
  notes: string[];
  /** Context entries hashed. */
  entries: number;
  /** Bytes of file content read. */
  bytes: number;
}

/** What the hash takes from the context: the entries BuildKit receives, their contents and extended attributes. */
export interface ContextRead {
  listing: ContextListing;
  contents: { digests: Map<string, string>; bytes: number };
  xattrs: Map<string, string[]>;
  /** What kept the read from being whole (an unreadable file, the entry bound, no xattrs). */
  notes: string[];
}

/**
 * The context as the hash sees it. It needs neither the build arguments nor the images' digests, so a
 * caller may start it while those are looked up and hand it to hashBuildInputs.
 */
export async function readContext(
  inputs: Pick<BuildInputs, 'context' | 'dockerfile' | 'exclude' | 'rules'>,
  options: HashOptions = {}
): Promise<ContextRead> {
  const notes: string[] = [];
  const listing = await listContext(inputs.context, inputs.dockerfile, {
    maxEntries: options.maxEntries,
    exclude: inputs.exclude,
    rules: inputs.rules
  });
  notes.push(...listing.problems);
  // Contents in Node, xattrs in one python3: at once.
  const [contents, xattrs] = await Promise.all([
    hashContents(inputs.context, listing.entries, options.concurrency ?? 4, notes),
    options.xattrs === false ? new Map<string, string[]>() : readXattrs(inputs.context, listing.entries, notes)
  ]);
  if (options.xattrs === false) notes.push('extended attributes not read (xattrs: false)');
  return { listing, contents, xattrs, notes };
}

/**
 * The hash of a build's inputs. Reads the Dockerfile and walks the context (or takes the read a caller
 * started, `context`, of the same inputs); no other I/O but python3 for xattrs.
 */
export async function hashBuildInputs(inputs: BuildInputs, options: HashOptions = {}, context?: Promise<ContextRead>): Promise<InputsHash> {
  const reading = context ?? readContext(inputs, options);
  // Awaited below, after the Dockerfile: a failure meanwhile is not an unhandled rejection.
  reading.catch(() => undefined);
  const notes: string[] = [];
  const hash = createHash('sha256');
  const record = (...fields: Array<string | number>) => hash.update(`${JSON.stringify(fields)}\n`);

  const dockerfileBytes = await fs.readFile(inputs.dockerfile);
  const facts = readDockerfile(dockerfileBytes.toString('utf8'));
  record('scheme', SCHEME);
  // Another version of the action may build otherwise (its flags, its plans).
  record('action', packageJson.version);
  record('environment', ...environmentLines(inputs.env ?? {}, notes));
  record('dockerfile', toPosix(path.relative(inputs.context, inputs.dockerfile)), sha256(dockerfileBytes));
  record('args', ...buildArgLines(inputs.buildArgs, notes));
  record('target', inputs.target ?? '');
  record('builder-target', inputs.builderTarget ?? '');
  record('platforms', ...(inputs.platforms ?? []));
  if (!inputs.platforms?.length) {
    if (!inputs.targetPlatform) {
      notes.push(
        `the platform built for is not known (${inputs.platformProblem ?? 'not looked up'}): set platforms (e.g. linux/amd64) so an unchanged commit can be copied`
      );
    }
    record('target-platform', inputs.targetPlatform ?? '');
  }
  record('labels', ...(inputs.labels ?? []));
  record('network', inputs.network ?? '');
  for (const ref of imageRefsOf(inputs, facts)) {
    const digest = inputs.baseDigests[ref] as string | undefined;
    if (!digest) notes.push(`no digest for ${ref}`);
    record('image', ref, digest ?? '');
  }
  // A pinned fetch is in the Dockerfile's bytes (its checksum or commit); any other may change unseen.
  for (const fetched of fetchedSources(facts)) if (!fetched.pinned) notes.push(unpinnedNote(fetched));

  const read = await reading;
  notes.push(...read.notes);
  record('ignore', read.listing.ignoreFile ?? '', ...read.listing.patterns);
  recordEntries(record, 'entry', read);
  if (inputs.prebuild) recordGoBuild(record, inputs.goBuild, notes);

  const exact = notes.length === 0;
  if (!exact) hash.update(randomBytes(32));
  const module = inputs.goBuild?.module;
  return {
    hash: hash.digest('hex'),
    exact,
    notes,
    entries: read.listing.entries.length + (module?.listing.entries.length ?? 0),
    bytes: read.contents.bytes + (module?.contents.bytes ?? 0)
  };
}

type Recorder = (...fields: Array<string | number>) => void;

/** Each entry of a tree read, with what BuildKit's COPY key holds of it. */
function recordEntries(record: Recorder, tag: string, { listing, contents, xattrs }: ContextRead): void {
  for (const entry of listing.entries) {
    // fsutil clears a socket's type bit: BuildKit sees an empty regular file.
    const kind = entry.kind === 'socket' ? 'file' : entry.kind;
    const detail =
      entry.kind === 'file'
        ? (contents.digests.get(entry.path) ?? '')
        : entry.kind === 'socket'
          ? EMPTY_SHA256
          : entry.kind === 'symlink'
            ? (entry.target ?? '')
            : entry.rdev !== undefined
              ? String(entry.rdev)
              : '';
    record(tag, entry.path, kind, entry.mode.toString(8), entry.size, detail, ...(xattrs.get(entry.path) ?? []));
  }
}

/** Prebuild mode: each go build with its environment and go env's answer, what it stamps of git, and the main module's tree. */
function recordGoBuild(record: Recorder, read: GoBuildRead | undefined, notes: string[]): void {
  if (!read) {
    notes.push('prebuild mode: what go build on the runner reads was not looked at');
    return;
  }
  notes.push(...read.notes);
  for (const build of read.builds) {
    record('go-build', ...build.argv);
    record('go-build-env', ...Object.entries(build.env).map(([k, v]) => `${k}=${v}`));
    record('go-env', ...Object.entries(build.goEnv).map(([k, v]) => `${k}=${v}`));
  }
  record('go-vcs', ...(read.vcs ? [read.vcs.revision, read.vcs.clean ? 'clean' : 'modified', ...read.vcs.tags] : []));
  recordEntries(record, 'module-entry', read.module);
}

/**
 * The main module's tree as go build reads it: every entry but `exclude` (the prebuild output, .git),
 * with no ignore file (a .dockerignore does not filter what go build reads) and no extended
 * attributes (go reads none).
 */
export async function readModuleTree(context: string, exclude: string[], options: HashOptions = {}): Promise<ContextRead> {
  const notes: string[] = [];
  const listing = await listContext(context, '', { maxEntries: options.maxEntries, exclude, ignoreFile: false });
  notes.push(...listing.problems);
  const contents = await hashContents(context, listing.entries, options.concurrency ?? 4, notes);
  return { listing, contents, xattrs: new Map(), notes };
}

/** The images a build of these inputs pulls (baseImageRefs for the platforms it builds for). */
export function imageRefsOf(
  inputs: Pick<BuildInputs, 'buildArgs' | 'platforms' | 'targetPlatform' | 'buildPlatform'>,
  facts: DockerfileFacts
): string[] {
  const platforms = inputs.platforms?.length ? inputs.platforms : inputs.targetPlatform ? [inputs.targetPlatform] : [];
  return baseImageRefs(facts, inputs.buildArgs, { platforms, buildPlatform: inputs.buildPlatform });
}

const EMPTY_SHA256 = sha256(Buffer.alloc(0));

/** Variables that choose where buildx builds, not what: build-platform.ts judges where (a per-run builder name would make every hash new). */
const WHERE_IT_BUILDS = new Set(['BUILDX_BUILDER', 'BUILDX_CONFIG']);

/**
 * What of the environment reaches the build's processes (the scrubbed one they get) and changes what
 * buildx builds: SOURCE_DATE_EPOCH (buildx passes it as a build arg) and buildx's BUILDX_* settings,
 * sorted. A source policy file rewrites what the build pulls: the hash does not read it.
 */
function environmentLines(env: Record<string, string | undefined>, notes: string[]): string[] {
  const child = childEnvironment(env);
  if (child.EXPERIMENTAL_BUILDKIT_SOURCE_POLICY) {
    notes.push(
      'EXPERIMENTAL_BUILDKIT_SOURCE_POLICY is set: the hash does not follow the policy it names; unset it so an unchanged commit can be copied'
    );
  }
  return Object.keys(child)
    .filter(name => name === 'SOURCE_DATE_EPOCH' || (name.startsWith('BUILDX_') && !WHERE_IT_BUILDS.has(name)))
    .sort()
    .map(name => `${name}=${child[name]}`);
}

/** Build args sorted, each name once with its last value (docker's rule); a bare name is the caller's environment. */
function buildArgLines(args: string[], notes: string[]): string[] {
  const byName = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    if (eq < 0) notes.push(`build arg ${arg} takes its value from the environment: give it as ${arg}=VALUE`);
    byName.set(eq < 0 ? arg : arg.slice(0, eq), arg);
  }
  return [...byName.values()].sort();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

/**
 * Each regular file's sha256, read in chunks (files may be GBs). A file is opened without following
 * links and without blocking, and must still be a regular file of the size the walk saw: a FIFO
 * swapped in after the walk would otherwise hang the read. Small files are read with synchronous
 * calls (20,000 files: 0.3 s, against 3-4 s through libuv's four threads), the event loop given a
 * turn every few milliseconds; large ones with asynchronous reads, `concurrency` at once, meanwhile.
 */
async function hashContents(
  root: string,
  entries: ContextEntry[],
  concurrency: number,
  notes: string[]
): Promise<{ digests: Map<string, string>; bytes: number }> {
  const digests = new Map<string, string>();
  const files = entries.filter(e => e.kind === 'file');
  let bytes = 0;
  const done = (entry: ContextEntry, digest: string | Error) => {
    if (digest instanceof Error) notes.push(`cannot read ${entry.path}: ${(digest as NodeJS.ErrnoException).code ?? digest.message}`);
    else {
      digests.set(entry.path, digest);
      bytes += entry.size;
    }
  };
  const limit = limiter(concurrency);
  const large = Promise.all(
    files
      .filter(e => e.size > SMALL_FILE)
      .map(entry =>
        limit(() =>
          hashLargeFile(path.join(root, entry.path), entry.size).then(d => {
            done(entry, d);
          })
        )
      )
  );
  const pause = pauser();
  const buffer = Buffer.allocUnsafe(SMALL_FILE);
  for (const entry of files) {
    if (entry.size > SMALL_FILE) continue;
    await pause();
    done(entry, entry.size === 0 ? EMPTY_SHA256 : hashSmallFile(path.join(root, entry.path), entry.size, buffer));
  }
  await large;
  return { digests, bytes };
}

const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;
const CHANGED = 'changed while the context was read';

function hashSmallFile(file: string, size: number, buffer: Buffer): string | Error {
  let fd: number | undefined;
  try {
    fd = fsSync.openSync(file, OPEN_FLAGS);
    const stat = fsSync.fstatSync(fd);
    if (!stat.isFile() || stat.size !== size) return new Error(CHANGED);
    const hash = createHash('sha256');
    let read = 0;
    for (let n; (n = fsSync.readSync(fd, buffer, 0, buffer.length, null)) > 0; read += n) hash.update(buffer.subarray(0, n));
    return read === size ? hash.digest('hex') : new Error(CHANGED);
  } catch (error) {
    return error as Error;
  } finally {
    if (fd !== undefined) fsSync.closeSync(fd);
  }
}

async function hashLargeFile(file: string, size: number): Promise<string | Error> {
  let handle: fs.FileHandle | undefined;
  try {
    handle = await fs.open(file, OPEN_FLAGS);
    const stat = await handle.stat();
    if (!stat.isFile() || stat.size !== size) return new Error(CHANGED);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    let read = 0;
    for (let n; (n = (await handle.read(buffer, 0, buffer.length, null)).bytesRead) > 0; read += n) hash.update(buffer.subarray(0, n));
    return read === size ? hash.digest('hex') : new Error(CHANGED);
  } catch (error) {
    return error as Error;
  } finally {
    await handle?.close();
  }
}

/** The system's python3 when there is one (a version manager's shim on PATH may take 0.4 s to start), isolated and without site: it starts in half the time. */
const PYTHON = fsSync.existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';

/** Node has no xattr calls; one python3 lists them all (llistxattr, as fsutil does). */
const XATTR_SCRIPT = `
import base64, errno, json, os, sys
out = {}
for i, p in enumerate(sys.stdin.buffer.read().split(b'\\0')[:-1]):
    try:
        names = os.listxattr(p, follow_symlinks=False)
    except OSError as e:
        if e.errno in (errno.ENOTSUP, errno.EOPNOTSUPP):
            continue
        print(json.dumps({"error": "%s: %s" % (p.decode(errors="replace"), e)}))
        sys.exit(0)
    pairs = []
    for n in sorted(names):
        try:
            pairs.append([n, base64.b64encode(os.getxattr(p, n, follow_symlinks=False)).decode()])
        except OSError:
            pass
    if pairs:
        out[str(i)] = pairs
print(json.dumps({"xattrs": out}))
`;

/**
 * The extended attributes BuildKit keys on, per path, as `name=base64` strings: fsutil sends all but
 * com.apple.*, and the tarsum headers keep security.capability and all outside security.* and system.*
 * (cache/contenthash/tarsum.go, v1TarHeaderSelect). Measured on the engine: a user.* or trusted.*
 * attribute changes COPY's cache key.
 */
async function readXattrs(root: string, entries: ContextEntry[], notes: string[]): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>();
  if (entries.length === 0) return found;
  const input = Buffer.concat(entries.map(e => Buffer.from(`${path.join(root, e.path)}\0`)));
  const result = await run(PYTHON, ['-I', '-S', '-c', XATTR_SCRIPT], input).catch((error: unknown) => ({ error: (error as Error).message }));
  if ('error' in result) {
    notes.push(`extended attributes not read: ${result.error}`);
    return found;
  }
  let parsed: { xattrs?: Record<string, Array<[string, string]>>; error?: string };
  try {
    parsed = JSON.parse(result.stdout) as typeof parsed;
  } catch {
    notes.push(`extended attributes not read: ${result.stderr.trim().split('\n').pop() ?? 'no answer'}`);
    return found;
  }
  if (parsed.error || !parsed.xattrs) {
    notes.push(`extended attributes not read: ${parsed.error ?? 'no answer'}`);
    return found;
  }
  for (const [index, pairs] of Object.entries(parsed.xattrs)) {
    const kept = pairs.filter(([name]) => keyedXattr(name)).map(([name, value]) => `${name}=${value}`);
    if (kept.length > 0) found.set(entries[Number(index)].path, kept);
  }
  return found;
}

function keyedXattr(name: string): boolean {
  if (name.startsWith('com.apple.')) return false;
  return name === 'security.capability' || (!name.startsWith('security.') && !name.startsWith('system.'));
}

/** Through the process seam, bounded: a python3 that hangs makes the hash inexact, not the job stuck. */
async function run(command: string, args: string[], input: Buffer): Promise<{ stdout: string; stderr: string }> {
  const result = await runProcess({ argv: [command, ...args], stdin: input.toString('utf8'), captureStdout: true, limit: { totalMs: 30_000 } });
  if (result.exitCode !== 0) throw new Error(`${command} ${result.timedOut ?? `exited ${result.exitCode}`}: ${result.tail.at(-1) ?? ''}`);
  return { stdout: result.stdout, stderr: result.tail.join('\n') };
}
