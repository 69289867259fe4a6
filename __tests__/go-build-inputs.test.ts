// Prebuild mode's part of the inputs hash, over a fake process seam: go env under each prebuild
// step's environment, the main module's tree as go build reads it, what it stamps of git, and what
// lies outside the context.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { FakeProcesses } from './support/fake-seam.js';

const fake = vi.hoisted(() => ({ current: undefined as unknown as import('./support/fake-seam.js').FakeProcesses, events: [] as string[] }));
vi.mock('../src/registry-api.js', () => import('./support/imagetools-only.js'));
vi.mock('../src/run/process.js', async original => {
  const real = await original<typeof import('../src/run/process.js')>();
  return {
    ...real,
    runProcess: async (request: import('../src/run/process.js').ProcessRequest) => {
      if (request.argv[0].endsWith('python3')) return real.runProcess(request);
      const line = request.argv.join(' ');
      fake.events.push(`start ${line}`);
      // The registry answers late: what else the hash needs is asked meanwhile.
      if (line.includes('imagetools')) await new Promise(resolve => setTimeout(resolve, 30));
      const result = await fake.current.run(request);
      fake.events.push(`end ${line}`);
      return result;
    }
  };
});
const { readGoBuild, localPaths, buildvcsOff } = await import('../src/go-build-inputs.js');
const { buildInputsOf } = await import('../src/build-inputs.js');
const { hashBuildInputs } = await import('../src/context-hash.js');
const { compareWithLatest } = await import('../src/compare.js');
const { readConfig } = await import('../src/config.js');
const { prebuildCommands } = await import('../src/plan/go.js');
const { environment, inputs } = await import('./support/workspace.js');

const made: string[] = [];
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

const GO_ENV = {
  GOVERSION: 'go1.26.8',
  GOOS: 'linux',
  GOARCH: 'amd64',
  GOAMD64: 'v1',
  GOFLAGS: '',
  GOEXPERIMENT: '',
  CGO_ENABLED: '0',
  GOWORK: ''
};
const AMD64 = { target: 'linux/amd64', build: 'linux/amd64' };
const LIMIT = { totalMs: 5000 };

/** A Go service whose .dockerignore sends the Dockerfile only its binary, as prebuild mode's users write it. */
function service(values: Record<string, string> = {}) {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-go-build-'));
  made.push(root);
  const ws = path.join(root, 'ws');
  fs.mkdirSync(path.join(ws, 'cmd/app'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'Dockerfile'), 'FROM scratch\nCOPY .prebuilt/app /app\n');
  fs.writeFileSync(path.join(ws, '.dockerignore'), '*\n!.prebuilt\n');
  fs.writeFileSync(path.join(ws, 'go.mod'), 'module example.com/app\n\ngo 1.26\n');
  fs.writeFileSync(path.join(ws, 'cmd/app/main.go'), 'package main\n\nfunc main() {}\n');
  const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/app', prebuild: './cmd/app', ...values }), environment(ws));
  return { root, ws, config, file: (p: string) => path.join(ws, p) };
}

/** The fake seam: go answers with `goEnv` (under whatever environment it is given, as overrides would); git as `git` says. */
function answers(
  goEnv: Record<string, string> | 'missing' | 'slow' = GO_ENV,
  git: { head?: string; status?: string; fails?: boolean } = {}
): FakeProcesses {
  const f = new FakeProcesses()
    .on(/./, { exitCode: 1, lines: ['unexpected command'] })
    .on(/^go env -json/, r => {
      if (goEnv === 'missing') return { exitCode: -1, lines: ['spawn go ENOENT'] };
      if (goEnv === 'slow') return { timedOut: 'still running after 5 s' };
      return { stdout: JSON.stringify({ GOMODCACHE: '/go/pkg/mod', GOCACHE: '/go-build', ...goEnv, ...(r.env ?? {}) }) };
    })
    .on(
      /^git -C .* rev-parse HEAD$/,
      git.fails ? { exitCode: 128, lines: ['fatal: detected dubious ownership'] } : { stdout: `${git.head ?? 'a'.repeat(40)}\n` }
    )
    .on(/^git -C .* status --porcelain$/, { stdout: git.status ?? '' })
    .on(/^git -C .* for-each-ref/, { stdout: '' });
  fake.current = f;
  return f;
}

async function hashOf(config: import('../src/config.js').Config) {
  const goBuild = await readGoBuild(config, LIMIT);
  return hashBuildInputs(buildInputsOf(config, { baseDigests: {}, platform: AMD64, env: {}, goBuild }));
}

