// The context hash's file list against the real BuildKit: each case of context-cases.ts is built
// (`FROM scratch` + `COPY . /ctx/`, local exporter) by every client on the machine — the classic
// docker CLI 20.10 and buildx filter the context with different code — and what COPY wrote must be
// what listContext says is sent: same paths, types, modes, sizes and link targets. Then the cache key
// facts the hash leans on: what changes COPY's key on the engine must change the hash, and the other way.
// Needs only the engine (no registry): the stack's, brought up first; skipped with a message when `docker version` fails there.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { hashBuildInputs } from '../../src/context-hash.js';
import { listContext, limiter, type ContextEntry } from '../../src/context-files.js';
import type { IgnoreRules } from '../../src/dockerignore.js';
import { CASES, writeCase, writeEntry, type ContextCase } from '../support/context-cases.js';
import { ENGINE } from './support/stack.js';

interface Client {
  name: string;
  argv: string[];
  env: Record<string, string>;
  rules: IgnoreRules;
}

/** The BuildKit clients here: a classic docker CLI (< 23, DOCKER_BUILDKIT=1) and buildx, when present. */
function findClients(): Client[] {
  const clients: Client[] = [];
  for (const binary of [...new Set(['docker', '/usr/bin/docker', '/usr/local/bin/docker'])]) {
    const version = spawnSync(binary, ['version', '--format', '{{.Client.Version}}|{{.Server.Version}}'], { encoding: 'utf8' });
    if (version.status !== 0) continue;
    const [client, server] = version.stdout.split('|').map(v => Number(v.split('.')[0]));
    // The classic client as Debian ships it, with its own engine: a 20.10 client against a Docker 28
    // engine sends names with spaces and non-ASCII letters its own .dockerignore excludes (seen here),
    // a combination no runner has.
    if (client < 23 && server < 23 && !clients.some(c => c.rules === 'docker-20.10')) {
      clients.push({ name: `docker ${version.stdout.split('|')[0]}`, argv: [binary, 'build'], env: { DOCKER_BUILDKIT: '1' }, rules: 'docker-20.10' });
    }
    if (!clients.some(c => c.rules === 'buildx') && spawnSync(binary, ['buildx', 'version']).status === 0) {
      // The engine's own builder: other tests create builders of their own.
      clients.push({ name: `${binary} buildx`, argv: [binary, 'buildx', 'build', '--builder', 'default'], env: {}, rules: 'buildx' });
    }
  }
  return clients;
}

// The stack's engine (DOCKER_HOST and its docker client), as every e2e file has it.
const engine = spawnSync('docker', ['version'], { encoding: 'utf8' });
const clients = engine.status === 0 ? findClients() : [];
if (clients.length === 0) {
  const why = `no BuildKit client works here (docker version: ${(engine.stderr || engine.stdout).trim().split('\n').pop()})`;
  // In CI the stack is there: a skip would hide that nothing was checked.
  if (process.env.CI) throw new Error(`context-hash e2e: ${why}`);
  console.log(`context-hash e2e skipped: ${why}`);
}

/** Builds at once: they mostly wait on the engine (2 cores, load ~10 from other work: 6 → 72 s, 10 → 42 s, 16 → 53 s). */
const PARALLEL = Number(process.env.CONTEXT_HASH_PARALLEL ?? 8);

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-context-hash-'));
afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

function run(argv: string[], env: Record<string, string>): Promise<{ code: number; output: string }> {
  return new Promise(resolve => {
    const child = spawn(argv[0], argv.slice(1), { env: { ...process.env, ...env } });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('close', code => {
      resolve({ code: code ?? -1, output });
    });
  });
}

/**
 * An entry as the output shows it: COPY writes a socket as an empty file; a FIFO the local exporter
 * drops on 20.10's BuildKit (0.8) and writes as a FIFO on Docker 28's. It is sent either way.
 */
function shown(e: ContextEntry): string | undefined {
  if (e.kind === 'fifo') return ENGINE === 'docker20' ? undefined : `${e.path} other ${e.mode.toString(8)} 0`;
  const kind = e.kind === 'socket' ? 'file' : e.kind;
  return `${e.path} ${kind} ${e.mode.toString(8)} ${e.size}${e.target !== undefined ? ` -> ${e.target}` : ''}`;
}

