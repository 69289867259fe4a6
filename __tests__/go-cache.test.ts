import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyHit, deltaDirOf, expandArgs, goCacheKey, goMounts, goVersionOfGoMod, goVersionOfTag } from '../src/cache/go-cache.js';
import {
  adoptDelta,
  ageBuildCache,
  collectNewer,
  entryNames,
  escapeModulePath,
  modulesInGoSums,
  pruneBuildCache,
  pruneModuleCache
} from '../src/cache/trim.js';
import * as glob from '@actions/glob';
import { goCacheKeyFor, hashDependencyFiles, keyOfRunnerFolders, markRunnerFolders, prepareForDelta } from '../src/cache/restore.js';
import { readConfig } from '../src/config.js';
import { MAX_INPUT_FILE_BYTES } from '../src/files.js';
import { FACTS, environment, inputs } from './support/workspace.js';
import { readDockerfile } from '../src/dockerfile.js';

const DOCKERFILE = `ARG BASE=127.0.0.1:5000
FROM \${BASE}/base/go:1.26 AS builder
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod go mod download
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,id=apt,target=/var/cache/apt go build ./...
`;

describe('goMounts', () => {
  const facts = readDockerfile(DOCKERFILE);
  it('finds GOMODCACHE and GOCACHE mounts by their targets, once each, and leaves others alone', () => {
    expect(goMounts(facts, 'auto').map(m => [m.mount.id, m.kind])).toEqual([
      ['gomod', 'mod'],
      ['/root/.cache/go-build', 'build']
    ]);
  });
  it('takes an explicit mapping, or none', () => {
    expect(goMounts(facts, [{ id: 'apt', kind: 'build' }]).map(m => m.mount.id)).toEqual(['apt']);
    expect(goMounts(facts, 'off')).toEqual([]);
  });
});

describe('keys', () => {
  it('keys on platform, Go version and the dependency hash, restoring the newest of the same Go', () => {
    expect(goCacheKey({ os: 'Linux', arch: 'X64', goVersion: 'go1.26', depsHash: 'abc' })).toEqual({
      key: 'cached-image-build-go-Linux-X64-go1.26-abc',
      restoreKeys: ['cached-image-build-go-Linux-X64-go1.26-'],
      // Deltas follow one key's entry, and no restore key of the entries matches them.
      deltaPrefix: 'cached-image-build-godelta-Linux-X64-go1.26-abc-'
    });
    expect(deltaDirOf({ mod: '/home/runner/go/pkg/mod', build: '/home/runner/.cache/go-build/' })).toBe('/home/runner/.cache/go-build-delta');
  });
  it('reads Go versions from image tags and go.mod', () => {
    expect(goVersionOfTag('1.26.3-bookworm')).toBe('go1.26.3');
    expect(goVersionOfTag('1.26')).toBe('go1.26');
    expect(goVersionOfTag('latest')).toBeUndefined();
    expect(goVersionOfGoMod('module x\n\ngo 1.25.1\n')).toBe('go1.25.1');
  });
  it('expands ARGs in a base image the way the Dockerfile would', () => {
    expect(expandArgs('${BASE}/base/go:$TAG', { BASE: 'r:5000', TAG: '1.26' })).toBe('r:5000/base/go:1.26');
  });
  it('classifies hits', () => {
    expect(classifyHit('k', 'k')).toBe('exact');
    expect(classifyHit('k', 'k-old')).toBe('partial');
    expect(classifyHit('k', undefined)).toBe('miss');
    // act's cache server hands keys back in lower case.
    expect(classifyHit('go-Linux-X64-abc', 'go-linux-x64-abc')).toBe('exact');
  });
});

