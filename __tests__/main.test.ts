// The main and post steps over a fake process seam: the commands a run issues, in order, and what it
// decides from their answers (fallback, save, warnings), with no Docker.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeProcesses, flag } from './support/fake-seam.js';

const fake = vi.hoisted(() => ({ current: undefined as unknown as import('./support/fake-seam.js').FakeProcesses }));
// The registry is asked through the fake seam's imagetools only (registry-api.test.ts has the HTTP API).
vi.mock('../src/registry-api.js', () => import('./support/imagetools-only.js'));
vi.mock('../src/run/process.js', async original => {
  const real = await original<typeof import('../src/run/process.js')>();
  // python3 (the context hash's xattr read) runs for real: it touches only the test's own files.
  return {
    ...real,
    runProcess: (request: import('../src/run/process.js').ProcessRequest) =>
      request.argv[0].endsWith('python3') ? real.runProcess(request) : fake.current.run(request)
  };
});
const { run } = await import('../src/main.js');
const { runPost } = await import('../src/post.js');

const IMAGE = '127.0.0.1:5000/acme/api';
const SHA = 'a'.repeat(40);
const digestOf = (tag: string) => `sha256:${Buffer.from(tag).toString('hex').padEnd(64, '0').slice(0, 64)}`;
let dir = '';
/** @actions/core keeps the summary file's path from its first use: one for the whole file. */
const SUMMARY = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cib-summary-')), 'summary');
let printed: string[] = [];
let savedEnv: NodeJS.ProcessEnv;

const BUILDER_DOCKERFILE = `FROM 127.0.0.1:5000/base/go:1.26 AS builder
WORKDIR /src
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod go mod download
RUN --mount=type=cache,id=gomod,target=/go/pkg/mod --mount=type=cache,id=gobuild,target=/root/.cache/go-build go build -o /out/app .
FROM 127.0.0.1:5000/base/runtime:latest
COPY --from=builder /out/app /app
`;

/** BuildKit's plain progress for the builder stage's three steps, cached or run. */
function progress(stage: string, cached: boolean): string[] {
  const steps = ['WORKDIR /src', 'RUN --mount=type=cache,id=gomod,target=/go/pkg/mod go mod download', 'RUN go build -o /out/app .'];
  return steps.flatMap((text, i) => [`#${i + 5} [${stage} ${i + 2}/4] ${text}`, cached ? `#${i + 5} CACHED` : `#${i + 5} DONE 0.5s`]);
}

