// Around the build: the restored GOCACHE aged, then only what the build used kept for the save (real
// folders in the temporary directory, laid out as Go lays them out).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ageRestoredBuildCache, keepOnlyUsed } from '../src/cache/keep-used.js';

const HOUR = 60 * 60 * 1000;
let dir = '';
let dirs: { mod: string; build: string };
let context = '';

function write(file: string, content = 'x', mtime?: Date): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
  if (mtime) fs.utimesSync(file, mtime, mtime);
  return file;
}

/** A GOCACHE entry (`xx/name-a`, `xx/name-d`) with the given mtime. */
const entry = (name: string, mtime?: Date) => write(path.join(dirs.build, name.slice(0, 2), `${name}-d`), name, mtime);

/** A module version in GOMODCACHE: extracted, and its download files. */
function moduleVersion(module: string, version: string): void {
  write(path.join(dirs.mod, `${module}@${version}`, 'go.mod'), `module ${module}\n`);
  for (const ext of ['zip', 'mod', 'info']) write(path.join(dirs.mod, 'cache/download', module, '@v', `${version}.${ext}`));
}

const exists = (file: string) => fs.existsSync(file);

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-keep-used-'));
  dirs = { mod: path.join(dir, 'gomod'), build: path.join(dir, 'gocache') };
  context = path.join(dir, 'repo');
  fs.mkdirSync(dirs.mod, { recursive: true });
  fs.mkdirSync(dirs.build, { recursive: true });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
});
afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('ageRestoredBuildCache', () => {
  it('sets every entry two hours back, past Go’s one-hour marking interval, and leaves other files alone', async () => {
    const files = ['0a1b', '0a2c', 'ff00'].map(n => entry(n));
    const other = write(path.join(dirs.build, 'README'), 'not an entry');
    const before = Date.now();
    const agedTo = await ageRestoredBuildCache(dirs);
    const after = Date.now();
    expect(agedTo.getTime()).toBeGreaterThanOrEqual(before - 2 * HOUR);
    expect(agedTo.getTime()).toBeLessThanOrEqual(after - 2 * HOUR);
    // utimes takes seconds as a float: the file system may give the time back a microsecond off.
    for (const file of files) expect(Math.abs(fs.statSync(file).mtimeMs - agedTo.getTime())).toBeLessThan(1);
    expect(fs.statSync(other).mtimeMs).toBeGreaterThanOrEqual(before - 1000);
  });
});

describe('keepOnlyUsed', () => {
  it('after a partial restore: removes the entries Go left at their age and the modules no go.sum lists', async () => {
    const agedTo = new Date(Date.now() - 2 * HOUR);
    const unused = entry('0a1b', agedTo);
    // Go marked these: one just now, one a minute past the quarter-interval the check allows.
    const used = entry('0a2c', new Date());
    const usedEarly = entry('1f00', new Date(agedTo.getTime() + HOUR / 2 + 60_000));
    // Not marked: only minutes past the age (a clock step, not a use).
    const notMarked = entry('1f01', new Date(agedTo.getTime() + 10 * 60 * 1000));
    moduleVersion('github.com/go-chi/chi/v5', 'v5.5.0');
    moduleVersion('github.com/!burnt!sushi/toml', 'v1.4.0');
    moduleVersion('github.com/google/uuid', 'v1.5.0');
    write(path.join(context, 'go.sum'), 'github.com/go-chi/chi/v5 v5.5.0 h1:x=\ngithub.com/BurntSushi/toml v1.4.0/go.mod h1:y=\n');
    // Matched by the dependency path, but not a go.sum: not read.
    write(path.join(context, 'tools/go.sum.bak'), 'github.com/google/uuid v1.5.0 h1:z=\n');

    const kept = await keepOnlyUsed(dirs, context, ['**/go.sum*'], agedTo);

    expect([unused, notMarked].map(exists)).toEqual([false, false]);
    expect([used, usedEarly].map(exists)).toEqual([true, true]);
    expect(kept.build.files).toBe(2);
    expect(exists(path.join(dirs.mod, 'github.com/go-chi/chi/v5@v5.5.0'))).toBe(true);
    expect(exists(path.join(dirs.mod, 'github.com/!burnt!sushi/toml@v1.4.0'))).toBe(true);
    expect(exists(path.join(dirs.mod, 'cache/download/github.com/!burnt!sushi/toml/@v/v1.4.0.zip'))).toBe(true);
    expect(exists(path.join(dirs.mod, 'github.com/google/uuid@v1.5.0'))).toBe(false);
    expect(exists(path.join(dirs.mod, 'cache/download/github.com/google/uuid/@v/v1.5.0.zip'))).toBe(false);
    // The extracted go.mod and three download files of uuid.
    expect(kept.modules.files).toBe(4);
  });

  it('after a miss (nothing aged): every GOCACHE entry is this build’s and stays', async () => {
    const old = entry('0a1b', new Date(Date.now() - 5 * HOUR));
    moduleVersion('github.com/google/uuid', 'v1.6.0');
    write(path.join(context, 'go.sum'), 'github.com/google/uuid v1.6.0 h1:z=\n');
    const kept = await keepOnlyUsed(dirs, context, ['go.sum']);
    expect(exists(old)).toBe(true);
    expect(kept).toEqual({ modules: { files: 0, bytes: 0 }, build: { files: 0, bytes: 0 } });
  });

  it('with no go.sum found, removes no module: it cannot tell which are used', async () => {
    moduleVersion('github.com/google/uuid', 'v1.6.0');
    const kept = await keepOnlyUsed(dirs, context, ['go.sum']);
    expect(exists(path.join(dirs.mod, 'github.com/google/uuid@v1.6.0'))).toBe(true);
    expect(kept.modules).toEqual({ files: 0, bytes: 0 });
  });
});