describe('the files of the key, read bounded', () => {
  const context = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-deps-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'go.sum'), 'example.com/x v1.0.0 h1:abc=\n');
    fs.writeFileSync(path.join(dir, 'a', 'go.sum'), 'example.com/y v1.0.0 h1:def=\n');
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM 127.0.0.1:5000/base/go:1.26 AS builder\nRUN --mount=type=cache,target=/go/pkg/mod true\n');
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module x\n\ngo 1.26\n');
    return dir;
  };

  it("hashes as @actions/glob's hashFiles does, so keys stay as they were", async () => {
    const dir = context();
    const patterns = path.join(dir, '**/go.sum');
    expect(await hashDependencyFiles(patterns, dir)).toEqual({ hash: await glob.hashFiles(patterns, dir) });
    expect(await hashDependencyFiles(path.join(dir, '**/nothing.sum'), dir)).toEqual({ hash: '' });
  });

  it('makes no key of a file too big, or of a link to something that is no file', async () => {
    const dir = context();
    fs.writeFileSync(path.join(dir, 'a', 'go.sum'), Buffer.alloc(MAX_INPUT_FILE_BYTES + 1));
    expect(await hashDependencyFiles(path.join(dir, '**/go.sum'), dir)).toEqual({
      problem: `${path.join(dir, 'a', 'go.sum')} holds ${MAX_INPUT_FILE_BYTES + 1} bytes, more than ${MAX_INPUT_FILE_BYTES}`
    });
    fs.rmSync(path.join(dir, 'a', 'go.sum'));
    // A link to /dev/zero would be read for ever.
    fs.symlinkSync('/dev/zero', path.join(dir, 'a', 'go.sum'));
    expect(await hashDependencyFiles(path.join(dir, '**/go.sum'), dir)).toEqual({
      problem: `${path.join(dir, 'a', 'go.sum')} cannot be read as a file`
    });
  });

  it('uses no Go cache when go.mod is too big', async () => {
    const dir = context();
    const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(dir));
    expect((await goCacheKeyFor(config, FACTS))?.key).toMatch(/^cached-image-build-go-Linux-X64-go1\.26-[0-9a-f]{64}$/);
    fs.writeFileSync(path.join(dir, 'go.mod'), `module x\n\ngo 1.26\n// ${'x'.repeat(MAX_INPUT_FILE_BYTES)}\n`);
    expect(await goCacheKeyFor(config, FACTS)).toBeUndefined();
  });
});

describe('keeping what the build used', () => {
  it('escapes module paths as Go does', () => {
    expect(escapeModulePath('github.com/BurntSushi/toml')).toBe('github.com/!burnt!sushi/toml');
    expect([...modulesInGoSums(['github.com/A/b v1.0.0 h1:x=\ngithub.com/A/b v1.0.0/go.mod h1:y=\n'])]).toEqual(['github.com/!a/b@v1.0.0']);
  });

  it('prunes module versions no go.sum lists, extracted and downloaded, read-only or not', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-mod-'));
    const write = (rel: string) => {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), 'x');
    };
    for (const v of ['v1.0.0', 'v0.9.0']) {
      write(`github.com/a/b@${v}/b.go`);
      write(`cache/download/github.com/a/b/@v/${v}.zip`);
      write(`cache/download/github.com/a/b/@v/${v}.mod`);
    }
    write('cache/download/github.com/a/b/@v/list');
    write('cache/download/sumdb/sum.golang.org/latest');
    fs.chmodSync(path.join(root, 'github.com/a/b@v0.9.0'), 0o555);
    const pruned = await pruneModuleCache(root, modulesInGoSums(['github.com/a/b v1.0.0 h1:x=']));
    expect(pruned.files).toBe(3);
    expect(fs.existsSync(path.join(root, 'github.com/a/b@v1.0.0/b.go'))).toBe(true);
    expect(fs.existsSync(path.join(root, 'github.com/a/b@v0.9.0'))).toBe(false);
    expect(fs.readdirSync(path.join(root, 'cache/download/github.com/a/b/@v')).sort()).toEqual(['list', 'v1.0.0.mod', 'v1.0.0.zip']);
    expect(fs.existsSync(path.join(root, 'cache/download/sumdb/sum.golang.org/latest'))).toBe(true);
  });

  it('prunes GOCACHE entries that stayed at the age they were given', async () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-gocache-'));
    fs.mkdirSync(path.join(root, 'ab'));
    for (const f of ['ab/1-a', 'ab/1-d', 'ab/2-a']) fs.writeFileSync(path.join(root, f), 'x');
    fs.writeFileSync(path.join(root, 'README'), 'not an entry');
    const aged = new Date(Date.now() - 2 * 3600_000);
    expect(await ageBuildCache(root, aged)).toBe(3);
    // The build "uses" entry 1, as Go marks it: mtime now.
    for (const f of ['ab/1-a', 'ab/1-d']) fs.utimesSync(path.join(root, f), new Date(), new Date());
    const pruned = await pruneBuildCache(root, new Date(aged.getTime() + 1800_000));
    expect(pruned.files).toBe(1);
    expect(fs.readdirSync(path.join(root, 'ab')).sort()).toEqual(['1-a', '1-d']);
    expect(fs.existsSync(path.join(root, 'README'))).toBe(true);
  });
});