function runner(event: { name: string; ref: string; payload: Record<string, unknown> }, inputs: Record<string, string>): FakeProcesses {
  const ws = path.join(dir, 'ws');
  fs.mkdirSync(ws, { recursive: true });
  fs.writeFileSync(path.join(ws, 'Dockerfile'), BUILDER_DOCKERFILE);
  fs.writeFileSync(path.join(ws, 'go.mod'), 'module x\n\ngo 1.26\n');
  fs.writeFileSync(path.join(ws, 'go.sum'), '');
  for (const name of ['output', 'state']) fs.writeFileSync(path.join(dir, name), '');
  // The build's environment is the test's own: no engine, builder or platform of this machine's.
  for (const name of Object.keys(process.env))
    if (/^(DOCKER_|BUILDX_)/.test(name) || name === 'SOURCE_DATE_EPOCH') Reflect.deleteProperty(process.env, name);
  fs.writeFileSync(SUMMARY, '');
  fs.writeFileSync(path.join(dir, 'event.json'), JSON.stringify(event.payload));
  fs.mkdirSync(path.join(dir, 'temp'), { recursive: true });
  Object.assign(process.env, {
    GITHUB_OUTPUT: path.join(dir, 'output'),
    GITHUB_STATE: path.join(dir, 'state'),
    GITHUB_STEP_SUMMARY: SUMMARY,
    GITHUB_WORKSPACE: ws,
    GITHUB_SHA: SHA,
    GITHUB_REPOSITORY: 'acme/api',
    GITHUB_EVENT_NAME: event.name,
    GITHUB_REF: event.ref,
    GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
    RUNNER_TEMP: path.join(dir, 'temp'),
    DOCKER_CONFIG: path.join(dir, 'docker-config'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    ACTIONS_CACHE_URL: 'http://127.0.0.1:1/',
    ACTIONS_RUNTIME_TOKEN: 'token'
  });
  for (const [name, value] of Object.entries({ image: IMAGE, ...inputs })) process.env[`INPUT_${name.toUpperCase()}`] = value;
  const f = new FakeProcesses()
    .on(/./, { exitCode: 1, lines: ['unexpected command'] })
    .on(/^docker --version$/, { stdout: 'Docker version 28.5.2, build ecc6942' })
    .on(/^docker version --format \{\{\.Server\.Version\}\}$/, { stdout: '28.5.2' })
    .on(/^docker info/, { stdout: '[["Backing Filesystem","extfs"]]' })
    .on(/^docker buildx version/, { stdout: 'github.com/docker/buildx v0.29.1 1234' })
    .on(/^go env -json/, {
      stdout: JSON.stringify({ GOMODCACHE: path.join(dir, 'gomod'), GOCACHE: path.join(dir, 'gocache'), GOVERSION: 'go1.26.8', GOARCH: 'amd64' })
    })
    .on(/^docker buildx inspect --bootstrap/, {
      stdout: 'Name: default\nDriver: docker\n\nNodes:\nName: default\nEndpoint: default\nStatus: running\n'
    })
    .on(/^docker buildx imagetools inspect/, r => ({ exitCode: 1, lines: [`ERROR: ${r.argv.at(-1)}: not found`] }))
    .on(/^docker manifest inspect/, { exitCode: 1, lines: ['no such manifest'] })
    .on(/^docker build /, r => ({
      lines: progress('builder', false),
      files: r.argv.includes('--iidfile') ? { [flag(r.argv, '--iidfile')]: `sha256:${'1'.repeat(64)}` } : {}
    }))
    .on(/^docker push /, r => ({ lines: [`${r.argv.at(-1)}: digest: ${digestOf(r.argv.at(-1) as string)} size: 1`] }))
    // The workspace is a checkout of the event's commit, as actions/checkout leaves it.
    .on(/^git -C \S+ rev-parse --show-toplevel HEAD$/, { stdout: `${ws}\n${SHA}` });
  fake.current = f;
  return f;
}

const pushToMain = { name: 'push', ref: 'refs/heads/main', payload: { repository: { full_name: 'acme/api', default_branch: 'main' } } };
const forkPullRequest = {
  name: 'pull_request',
  ref: 'refs/pull/3/merge',
  payload: {
    repository: { full_name: 'acme/api', default_branch: 'main' },
    pull_request: { number: 3, head: { ref: 'x', repo: { full_name: 'mallory/api' } }, base: { ref: 'main', repo: { full_name: 'acme/api' } } }
  }
};

function outputs(): Record<string, string> {
  const text = fs.readFileSync(path.join(dir, 'output'), 'utf8');
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/^([^<\n]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) out[m[1]] = m[3];
  return out;
}

const warnings = () => printed.filter(l => l.startsWith('::warning::'));

beforeEach(() => {
  savedEnv = { ...process.env };
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-main-'));
  printed = [];
  process.exitCode = undefined;
  vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
    printed.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  process.env = savedEnv;
  process.exitCode = undefined;
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('main: the pull path on a runner with the docker driver', () => {
  it('a push to main: builder stage, image, commit and cache tags together, then latest; outputs written', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    await run();
    expect(process.exitCode).toBeUndefined();
    const builds = f.commands().filter(c => /^docker (build|push) /.test(c));
    expect(builds.map(c => (c.includes('--target builder') ? 'build builder' : c.startsWith('docker build') ? 'build image' : c))).toEqual([
      'build builder',
      'build image',
      `docker push ${IMAGE}:${SHA}`,
      `docker push ${IMAGE}:builder`,
      `docker push ${IMAGE}:latest`
    ]);
    expect(outputs()).toMatchObject({
      strategy: 'pull',
      digest: digestOf(`${IMAGE}:${SHA}`),
      'latest-moved': 'true',
      trusted: 'true',
      'builder-cache-hit': 'false',
      tags: [`${IMAGE}:${SHA}`, `${IMAGE}:builder`, `${IMAGE}:latest`].join('\n')
    });
    expect(warnings()).toEqual([]);
  });

  it("a fork's pull request: no login, no push, no secret file; outputs say untrusted", async () => {
    const f = runner(forkPullRequest, {
      'go-cache': 'false',
      'registry-username': 'bot',
      'registry-password': 'pw-123456',
      secrets: 'token=tok-abcdef'
    });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().some(c => /^docker (login|push)/.test(c))).toBe(false);
    expect(f.commands().join('\n')).not.toMatch(/--secret|pw-123456|tok-abcdef/);
    expect(outputs()).toMatchObject({ trusted: 'false', digest: '', tags: '', 'latest-moved': 'false' });
    expect(warnings()).toEqual([
      '::warning::Untrusted code (untrusted code: pull_request: a pull request from the fork mallory/api): nothing is pushed, no cache is saved, no secret or login is used'
    ]);
  });

  it('a push that fails fails the step with the fix, and moves no other tag', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    f.on(new RegExp(`^docker push ${IMAGE}:${SHA}`), { exitCode: 1, lines: ['denied: requested access to the resource is denied'] });
    await run();
    expect(process.exitCode).toBe(1);
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`, `docker push ${IMAGE}:builder`]);
    expect(printed.find(l => l.startsWith('::error::'))).toBe(
      `::error::Push ${IMAGE}:${SHA} failed (exit 1): denied: requested access to the resource is denied. Fix: check that the registry is reachable and that the credentials (registry-username/registry-password, or an earlier docker login) may push to ${IMAGE}`
    );
    expect(outputs()['latest-moved']).toBe('false');
  });

  it('a comparison that fails still labels the image with an inputs value that matches no hash', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    // The Dockerfile goes once the inputs are read: the hash cannot be made at all.
    f.on(/^docker --version$/, () => {
      fs.rmSync(path.join(dir, 'ws', 'Dockerfile'));
      return { stdout: 'Docker version 28.5.2, build ecc6942' };
    });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(printed).toContainEqual(expect.stringMatching(/^inputs not compared: ENOENT/));
    const image = f.calls.find(c => c.argv[1] === 'build' && !c.argv.includes('--target'))?.argv ?? [];
    expect(image.filter(a => a.startsWith('io.github.cached-image-build.inputs='))).toEqual([
      expect.stringMatching(/^io\.github\.cached-image-build\.inputs=unknown-[0-9a-f]{32}$/)
    ]);
  });

  it('a cache tag the registry fails to answer for is left out of the build, with a warning that names it', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    f.on(new RegExp(`imagetools inspect --raw ${IMAGE}:builder$`), {
      exitCode: 1,
      lines: ['ERROR: unexpected status from HEAD request: 401 Unauthorized']
    });
    await run();
    expect(warnings()).toEqual([
      `::warning::Cache tag ${IMAGE}:builder could not be read (unexpected status from HEAD request: 401 Unauthorized); building without it`
    ]);
    const builder = f.calls.find(c => c.argv.includes('--target'))?.argv ?? [];
    expect(builder).not.toContain('--cache-from');
    expect(process.exitCode).toBeUndefined();
  });
});

describe('main: trust from what is checked out (issue #21)', () => {
  const dispatchOnMain = {
    name: 'workflow_dispatch',
    ref: 'refs/heads/main',
    payload: { repository: { full_name: 'acme/api', default_branch: 'main' } }
  };
  const other = 'f'.repeat(40);
  /** The workspace holds `head`, which git says is (or is not, or cannot tell) in main's history. */
  const checkedOut = (f: FakeProcesses, head: string, merged: 0 | 1 | 128) => {
    f.on(/^git -C \S+ rev-parse --show-toplevel HEAD$/, { stdout: `${path.join(dir, 'ws')}\n${head}` });
    f.on(new RegExp(`^git -C \\S+ merge-base --is-ancestor ${head} ${SHA}$`), { exitCode: merged });
    f.on(/^git -C \S+ rev-parse --is-shallow-repository$/, { stdout: 'false' });
  };

  it('a manual run on main whose checkout is an unmerged branch: the commit tag given, nothing shared', async () => {
    const f = runner(dispatchOnMain, { 'go-cache': 'false', commit: other });
    checkedOut(f, other, 1);
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${other}`]);
    expect(f.commands()).toContain(`git -C ${path.join(dir, 'ws')} merge-base --is-ancestor ${other} ${SHA}`);
    expect(outputs()['latest-moved']).toBe('false');
    expect(printed).toContain(
      "::notice::the default branch's cache tags are not written: the commit built (ffffffffffff) is not in the history of the default branch main"
    );
  });

  it('a run that built another commit than GITHUB_SHA without the commit input pushes nothing, and says to set it', async () => {
    const f = runner(dispatchOnMain, { 'go-cache': 'false' });
    checkedOut(f, other, 0);
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().some(c => /^docker (push|buildx imagetools create)/.test(c))).toBe(false);
    expect(warnings()).toEqual([expect.stringContaining(`Set the input commit to the commit built (commit: ${other}`)]);
  });

  it('a workspace that is no git repository: the commit tag, not latest nor the cache tags', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    f.on(/^git -C \S+ rev-parse --show-toplevel HEAD$/, { exitCode: 128, lines: ['fatal: not a git repository'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`]);
    expect(outputs()['latest-moved']).toBe('false');
  });

  it('untrusted code on a builder that stays is refused before any work, naming the opt-in', async () => {
    const f = runner(forkPullRequest, { 'go-cache': 'false', builder: 'ci' });
    await run();
    expect(process.exitCode).toBe(1);
    expect(printed.find(l => l.startsWith('::error::'))).toMatch(/not built on the builder ci .*allow-untrusted-on-builder: true/);
    expect(f.commands().filter(c => !c.startsWith('git '))).toEqual(['docker --version']);
  });

  it('opted in, untrusted code builds on that builder, and no marker is taken as proof there', async () => {
    const f = runner(forkPullRequest, { builder: 'ci', 'allow-untrusted-on-builder': 'true' });
    f.on(/^docker buildx inspect --bootstrap ci/, {
      stdout: 'Name: ci\nDriver: docker-container\n\nNodes:\nName: ci0\nEndpoint: unix:///x\nStatus: running\n'
    });
    f.on(/^docker buildx build /, { lines: [] });
    f.on(a => a[0] === process.execPath, { lines: ['cib-cache-result={}'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(outputs().trusted).toBe('false');
    expect(f.commands().some(c => c.includes('probe.Dockerfile') || c.includes('buildx du'))).toBe(false);
    // Nothing restored: the mounts are emptied, as on a fresh builder.
    expect(f.calls.filter(c => c.argv.includes('--file') && flag(c.argv, '--file').endsWith('fill.Dockerfile')).map(c => c.argv.slice(0, 4))).toEqual(
      [['docker', 'buildx', 'build', '--builder']]
    );
  });

  it('opted in on a self-hosted runner: its Go folders are emptied before the restore, their marker no proof', async () => {
    const goFolders = [path.join(dir, 'gomod'), path.join(dir, 'gocache')];
    const prebuildRun = (inputs: Record<string, string>) => {
      const f = runner(pushToMain, { prebuild: './...', ...inputs });
      process.env.RUNNER_ENVIRONMENT = 'self-hosted';
      const keys: string[] = [];
      f.on(
        a => a[0] === process.execPath,
        r => {
          keys.push((JSON.parse(r.env?.CIB_CACHE_JOB ?? '{}') as { key: string }).key);
          return { lines: ['cib-cache-result={}'] };
        }
      );
      f.on(/^go build /, { lines: [] });
      return { f, keys };
    };
    // What an untrusted build left in the runner's Go folders, under a marker that names the very key.
    const leave = (key: string) => {
      for (const folder of goFolders) {
        fs.mkdirSync(folder, { recursive: true });
        fs.writeFileSync(path.join(folder, 'left-by-a-fork'), 'x');
        fs.writeFileSync(path.join(folder, '.cached-image-build-key'), `${key}\n`);
      }
    };
    const first = prebuildRun({});
    await run();
    const key = first.keys.find(k => k.startsWith('cached-image-build-go-')) as string;
    expect(key).toBeDefined();

    // Without the opt-in the marker is proof: nothing restored (warm).
    leave(key);
    const trusting = prebuildRun({});
    await run();
    expect(trusting.keys).toEqual([]);
    expect(outputs()['go-cache-hit']).toBe('warm');

    leave(key);
    const opted = prebuildRun({ 'allow-untrusted-on-builder': 'true' });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(opted.keys).toContain(key);
    for (const folder of goFolders) expect(fs.existsSync(path.join(folder, 'left-by-a-fork'))).toBe(false);
    expect(outputs()['go-cache-hit']).toBe('miss');
  });

  it("a fork's images file is not read; pull_request_target with the fork's files in the tree is untrusted", async () => {
    const f = runner(forkPullRequest, { image: '', images: 'images.yml' });
    await run();
    expect(process.exitCode).toBe(1);
    expect(printed.find(l => l.startsWith('::error::'))).toMatch(
      /^::error::Input 'images': the file 'images\.yml' is not read: this run builds untrusted code \(untrusted code: pull_request: a pull request from the fork mallory\/api\)/
    );
    expect(f.commands()).toEqual([]);

    process.exitCode = undefined;
    printed = [];
    const target = { ...forkPullRequest, name: 'pull_request_target', ref: 'refs/heads/main' };
    const g = runner(target, { images: '', 'go-cache': 'false', 'registry-username': 'bot', 'registry-password': 'pw-123456' });
    g.on(
      /^git --no-optional-locks -C \S+ status --porcelain=v1 -z --ignored=matching --untracked-files=normal -- :\(literal\)\. :\(literal\)Dockerfile$/,
      {
        stdout: 'M  main.go\0'
      }
    );
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(outputs().trusted).toBe('false');
    expect(g.commands().some(c => /^docker (login|push)/.test(c))).toBe(false);
    expect(warnings()[0]).toMatch(/the work tree is not the commit aaaaaaaaaaaa: M {2}main\.go/);

    // Its images file, read since the event alone left it open, is refused once the tree says untrusted.
    process.exitCode = undefined;
    printed = [];
    const h = runner(target, { image: '', images: 'images.yml' });
    fs.writeFileSync(path.join(dir, 'ws', 'images.yml'), `api:\n  image: ${IMAGE}\n`);
    h.on(/^git --no-optional-locks -C \S+ status /, { stdout: '?? images.yml\0' });
    await run();
    expect(process.exitCode).toBe(1);
    expect(printed.find(l => l.startsWith('::error::'))).toMatch(
      /^::error::Input 'images': the file 'images\.yml' is not used: this run builds untrusted code/
    );
    expect(h.commands().filter(c => !c.startsWith('git '))).toEqual(['docker --version']);
  });
});

describe('main: latest never moves on a guess', () => {
  const withRevision = (revision: string) => ({
    stdout: JSON.stringify({
      manifest: { digest: `sha256:${'6'.repeat(64)}` },
      image: { config: { Labels: { 'org.opencontainers.image.revision': revision } } }
    })
  });

  it("a shallow clone cannot tell whether latest's commit contains this one: latest stays, the commit and cache tags are pushed", async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    const older = 'b'.repeat(40);
    f.on(new RegExp(`imagetools inspect --format .* ${IMAGE}:latest$`), withRevision(older));
    f.on(new RegExp(`^git -C .* merge-base --is-ancestor ${SHA} ${older}$`), { exitCode: 1 });
    f.on(/^git -C \S+ rev-parse --is-shallow-repository$/, { stdout: 'true' });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`, `docker push ${IMAGE}:builder`]);
    expect(outputs()).toMatchObject({ 'latest-moved': 'false' });
    const why = `git cannot tell whether latest's commit bbbbbbbbbbbb contains aaaaaaaaaaaa (a shallow clone: actions/checkout with fetch-depth: 0 lets it): latest stays where it is`;
    expect(printed).toContain(`::notice::${why}`);
    expect(outputs()['latest-reason']).toBe(why);
    // Asked of the workspace's repository, not of the context's.
    expect(f.commands()).toContain(`git -C ${path.join(dir, 'ws')} merge-base --is-ancestor ${SHA} ${older}`);
  });

  it('latest pushed by another run while this one built, where git cannot tell which is newer: latest stays', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    const other = 'b'.repeat(40);
    let looks = 0;
    f.on(new RegExp(`imagetools inspect --format .* ${IMAGE}:latest$`), () =>
      looks++ === 0 ? { exitCode: 1, lines: [`ERROR: ${IMAGE}:latest: not found`] } : withRevision(other)
    );
    f.on(new RegExp(`^git -C .* merge-base --is-ancestor ${SHA} ${other}$`), { exitCode: 128, lines: ['fatal: Not a valid commit name'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`, `docker push ${IMAGE}:builder`]);
    expect(outputs()['latest-moved']).toBe('false');
    expect(outputs()['latest-reason']).toMatch(/^git cannot tell whether latest's commit bbbbbbbbbbbb contains aaaaaaaaaaaa/);
  });

  it("latest's revision that cannot be read just before its push: latest stays", async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    let looks = 0;
    // Not there when compared; then the registry fails to answer for it.
    f.on(new RegExp(`imagetools inspect --format .* ${IMAGE}:latest$`), () =>
      looks++ === 0
        ? { exitCode: 1, lines: [`ERROR: ${IMAGE}:latest: not found`] }
        : { exitCode: 1, lines: ['ERROR: unexpected status from HEAD request: 500 Internal Server Error'] }
    );
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`, `docker push ${IMAGE}:builder`]);
    expect(outputs()['latest-moved']).toBe('false');
    expect(printed).toContain(
      "::notice::latest's revision could not be read (unexpected status from HEAD request: 500 Internal Server Error), so whether it would move backwards cannot be told: latest stays where it is"
    );
  });
});