describe('readGoBuild and the hash in prebuild mode', () => {
  it('the same context with another go env answer hashes otherwise: the toolchain, GOFLAGS, GOEXPERIMENT', async () => {
    const s = service();
    answers();
    const first = await hashOf(s.config);
    expect(first).toMatchObject({ exact: true, notes: [] });
    answers();
    expect((await hashOf(s.config)).hash).toBe(first.hash);
    for (const changed of [{ GOVERSION: 'go1.26.9' }, { GOFLAGS: '-tags=netgo' }, { GOEXPERIMENT: 'greenteagc' }, { GOAMD64: 'v3' }]) {
      answers({ ...GO_ENV, ...changed });
      const other = await hashOf(s.config);
      expect(other.exact, JSON.stringify(changed)).toBe(true);
      expect(other.hash, JSON.stringify(changed)).not.toBe(first.hash);
    }
  });

  it("asks go env as each prebuild step runs: the step's own environment and folder, one per platform", async () => {
    const s = service({ platforms: 'linux/amd64,linux/arm/v7', 'cache-strategy': 'buildx' });
    const f = answers();
    const read = await readGoBuild(s.config, LIMIT);
    const asked = f.calls.filter(c => c.argv.join(' ').startsWith('go env -json GOVERSION'));
    const commands = prebuildCommands(s.config, 'unused');
    expect(asked.map(c => ({ env: c.env, cwd: c.cwd }))).toEqual(commands.map(c => ({ env: c.env, cwd: s.ws })));
    expect(asked.map(c => c.env)).toEqual([
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'amd64' },
      { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm', GOARM: '7' }
    ]);
    // The output folder relative to the context: the same binaries wherever the workspace is.
    expect(read.builds.map(b => b.argv)).toEqual([
      ['go', 'build', '-v', '-trimpath', '-o', '.prebuilt/linux_amd64/', './cmd/app'],
      ['go', 'build', '-v', '-trimpath', '-o', '.prebuilt/linux_arm/', './cmd/app']
    ]);
    // Without platforms: the runner's GOARCH, from the same probe the steps take it from.
    const one = service();
    const g = answers({ ...GO_ENV, GOARCH: 'arm64' });
    await readGoBuild(one.config, LIMIT);
    expect(g.commands().filter(c => c.startsWith('go env'))).toEqual([
      'go env -json GOMODCACHE GOCACHE GOVERSION GOARCH',
      'go env -json GOVERSION GOOS GOARCH GOAMD64 GOARM GOARM64 GO386 GOPPC64 GOMIPS GOMIPS64 GORISCV64 GOWASM GOFLAGS GOEXPERIMENT GOFIPS140 CGO_ENABLED GOWORK'
    ]);
    expect(g.calls.at(-1)?.env).toEqual({ CGO_ENABLED: '0', GOOS: 'linux', GOARCH: 'arm64' });
  });

  it('sees a .go change that .dockerignore keeps from the Dockerfile (`*` then `!.prebuilt`); not the output, nor .git', async () => {
    const s = service();
    answers();
    const first = await hashOf(s.config);
    fs.mkdirSync(s.file('.prebuilt'));
    fs.writeFileSync(s.file('.prebuilt/app'), 'binary');
    fs.mkdirSync(s.file('.git'));
    fs.writeFileSync(s.file('.git/index'), 'x');
    // Nothing that go build reads changed: the binary is written after the hash, .git is git's.
    answers({ ...GO_ENV, GOFLAGS: '-buildvcs=false' });
    const withOutput = await hashOf(s.config);
    answers({ ...GO_ENV, GOFLAGS: '-buildvcs=false' });
    fs.writeFileSync(s.file('.prebuilt/app'), 'another binary');
    expect((await hashOf(s.config)).hash).toBe(withOutput.hash);
    fs.appendFileSync(s.file('cmd/app/main.go'), '// one line\n');
    answers({ ...GO_ENV, GOFLAGS: '-buildvcs=false' });
    expect((await hashOf(s.config)).hash).not.toBe(withOutput.hash);
    expect(first.exact).toBe(true);
  });

  it.each<[string, Record<string, string> | 'missing' | 'slow', RegExp]>([
    ['no go on PATH', 'missing', /^go env did not answer \(no go on PATH/],
    ['go env that takes too long', 'slow', /^go env did not answer/]
  ])('%s: not exact, with a note', async (_, goEnv, note) => {
    const s = service();
    answers(goEnv);
    const result = await hashOf(s.config);
    expect(result.exact).toBe(false);
    expect(result.notes).toEqual([expect.stringMatching(note)]);
  });

  it("a platform's go env that fails is said by the platform", async () => {
    const s = service({ platforms: 'linux/arm64', 'cache-strategy': 'buildx' });
    answers('slow');
    expect((await hashOf(s.config)).notes).toEqual(['go env for go build ./cmd/app on the runner for linux/arm64: still running after 5 s']);
  });

  it('a replace outside the context is not exact; one inside is covered by the tree', async () => {
    const s = service();
    fs.mkdirSync(path.join(s.root, 'lib'));
    fs.mkdirSync(s.file('internal/lib'), { recursive: true });
    fs.writeFileSync(s.file('go.mod'), 'module example.com/app\n\ngo 1.26\n\nreplace example.com/inner => ./internal/lib\n');
    answers();
    expect(await hashOf(s.config)).toMatchObject({ exact: true });
    fs.writeFileSync(
      s.file('go.mod'),
      'module example.com/app\n\ngo 1.26\n\nreplace (\n\texample.com/inner => ./internal/lib\n\texample.com/lib v1.0.0 => ../lib // local\n)\n'
    );
    answers();
    expect(await hashOf(s.config)).toMatchObject({
      exact: false,
      notes: ['go.mod points to ../lib, outside the context: the hash does not read it (a context that holds it makes the hash exact)']
    });
  });

  it('a go.work outside the context is not exact; one inside is, unless it uses a folder outside', async () => {
    const s = service();
    const outside = path.join(s.root, 'go.work');
    fs.writeFileSync(outside, 'go 1.26\n\nuse ./ws\n');
    answers({ ...GO_ENV, GOWORK: outside });
    expect((await hashOf(s.config)).notes).toEqual([
      `go.work ${outside} lies outside the context: the hash does not read it (GOWORK=off, or a go.work inside the context)`
    ]);
    fs.writeFileSync(s.file('go.work'), 'go 1.26\n\nuse .\n');
    answers({ ...GO_ENV, GOWORK: s.file('go.work') });
    expect(await hashOf(s.config)).toMatchObject({ exact: true });
    fs.writeFileSync(s.file('go.work'), 'go 1.26\n\nuse (\n\t.\n\t../tools\n)\n');
    answers({ ...GO_ENV, GOWORK: s.file('go.work') });
    expect((await hashOf(s.config)).notes).toEqual([
      'go.work points to ../tools, outside the context: the hash does not read it (a context that holds it makes the hash exact)'
    ]);
  });

  it('a link that leads out of the context is not exact; no go.mod in the context is not either', async () => {
    const s = service();
    fs.symlinkSync(path.join(s.root, 'shared.go'), s.file('cmd/app/shared.go'));
    answers();
    expect((await hashOf(s.config)).notes).toEqual([
      `cmd/app/shared.go is a link to ${path.join(s.root, 'shared.go')}, outside the context: go build may read through it`
    ]);
    fs.rmSync(s.file('cmd/app/shared.go'));
    fs.symlinkSync('main.go', s.file('cmd/app/alias.go'));
    fs.renameSync(s.file('go.mod'), path.join(s.root, 'go.mod'));
    answers();
    expect((await hashOf(s.config)).notes).toEqual([
      'the context has no go.mod: go build takes its module from outside the context, which the hash does not read'
    ]);
  });

  it('in a git work tree: the commit and whether the tree is clean are hashed, and the run says each commit builds', async () => {
    const s = service();
    execFileSync('git', ['init', '-q', s.root]);
    answers();
    const read = await readGoBuild(s.config, LIMIT);
    expect(read.vcs).toEqual({ revision: 'a'.repeat(40), clean: true, tags: [] });
    expect(read.remarks).toEqual([
      'go build stamps the commit into the binaries (vcs.revision): each commit builds; GOFLAGS=-buildvcs=false lets an unchanged commit be copied'
    ]);
    const first = await hashOf(s.config);
    expect(first.exact).toBe(true);
    answers(GO_ENV, { head: 'b'.repeat(40) });
    expect((await hashOf(s.config)).hash).not.toBe(first.hash);
    answers(GO_ENV, { status: ' M cmd/app/main.go\n' });
    expect((await hashOf(s.config)).hash).not.toBe(first.hash);
    answers(GO_ENV, { fails: true });
    expect((await hashOf(s.config)).notes).toEqual([
      `git in ${s.ws} did not say its commit, status and tags (it failed or took too long): go build stamps the commit into the binaries, and the hash cannot read it (GOFLAGS=-buildvcs=false lets an unchanged commit be copied)`
    ]);
    // -buildvcs=false: nothing of git is stamped, so nothing of it is hashed.
    answers({ ...GO_ENV, GOFLAGS: '-buildvcs=false' }, { fails: true });
    const off = await readGoBuild(s.config, LIMIT);
    expect(off).toMatchObject({ vcs: undefined, notes: [], remarks: [] });
  });

  it('without a prebuild read the hash of a prebuild is not exact', async () => {
    const s = service();
    expect(await hashBuildInputs(buildInputsOf(s.config, { baseDigests: {}, platform: AMD64, env: {} }))).toMatchObject({
      exact: false,
      notes: ['prebuild mode: what go build on the runner reads was not looked at']
    });
  });
});

describe('compareWithLatest in prebuild mode', () => {
  const options = { rules: 'buildx' as const, uses: 'the image is copied, not built', mayMoveLatest: true };

  it('asks go and git while the registry is asked, and copies only what the same toolchain built', async () => {
    const s = service();
    execFileSync('git', ['init', '-q', s.root]);
    const env = { DOCKER_CONFIG: path.join(s.root, 'no-docker-config') };
    const { readBuildPlatform } = await import('../src/build-platform.js');
    answers({ ...GO_ENV, GOVERSION: 'go1.26.7' });
    const old = (
      await hashBuildInputs(
        buildInputsOf(s.config, { baseDigests: {}, platform: readBuildPlatform(s.config, env), env, goBuild: await readGoBuild(s.config, LIMIT) })
      )
    ).hash;
    const latest = {
      stdout: JSON.stringify({
        manifest: { digest: `sha256:${'9'.repeat(64)}` },
        image: { config: { Labels: { 'io.github.cached-image-build.inputs': old } } }
      })
    };
    answers().on(/imagetools inspect --format/, latest);
    fake.events = [];
    const now = await compareWithLatest(s.config, { ...options, env });
    expect(now.inputs.unchanged).toBe(false);
    const goStarted = fake.events.indexOf(
      'start go env -json GOVERSION GOOS GOARCH GOAMD64 GOARM GOARM64 GO386 GOPPC64 GOMIPS GOMIPS64 GORISCV64 GOWASM GOFLAGS GOEXPERIMENT GOFIPS140 CGO_ENABLED GOWORK'
    );
    const gitStarted = fake.events.findIndex(e => e.startsWith('start git -C'));
    const registryAnswered = fake.events.findIndex(e => e.startsWith('end docker buildx imagetools'));
    expect(goStarted).toBeGreaterThanOrEqual(0);
    expect(gitStarted).toBeGreaterThanOrEqual(0);
    expect(Math.max(goStarted, gitStarted)).toBeLessThan(registryAnswered);
    answers({ ...GO_ENV, GOVERSION: 'go1.26.7' }).on(/imagetools inspect --format/, latest);
    expect((await compareWithLatest(s.config, { ...options, env })).inputs.unchanged).toBe(true);
  });
});

describe('localPaths (go.mod replace, go.work use)', () => {
  it.each<[string, string[]]>([
    ['module x\n\nreplace example.com/a => ../a\n', ['../a']],
    ['replace example.com/a v1.0.0 => ./a // comment\n', ['./a']],
    ['replace example.com/a => example.com/b v1.2.0\n', []],
    ['replace (\n\texample.com/a => /abs/a\n\t"example.com/b" => "../b c"\n\texample.com/c => example.com/d v1.0.0\n)\n', ['/abs/a', '../b c']],
    ['require example.com/a v1.0.0\n// replace example.com/a => ../a\n', []],
    ['go 1.26\n\nuse .\nuse (\n\t./tools\n\t../shared\n)\n', ['.', './tools', '../shared']],
    ['replace example.com/a => ..\n', ['..']]
  ])('%j → %j', (text, expected) => {
    expect(localPaths(text)).toEqual(expected);
  });
});

describe('buildvcsOff (GOFLAGS)', () => {
  it.each<[string, boolean]>([
    ['', false],
    ['-buildvcs=false', true],
    ['--buildvcs=false', true],
    ['-mod=vendor -buildvcs=0', true],
    ['-buildvcs=auto', false],
    ['-buildvcs=false -buildvcs', false],
    ['-buildvcs=true -buildvcs=F', true],
    ['-trimpath', false]
  ])('%j → %s', (goflags, off) => {
    expect(buildvcsOff(goflags)).toBe(off);
  });
});