describe('deltas of GOCACHE', () => {
  const entry = (root: string, name: string, when?: Date) => {
    fs.mkdirSync(path.join(root, path.dirname(name)), { recursive: true });
    fs.writeFileSync(path.join(root, name), name);
    if (when) fs.utimesSync(path.join(root, name), when, when);
  };

  it('moves a restored delta into GOCACHE, aged, and answers its entries', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-delta-'));
    const root = path.join(base, 'go-build');
    const delta = path.join(base, 'go-build-delta');
    entry(root, '00/base-a');
    entry(delta, '00/delta-a');
    entry(delta, 'ff/delta-d');
    const aged = new Date('2026-01-01T00:00:00Z');
    expect((await adoptDelta(delta, root, aged)).sort()).toEqual(['00/delta-a', 'ff/delta-d']);
    expect(fs.existsSync(delta)).toBe(false);
    expect(fs.statSync(path.join(root, 'ff/delta-d')).mtimeMs).toBe(aged.getTime());
    expect((await entryNames(root)).sort()).toEqual(['00/base-a', '00/delta-a', 'ff/delta-d']);
  });

  it("after an exact hit, minutes lie between the key's entries, since, and what the build writes: whole seconds tell them apart", async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-delta-'));
    const root = path.join(base, 'go-build');
    const delta = path.join(base, 'go-build-delta');
    entry(root, '00/base-a');
    entry(delta, 'ff/delta-d');
    const before = Date.now();
    const prepared = await prepareForDelta(root, delta, 'k-delta-sha', 'k-delta-older');
    const seconds = (ms: number) => Math.floor(ms / 1000);
    const since = seconds(Date.parse(prepared.since));
    expect(prepared.restored).toEqual(['ff/delta-d']);
    // The key's entry: Go leaves it unmarked (under an hour old), and it is not newer than since.
    const baseAge = before - fs.statSync(path.join(root, '00/base-a')).mtimeMs;
    expect(baseAge).toBeLessThan(3600_000);
    expect(seconds(fs.statSync(path.join(root, '00/base-a')).mtimeMs)).toBeLessThan(since);
    // The delta's entry: over an hour old, so Go marks it when it uses it.
    expect(before - fs.statSync(path.join(root, 'ff/delta-d')).mtimeMs).toBeGreaterThan(3600_000);
    // What the build writes now is newer than since, even counted in whole seconds (busybox find -newer).
    expect(seconds(Date.now())).toBeGreaterThan(since);
  });

  it('collects the entries written or marked after a time into a new folder (prebuild mode)', async () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-delta-'));
    const root = path.join(base, 'go-build');
    const into = path.join(base, 'go-build-delta');
    const since = new Date('2026-06-01T00:00:00Z');
    entry(root, '00/before', new Date('2026-05-31T23:00:00Z'));
    entry(root, '00/after', new Date('2026-06-01T00:00:01Z'));
    entry(root, 'ab/after', new Date('2026-06-02T00:00:00Z'));
    entry(into, 'zz/stale');
    expect((await collectNewer(root, since, into)).sort()).toEqual(['00/after', 'ab/after']);
    expect((await entryNames(into)).sort()).toEqual(['00/after', 'ab/after']);
    expect(fs.statSync(path.join(into, 'ab/after')).mtimeMs).toBe(new Date('2026-06-02T00:00:00Z').getTime());
  });
});

describe("the runner's Go folders name their key (prebuild mode's warm skip)", () => {
  const folders = () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-marker-'));
    const dirs = { mod: path.join(base, 'mod'), build: path.join(base, 'build') };
    for (const dir of Object.values(dirs)) fs.mkdirSync(dir);
    return dirs;
  };

  it('marked folders name the key; the GOCACHE marker is no entry (a delta never carries it)', async () => {
    const dirs = folders();
    expect(keyOfRunnerFolders(dirs)).toBeUndefined();
    await markRunnerFolders(dirs, 'k1');
    expect(keyOfRunnerFolders(dirs)).toBe('k1');
    expect(await entryNames(dirs.build)).toEqual([]);
  });

  it('folders that disagree, or one of them emptied, name no key', async () => {
    const dirs = folders();
    await markRunnerFolders(dirs, 'k1');
    fs.writeFileSync(path.join(dirs.mod, '.cached-image-build-key'), 'k0\n');
    expect(keyOfRunnerFolders(dirs)).toBeUndefined();
    await markRunnerFolders(dirs, 'k1');
    fs.rmSync(dirs.build, { recursive: true });
    fs.mkdirSync(dirs.build);
    expect(keyOfRunnerFolders(dirs)).toBeUndefined();
  });

  it('a folder that cannot be written loses only the mark', async () => {
    const dirs = folders();
    fs.rmSync(dirs.mod, { recursive: true });
    await expect(markRunnerFolders(dirs, 'k1')).resolves.toBeUndefined();
    expect(keyOfRunnerFolders(dirs)).toBeUndefined();
  });
});