describe('main: two runs of the default branch that overlap', () => {
  it('a newer run moved latest while this one built: neither the cache tag nor latest is pushed, the commit tag is', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    const newer = 'd'.repeat(40);
    let looks = 0;
    // Before the build latest is not there yet; by the time of the pushes the newer run has pushed it.
    f.on(new RegExp(`imagetools inspect --format .* ${IMAGE}:latest$`), () =>
      looks++ === 0
        ? { exitCode: 1, lines: [`ERROR: ${IMAGE}:latest: not found`] }
        : {
            stdout: JSON.stringify({
              manifest: { digest: `sha256:${'6'.repeat(64)}` },
              image: { config: { Labels: { 'org.opencontainers.image.revision': newer } } }
            })
          }
    );
    f.on(new RegExp(`^git -C .* merge-base --is-ancestor ${SHA} ${newer}$`), { exitCode: 0 });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.startsWith('docker push'))).toEqual([`docker push ${IMAGE}:${SHA}`]);
    expect(printed).toContain(
      `Push ${IMAGE}:builder: skipped, latest moved to ${newer.slice(0, 12)} while this run built, and that commit contains ${SHA.slice(0, 12)}: the default branch's cache tag stays with it`
    );
    expect(outputs()['latest-moved']).toBe('false');
  });
});