/** What COPY wrote: the tree under the output's /ctx, every entry (its copy of .dockerignore must not apply). */
function copied(dir: string, prefix = ''): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(path.join(dir, prefix))) {
    const relative = prefix ? `${prefix}/${name}` : name;
    const full = path.join(dir, relative);
    const stat = fs.lstatSync(full);
    const kind = stat.isDirectory() ? 'dir' : stat.isSymbolicLink() ? 'symlink' : stat.isFile() ? 'file' : 'other';
    const target = stat.isSymbolicLink() ? ` -> ${fs.readlinkSync(full)}` : '';
    found.push(`${relative} ${kind} ${(stat.mode & 0o7777).toString(8)} ${stat.isFile() ? stat.size : 0}${target}`);
    if (stat.isDirectory()) found.push(...copied(dir, relative));
  }
  return found;
}

interface Outcome {
  client: Client;
  c: ContextCase;
  ok: boolean;
  detail: string;
}

async function check(client: Client, c: ContextCase, index: number): Promise<Outcome> {
  const dir = path.join(work, `${client.rules}-${index}`);
  const ctx = path.join(dir, 'ctx');
  const out = path.join(dir, 'out');
  writeCase(ctx, c);
  const file = path.join(ctx, c.file ?? 'Dockerfile');
  const listing = await listContext(ctx, file, { rules: client.rules });
  if (c.refused) return { client, c, ok: listing.problems.length > 0, detail: 'the module did not refuse it' };
  const build = await run([...client.argv, '-q', '--output', `type=local,dest=${out}`, '-f', file, ctx], client.env);
  if (c.fails) {
    const ok = build.code !== 0 && listing.problems.length > 0;
    return { client, c, ok, detail: ok ? '' : `exit ${build.code}, problems ${JSON.stringify(listing.problems)}` };
  }
  if (build.code !== 0) return { client, c, ok: false, detail: `build failed: ${build.output.trim().split('\n').slice(-3).join(' | ')}` };
  const sent = listing.entries.map(shown).filter((s): s is string => s !== undefined);
  const got = copied(path.join(out, 'ctx'));
  const missing = sent.filter(s => !got.includes(s));
  const extra = got.filter(s => !sent.includes(s));
  fs.rmSync(dir, { recursive: true, force: true });
  const ok = missing.length === 0 && extra.length === 0;
  return { client, c, ok, detail: ok ? '' : `listed, not copied: ${JSON.stringify(missing)}; copied, not listed: ${JSON.stringify(extra)}` };
}