describe('main: the probes', () => {
  it('the summary names the engine, its image store and buildx, as the probes found them; a tested engine gets no notice', async () => {
    // The containerd store would make auto take the buildx path: the pull path is asked for here.
    const f = runner(pushToMain, { 'go-cache': 'false', 'cache-strategy': 'pull' });
    f.on(/^docker version --format/, { stdout: '29.8.1-dev' }).on(/^docker info/, { stdout: '[["driver-type","io.containerd.snapshotter.v1"]]' });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(fs.readFileSync(SUMMARY, 'utf8')).toContain('**Engine:** Docker 29.8.1-dev, containerd image store, buildx 0.29.1.');
    expect(printed.filter(l => l.startsWith('::notice::'))).toEqual([]);
  });

  it('an engine newer than any tested gets a notice, and the run builds and pushes as usual', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    f.on(/^docker version --format/, { stdout: '30.0.0' });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(printed.filter(l => l.startsWith('::notice::'))).toEqual([
      '::notice::Docker engine 30.0.0 is newer than any this action is tested on (the newest is 29.x): it goes on as usual; if something fails, say so in an issue with this version'
    ]);
    expect(outputs()['latest-moved']).toBe('true');
    expect(fs.readFileSync(SUMMARY, 'utf8')).toContain('**Engine:** Docker 30.0.0, classic image store');
  });

  it('a buildx plugin that does not answer in time is said to be slow, not missing', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false' });
    f.on(/^docker buildx version/, { timedOut: 'still running after 30 s' });
    await run();
    expect(process.exitCode).toBe(1);
    expect(printed.filter(l => l.startsWith('::error::'))).toEqual([
      '::error::docker buildx version did not answer (still running after 30 s); the runner is slow to start the buildx plugin: raise lookup-timeout'
    ]);
  });
});

describe('main: no build when latest was built from these inputs', () => {
  it("copies latest's manifest to the commit tag and the extra tags; nothing is built or pushed", async () => {
    const f = runner(pushToMain, { 'go-cache': 'false', tags: 'v1' });
    const ws = path.join(dir, 'ws');
    const { readConfig } = await import('../src/config.js');
    const { buildInputsOf } = await import('../src/build-inputs.js');
    const { hashBuildInputs } = await import('../src/context-hash.js');
    const { readBuildPlatform } = await import('../src/build-platform.js');
    const config = readConfig(name => process.env[`INPUT_${name.toUpperCase()}`] ?? '', { env: process.env, workspace: ws });
    const digests = { '127.0.0.1:5000/base/go:1.26': `sha256:${'4'.repeat(64)}`, '127.0.0.1:5000/base/runtime:latest': `sha256:${'5'.repeat(64)}` };
    const platform = readBuildPlatform(config, process.env);
    const { hash } = await hashBuildInputs(buildInputsOf(config, { baseDigests: digests, rules: 'buildx', platform }));
    const image = (d: string, labels: Record<string, string> = {}) => ({
      stdout: JSON.stringify({ manifest: { digest: d }, image: { config: { Labels: labels } } })
    });
    f.on(/imagetools inspect --format \{\{json \.\}\} 127\.0\.0\.1:5000\/base\/go:1\.26$/, image(digests['127.0.0.1:5000/base/go:1.26']));
    f.on(
      /imagetools inspect --format \{\{json \.\}\} 127\.0\.0\.1:5000\/base\/runtime:latest$/,
      image(digests['127.0.0.1:5000/base/runtime:latest'])
    );
    f.on(
      new RegExp(`imagetools inspect --format .* ${IMAGE}:latest$`),
      image(`sha256:${'6'.repeat(64)}`, { 'io.github.cached-image-build.inputs': hash, 'org.opencontainers.image.revision': 'b'.repeat(40) })
    );
    f.on(new RegExp(`imagetools inspect --raw ${IMAGE}:builder$`), { stdout: '{}' });
    f.on(/^git -C .* merge-base --is-ancestor/, { exitCode: 1 });
    f.on(/^docker buildx imagetools create/, { lines: [] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => /^docker (build|push) |buildx build|buildx inspect|imagetools create/.test(c))).toEqual([
      `docker buildx imagetools create --prefer-index=false --tag ${IMAGE}:${SHA} --tag ${IMAGE}:v1 ${IMAGE}@sha256:${'6'.repeat(64)}`
    ]);
    expect(outputs()).toMatchObject({
      copied: 'true',
      strategy: 'copy',
      digest: `sha256:${'6'.repeat(64)}`,
      'builder-cache-hit': 'true',
      'go-cache-hit': 'unneeded',
      tags: [`${IMAGE}:${SHA}`, `${IMAGE}:v1`].join('\n'),
      'latest-moved': 'false'
    });
    // Nothing but the CLI's version was asked of the machine, and the post step is left nothing to do.
    expect(f.commands().filter(c => /^(docker (?!buildx imagetools)|go )/.test(c))).toEqual(['docker --version']);
    const state = fs.readFileSync(path.join(dir, 'state'), 'utf8');
    expect(state).toMatch(/^isPost<</);
    expect(state).not.toContain('cached-image-build');
  });

  it('copy-unchanged: false builds all the same', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false', 'copy-unchanged': 'false' });
    await run();
    expect(f.commands().some(c => c.includes('imagetools create'))).toBe(false);
    expect(outputs().copied).toBe('false');
  });
});