describe.skipIf(clients.length === 0)('the context hash against BuildKit', { timeout: 300_000 }, () => {
  it(`lists what COPY . receives, for ${CASES.length} cases and each client (${clients.map(c => c.name).join(', ')})`, async () => {
    const started = Date.now();
    // Builds in parallel: each is mostly waiting on the engine.
    const limit = limiter(PARALLEL);
    const outcomes = await Promise.all(clients.flatMap(client => CASES.map((c, i) => limit(() => check(client, c, i)))));
    const failed = outcomes.filter(o => !o.ok);
    console.log(
      `context-hash differential: ${outcomes.length - failed.length}/${outcomes.length} builds agree ` +
        `(${CASES.length} cases x ${clients.length} clients) in ${((Date.now() - started) / 1000).toFixed(1)} s`
    );
    for (const o of failed) console.log(`context-hash differential: ${o.client.name}: ${o.c.name}: ${o.detail}`);
    expect(failed.map(o => `${o.client.name}: ${o.c.name}: ${o.detail}`)).toEqual([]);
  });

  const classic = clients.find(c => c.rules === 'docker-20.10') ?? clients[0];
  it('changes the hash exactly when COPY . gets a new cache key', async () => {
    // Each variant is built from a fresh copy of the context at a new path: BuildKit's transfer of a
    // path it has seen before is incremental and misses metadata-only changes.
    const base = path.join(work, 'key-base');
    const nonce = `${Date.now()}-${Math.random()}`;
    writeCase(base, { name: 'key', only: ['a.txt', 'd/b.txt', 'link -> a.txt'] });
    fs.writeFileSync(path.join(base, 'a.txt'), `${nonce}\n`);
    const variants: Array<[string, (dir: string) => void, boolean]> = [
      [
        'mtime',
        dir => {
          fs.utimesSync(path.join(dir, 'a.txt'), new Date(0), new Date(0));
        },
        false
      ],
      [
        'owner',
        dir => {
          fs.chownSync(path.join(dir, 'a.txt'), 1234, 1234);
        },
        false
      ],
      [
        "the context folder's mode",
        dir => {
          fs.chmodSync(dir, 0o700);
        },
        false
      ],
      [
        'content',
        dir => {
          fs.appendFileSync(path.join(dir, 'a.txt'), 'x');
        },
        true
      ],
      [
        'exec bit',
        dir => {
          fs.chmodSync(path.join(dir, 'a.txt'), 0o755);
        },
        true
      ],
      [
        'a new empty folder',
        dir => {
          fs.mkdirSync(path.join(dir, 'e'));
        },
        true
      ],
      [
        "a folder's mode",
        dir => {
          fs.chmodSync(path.join(dir, 'd'), 0o700);
        },
        true
      ],
      [
        'a symlink target',
        dir => {
          fs.rmSync(path.join(dir, 'link'));
          fs.symlinkSync('d/b.txt', path.join(dir, 'link'));
        },
        true
      ],
      [
        'a FIFO',
        dir => {
          writeEntry(dir, 'pipe|');
        },
        true
      ],
      [
        'a user xattr',
        dir => {
          setXattr(path.join(dir, 'a.txt'), 'user.cib', '1');
        },
        true
      ]
    ];
    if (spawnSync('python3', ['-c', 'import os; os.setxattr']).status !== 0) variants.pop();
    if (process.getuid?.() !== 0) variants.splice(1, 1);
    const fresh = (mutate?: (dir: string) => void) => {
      const dir = fs.mkdtempSync(path.join(work, 'key-'));
      fs.cpSync(base, dir, { recursive: true, verbatimSymlinks: true });
      fs.chmodSync(dir, 0o755);
      mutate?.(dir);
      return dir;
    };
    const copyCached = async (dir: string) => {
      const result = await run([...classic.argv, '--progress=plain', '--output', 'type=tar,dest=/dev/null', dir], classic.env);
      expect(result.code, result.output).toBe(0);
      return /COPY \. \/ctx\/\n(?:#\d+ sha256:\S+\n)?#\d+ CACHED/.test(result.output);
    };
    const hash = async (dir: string) => {
      // The platform built for is fixed: only the context varies here.
      const result = await hashBuildInputs({
        context: dir,
        dockerfile: path.join(dir, 'Dockerfile'),
        buildArgs: [],
        baseDigests: {},
        targetPlatform: 'linux/amd64'
      });
      return result.exact ? result.hash : 'inexact';
    };
    const referenceHash = await hash(fresh());
    expect(referenceHash).not.toBe('inexact');
    const probe = async ([name, mutate, changes]: (typeof variants)[number]) => {
      const dir = fresh(mutate);
      const keyChanged = !(await copyCached(dir));
      const hashChanged = (await hash(dir)) !== referenceHash;
      return { name, keyChanged, hashChanged, changes };
    };
    await copyCached(fresh());
    const limit = limiter(4);
    let results = await Promise.all(variants.map(v => limit(() => probe(v))));
    // Other tests may prune the build cache meanwhile, making a same key look changed: once more, the base right before.
    results = await Promise.all(results.map(async (r, i) => (r.keyChanged === r.changes ? r : (await copyCached(fresh()), probe(variants[i])))));
    const seen = results.map(r => `${r.name}: key ${r.keyChanged ? 'changed' : 'same'}, hash ${r.hashChanged ? 'changed' : 'same'}`);
    console.log(`COPY cache key on ${classic.name}:\n  ${seen.join('\n  ')}`);
    for (const r of results) {
      expect({ name: r.name, keyChanged: r.keyChanged, hashChanged: r.hashChanged }).toEqual({
        name: r.name,
        keyChanged: r.changes,
        hashChanged: r.changes
      });
    }
  });
});

function setXattr(file: string, name: string, value: string): void {
  const result = spawnSync('python3', ['-c', 'import os,sys; os.setxattr(sys.argv[1], sys.argv[2], sys.argv[3].encode())', file, name, value], {
    encoding: 'utf8'
  });
  if (result.status !== 0) throw new Error(`setxattr: ${result.stderr}`);
}