describe('main: the buildx path and its fallback', () => {
  const remote = 'Name: ci\nDriver: remote\n\nNodes:\nName: ci0\nEndpoint: tcp://127.0.0.1:1\nStatus: running\n';

  it('a builder that fails before pushing: auto falls back to the pull path, with a warning', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false', builder: 'ci' });
    f.on(/^docker buildx inspect --bootstrap ci/, { stdout: remote });
    f.on(/^docker buildx build /, { exitCode: 1, lines: ['ERROR: failed to dial: connection refused'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(outputs().strategy).toBe('pull');
    expect(warnings()).toEqual([
      '::warning::cache-strategy auto: fell back from buildx to the pull path, because ERROR: failed to dial: connection refused'
    ]);
  });

  it('a builder that fails after BuildKit pushed the commit tag: no fallback, no second image', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false', builder: 'ci' });
    f.on(/^docker buildx inspect --bootstrap ci/, { stdout: remote });
    f.on(/^docker buildx build /, {
      exitCode: 1,
      lines: [
        '#12 exporting to image',
        `#12 pushing manifest for ${IMAGE}:${SHA}@sha256:${'2'.repeat(64)} 0.1s done`,
        'ERROR: failed to dial: connection reset by peer'
      ]
    });
    await run();
    expect(process.exitCode).toBe(1);
    expect(f.commands().some(c => /^docker (build|push) /.test(c))).toBe(false);
    expect(warnings()).toEqual([]);
    // What BuildKit pushed before it failed is said, in the error and the tags output.
    expect(printed.find(l => l.startsWith('::error::'))).toContain(`BuildKit had pushed ${IMAGE}:${SHA} before it failed`);
    expect(outputs().tags).toBe(`${IMAGE}:${SHA}`);
  });

  it('a buildx build that pushed: latest and the extra tags by one registry-side copy of its digest', async () => {
    const f = runner(pushToMain, { 'go-cache': 'false', builder: 'ci', tags: 'v1' });
    f.on(/^docker buildx inspect --bootstrap ci/, { stdout: remote });
    f.on(/^docker buildx build /, r => ({
      lines: progress('builder', true),
      files: {
        [flag(r.argv, '--metadata-file')]: JSON.stringify({
          'containerimage.digest': `sha256:${'3'.repeat(64)}`,
          'cache.manifest': '{"digest":"sha256:c"}'
        })
      }
    }));
    f.on(/^docker buildx imagetools create/, { lines: ['done'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().filter(c => c.includes('imagetools create'))).toEqual([
      `docker buildx imagetools create --prefer-index=false --tag ${IMAGE}:latest --tag ${IMAGE}:v1 ${IMAGE}@sha256:${'3'.repeat(64)}`
    ]);
    expect(outputs()).toMatchObject({ strategy: 'buildx', 'builder-cache-hit': 'true', 'cache-refs': `${IMAGE}:buildcache` });
  });
});

describe('main: the Go caches', () => {
  /** The cache jobs: the key's entry as `hit` says, and its newest delta (none unless given). */
  const restored =
    (hit: 'exact' | 'partial' | 'miss', delta?: { key: string; files: string[] }) => (r: import('../src/run/process.js').ProcessRequest) => {
      const job = JSON.parse(r.env?.CIB_CACHE_JOB ?? '{}') as { key: string; paths: string[] };
      if (job.key.startsWith('cached-image-build-godelta-')) {
        if (!delta) return { lines: ['cib-cache-result={}'] };
        for (const file of delta.files) fs.mkdirSync(path.dirname(path.join(job.paths[0], file)), { recursive: true });
        return {
          lines: [`cib-cache-result=${JSON.stringify({ matchedKey: delta.key })}`],
          files: Object.fromEntries(delta.files.map(file => [path.join(job.paths[0], file), 'delta entry']))
        };
      }
      const matchedKey = hit === 'miss' ? undefined : hit === 'exact' ? job.key : 'cached-image-build-go-Linux-X64-go1.26-old';
      return { lines: [`cib-cache-result=${JSON.stringify(matchedKey ? { matchedKey } : {})}`] };
    };

  it('after a partial hit: filled, built, read back after the outputs, and saved in the post step', async () => {
    const f = runner(pushToMain, {});
    f.on(a => a[0] === process.execPath, restored('partial'));
    f.on(/^sh -c /, r => (fs.mkdirSync(r.argv[4], { recursive: true }), { lines: [] }));
    await run();
    expect(process.exitCode).toBeUndefined();
    const order = f
      .commands()
      .map(c =>
        c.startsWith(process.execPath)
          ? 'cache job'
          : c.includes('fill.Dockerfile')
            ? 'fill'
            : c.includes('extract-')
              ? 'read back'
              : c.startsWith('sh -c')
                ? 'unpack'
                : c.split(' ').slice(0, 2).join(' ')
      );
    expect(order.filter(c => ['cache job', 'fill', 'read back', 'unpack', 'docker build', 'docker push'].includes(c))).toEqual([
      'cache job',
      'cache job',
      'fill',
      'docker build',
      'docker build',
      'docker push',
      'docker push',
      'docker push',
      'read back',
      'unpack',
      'read back',
      'unpack'
    ]);
    const state = fs.readFileSync(path.join(dir, 'state'), 'utf8');
    expect(state).toMatch(/"goCacheSave":\{"key":"cached-image-build-go-Linux-X64-go1\.26-/);
  });

  it('a builder stage answered whole from the layer cache used no Go cache: nothing read back, nothing saved', async () => {
    const f = runner(pushToMain, {});
    f.on(a => a[0] === process.execPath, restored('partial'));
    f.on(/^docker build /, r => ({
      lines: progress('builder', true),
      files: r.argv.includes('--iidfile') ? { [flag(r.argv, '--iidfile')]: `sha256:${'1'.repeat(64)}` } : {}
    }));
    f.on(/^docker manifest inspect/, { lines: ['{}'] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(f.commands().some(c => c.includes('extract-'))).toBe(false);
    expect(printed).toContain('Go caches not saved: the builder stage came whole from the layer cache, so the build used none of them');
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
  });

  it('after an exact hit: the newest delta comes in aged, only what the build added is read back, and saved as a delta when new', async () => {
    const gocache = path.join(dir, 'gocache');
    fs.mkdirSync(path.join(gocache, '00'), { recursive: true });
    fs.writeFileSync(path.join(gocache, '00', 'base-a'), 'key entry');
    const old = new Date('2026-01-01T00:00:00Z');
    fs.utimesSync(path.join(gocache, '00', 'base-a'), old, old);
    const f = runner(pushToMain, {});
    const deltaKey = 'cached-image-build-godelta-Linux-X64-go1.26-x-previous';
    f.on(a => a[0] === process.execPath, restored('exact', { key: deltaKey, files: ['cd/old-d'] }));
    // The build added one entry beyond the restored delta.
    f.on(/^sh -c /, r => {
      for (const name of ['cd/old-d', 'ab/new-a']) fs.mkdirSync(path.join(r.argv[4], path.dirname(name)), { recursive: true });
      return { lines: [], files: { [path.join(r.argv[4], 'cd/old-d')]: 'x', [path.join(r.argv[4], 'ab/new-a')]: 'y' } };
    });
    const started = Date.now();
    await run();
    expect(process.exitCode).toBeUndefined();
    // The key's entries made recent, half an hour old (Go leaves them unmarked), the delta's moved in and aged two hours.
    const recent = started - fs.statSync(path.join(gocache, '00', 'base-a')).mtimeMs;
    expect(recent).toBeGreaterThan(25 * 60_000);
    expect(recent).toBeLessThan(35 * 60_000);
    const aged = fs.statSync(path.join(gocache, 'cd', 'old-d')).mtimeMs;
    expect(started - aged).toBeGreaterThan(110 * 60_000);
    expect(started - aged).toBeLessThan(130 * 60_000);
    // The full mounts are not read back: only the delta.
    expect(f.commands().filter(c => c.includes('extract-'))).toEqual([expect.stringContaining('extract-delta.Dockerfile')]);
    const state = fs.readFileSync(path.join(dir, 'state'), 'utf8');
    expect(state).toMatch(
      new RegExp(`"goCacheSave":\\{"key":"cached-image-build-godelta-Linux-X64-go1\\.26-[0-9a-f]{64}-${SHA}","paths":\\["${gocache}-delta"\\]`)
    );
    expect(fs.readdirSync(`${gocache}-delta`).sort()).toEqual(['ab', 'cd']);
    expect(printed).toContain(`Restored the delta ${deltaKey}: 1 GOCACHE entries compiled since the key's entry`);
  });

  it('after an exact hit, a build that compiled nothing beyond the restored delta saves nothing', async () => {
    const f = runner(pushToMain, {});
    const deltaKey = 'cached-image-build-godelta-Linux-X64-go1.26-x-previous';
    f.on(a => a[0] === process.execPath, restored('exact', { key: deltaKey, files: ['cd/old-d'] }));
    f.on(
      /^sh -c /,
      r => (fs.mkdirSync(path.join(r.argv[4], 'cd'), { recursive: true }), { lines: [], files: { [path.join(r.argv[4], 'cd/old-d')]: 'x' } })
    );
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
    expect(printed).toContain(`Go caches: the build compiled nothing beyond ${deltaKey}'s entries: no delta saved`);
    expect(warnings()).toEqual([]);
  });

  it('a builder whose mounts name this key (a warm machine): the restore stopped, nothing filled, read back or saved', async () => {
    // A first run tells the key (the cache job's request).
    let key = '';
    const first = runner(pushToMain, {});
    first.on(
      a => a[0] === process.execPath,
      r => {
        const job = (JSON.parse(r.env?.CIB_CACHE_JOB ?? '{}') as { key: string }).key;
        if (job.startsWith('cached-image-build-go-')) key = job;
        return restored('exact')(r);
      }
    );
    first.on(/^sh -c /, r => (fs.mkdirSync(r.argv[4], { recursive: true }), { lines: [] }));
    await run();
    // Without the base image the engine is a fresh one: it is not asked.
    expect(first.commands().some(c => c.includes('probe.Dockerfile'))).toBe(false);
    expect(first.commands().filter(c => c.includes('fill.Dockerfile'))).toHaveLength(1);
    expect(key).toMatch(/^cached-image-build-go-Linux-X64-go1\.26-/);

    const f = runner(pushToMain, {});
    f.on(/^docker image inspect --format \{\{\.Id\}\} 127\.0\.0\.1:5000\/base\/go:1\.26$/, { stdout: `sha256:${'2'.repeat(64)}` });
    f.on(/probe\.Dockerfile/, r => {
      const out = flag(r.argv, '--output').replace(/^type=local,dest=/, '');
      fs.mkdirSync(out, { recursive: true });
      return { files: { [path.join(out, '0')]: `${key}\n`, [path.join(out, '1')]: `${key}\n` } };
    });
    f.on(a => a[0] === process.execPath, restored('exact'));
    await run();
    expect(process.exitCode).toBeUndefined();
    const probe = f.calls.find(c => c.argv.includes('--output') && flag(c.argv, '--file').endsWith('probe.Dockerfile'));
    expect(probe?.argv.slice(0, 5)).toEqual(['docker', 'build', '--progress=plain', '--network', 'none']);
    expect(f.commands().some(c => c.includes('fill.Dockerfile') || c.includes('extract-'))).toBe(false);
    expect(outputs()['go-cache-hit']).toBe('warm');
    expect(printed).toContain(`the builder's cache mounts already hold the Go caches of ${key}: not restored, not filled`);
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
    expect(warnings()).toEqual([]);

    // Mounts that name another key (an older go.sum): restored and filled as on any runner.
    const other = runner(pushToMain, {});
    other.on(/^docker image inspect/, { stdout: `sha256:${'2'.repeat(64)}` });
    other.on(/probe\.Dockerfile/, r => {
      const out = flag(r.argv, '--output').replace(/^type=local,dest=/, '');
      fs.mkdirSync(out, { recursive: true });
      return { files: { [path.join(out, '0')]: 'cached-image-build-go-Linux-X64-go1.26-older\n', [path.join(out, '1')]: '' } };
    });
    other.on(a => a[0] === process.execPath, restored('exact'));
    await run();
    expect(outputs()['go-cache-hit']).toBe('exact');
    expect(other.commands().filter(c => c.includes('fill.Dockerfile'))).toHaveLength(1);
  });

  it('a read-back that fails is a warning; nothing is saved and the job succeeds', async () => {
    const f = runner(pushToMain, {});
    f.on(a => a[0] === process.execPath, restored('partial'));
    f.on(/extract-mod-0\.Dockerfile/, { exitCode: 1, lines: ['ERROR: failed to solve: no space left on device'] });
    f.on(/^sh -c /, r => (fs.mkdirSync(r.argv[4], { recursive: true }), { lines: [] }));
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^::warning::Read cache mount gomod back into .* failed, going on without it: ERROR: failed to solve: no space left on device$/
      ),
      "::warning::Go caches not saved: reading them back from the build did not work (see above); the runner's Go folders are as they were"
    ]);
    expect(outputs().digest).toBe(digestOf(`${IMAGE}:${SHA}`));
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
  });

  it('the runner keeps both Go folders as they were when one of the two mounts cannot be read back', async () => {
    const f = runner(pushToMain, {});
    for (const name of ['gomod', 'gocache']) fs.mkdirSync(path.join(dir, name, 'restored'), { recursive: true });
    f.on(a => a[0] === process.execPath, restored('partial'));
    f.on(/extract-mod-0\.Dockerfile/, { exitCode: 1, lines: ['ERROR: failed to solve: no space left on device'] });
    f.on(/^sh -c /, r => (fs.mkdirSync(path.join(r.argv[4], 'read-back'), { recursive: true }), { lines: [] }));
    await run();
    expect(process.exitCode).toBeUndefined();
    // The build cache was read back whole, but without the module cache it is not put in place.
    expect(fs.readdirSync(path.join(dir, 'gocache'))).toEqual(['restored']);
    expect(fs.readdirSync(path.join(dir, 'gomod'))).toEqual(['restored']);
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
  });

  it("both mounts read back: the runner's Go folders are the copies read back, trimmed, then saved", async () => {
    const f = runner(pushToMain, {});
    for (const name of ['gomod', 'gocache']) fs.mkdirSync(path.join(dir, name, 'restored'), { recursive: true });
    f.on(a => a[0] === process.execPath, restored('partial'));
    f.on(/^sh -c /, r => (fs.mkdirSync(path.join(r.argv[4], 'read-back'), { recursive: true }), { lines: [] }));
    await run();
    expect(process.exitCode).toBeUndefined();
    // The folders hold what is saved, and name its key (prebuild mode's warm skip reads it).
    expect(fs.readdirSync(path.join(dir, 'gocache')).sort()).toEqual(['.cached-image-build-key', 'read-back']);
    expect(fs.readdirSync(path.join(dir, 'gomod')).sort()).toEqual(['.cached-image-build-key', 'read-back']);
    const state = fs.readFileSync(path.join(dir, 'state'), 'utf8');
    expect(state).toContain('goCacheSave');
    const key = fs.readFileSync(path.join(dir, 'gocache', '.cached-image-build-key'), 'utf8').trim();
    expect(key).toMatch(/^cached-image-build-go-/);
    expect(state).toContain(key);
  });

  it('a copy read back that cannot be put in place is a warning: nothing saved, the job succeeds', async () => {
    const f = runner(pushToMain, {});
    for (const name of ['gomod', 'gocache']) fs.mkdirSync(path.join(dir, name, 'restored'), { recursive: true });
    f.on(a => a[0] === process.execPath, restored('partial'));
    // The unpack "succeeds" but leaves no folder behind: the swap cannot find it.
    f.on(/^sh -c /, { lines: [] });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(warnings()).toEqual([
      expect.stringMatching(
        /^::warning::Go caches not saved: putting the copy read back in place failed \(ENOENT.*\); .*gomod and .*gocache are as they were$/
      )
    ]);
    expect(fs.readdirSync(path.join(dir, 'gocache'))).toEqual(['restored']);
    expect(outputs().digest).toBe(digestOf(`${IMAGE}:${SHA}`));
    expect(fs.readFileSync(path.join(dir, 'state'), 'utf8')).not.toContain('goCacheSave');
  });

  it('a restore that fails half-way empties the Go folders and goes on without them', async () => {
    const f = runner(pushToMain, {});
    fs.mkdirSync(path.join(dir, 'gomod', 'half'), { recursive: true });
    f.on(a => a[0] === process.execPath, {
      lines: ['::error::Failed to restore: unexpected end of file', 'cib-cache-result={"matchedKey":"k","restoreFailed":true}']
    });
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(fs.existsSync(path.join(dir, 'gomod'))).toBe(false);
    expect(outputs()['go-cache-hit']).toBe('miss');
    expect(printed).toContain('::warning::Failed to restore: unexpected end of file');
    expect(printed.some(l => l.startsWith('::error::'))).toBe(false);
  });
});

describe('post', () => {
  it('a save that fails is a warning; logout still runs; the step never fails', async () => {
    const f = runner(pushToMain, {});
    process.env.STATE_cached_image_build = '';
    process.env['STATE_cached-image-build'] = JSON.stringify({
      loggedInRegistries: ['127.0.0.1:5000'],
      tempDir: path.join(dir, 'gone'),
      goCacheSave: { key: 'k', paths: [path.join(dir, 'gomod')], limitMs: 1000 }
    });
    f.on(a => a[0] === process.execPath, { timedOut: 'still running after 1 s' });
    f.on(/^docker logout/, { lines: ['Removing login credentials'] });
    await runPost();
    expect(process.exitCode).toBeUndefined();
    expect(warnings()).toEqual([
      '::warning::Saving the Go caches failed; the next run will build without them: the cache service did not finish in time (still running after 1 s)'
    ]);
    expect(f.commands().at(-1)).toBe('docker logout 127.0.0.1:5000');
  });

  it('state it cannot read is a warning, not a failure', async () => {
    runner(pushToMain, {});
    process.env['STATE_cached-image-build'] = '{not json';
    await runPost();
    expect(process.exitCode).toBeUndefined();
    expect(warnings()[0]).toMatch(/^::warning::Post step: the main step's state could not be read/);
  });
});
