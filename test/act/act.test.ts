// The workflows run by a real workflow runner: nektos/act (pinned in scripts/install-tools.sh) on
// the host (-P ubuntu-latest=-self-hosted), with act's own cache server serving @actions/cache (v1
// protocol) and the loopback registry. GitHub's actions are stand-ins (test/act/stand-ins) that act's
// --local-repository points at; so is this action's published name, at the temporary repository.
//
// The repository act runs on is a temporary git repository holding what a user's would: the
// workflows (.github/workflows/build.yml and the callers in test/act/workflows), the action (dist/,
// action.yml) and the fixture test/fixtures/hello-svc. Docker calls go to DOCKER_HOST when set.
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compiledPackages, stageBuildSteps, stageBuildTitle, stepOutput } from '../e2e/support/log.js';
import { REGISTRY, listTags, manifestDigest } from '../e2e/support/registry.js';
import { ROOT, wipeRunner } from '../e2e/support/stack.js';

// Built by the stack (scripts/stack.sh up-tests) before any test starts.
const ACT = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'tools/bin/act');
const STAND_INS = path.join(ROOT, 'test/act/stand-ins');
const image = `${REGISTRY}/act/hello-${Date.now().toString(36)}`;
const PASSWORD = `act-password-${process.pid}`;
const PROBE_SECRET = `probe-secret-${process.pid}`;
const COMPILE = /^RUN .*go build/;
/** What the compile printed, in the first build that reached the builder stage. */
const compileOutput = (log: string) => stepOutput(log, stageBuildTitle(log, 'builder'), COMPILE);

let repo = '';
let state = '';
const times: Array<[string, number]> = [];

const dirs = () => ({
  cache: path.join(state, 'actcache'),
  actions: path.join(state, 'actions'),
  GOMODCACHE: path.join(state, 'home/go/pkg/mod'),
  GOCACHE: path.join(state, 'home/.cache/go-build'),
  DOCKER_CONFIG: path.join(state, 'docker-config'),
  result: path.join(state, 'result.json')
});

function git(...args: string[]): string {
  return execFileSync('git', args, {
    cwd: repo,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'act',
      GIT_AUTHOR_EMAIL: 'act@example.com',
      GIT_COMMITTER_NAME: 'act',
      GIT_COMMITTER_EMAIL: 'act@example.com'
    }
  }).trim();
}

/** A new commit, as a push would bring: the image is tagged with it. */
function commit(message: string): string {
  git('commit', '-q', '--allow-empty', '-m', message);
  return git('rev-parse', 'HEAD');
}

/** A fresh runner: no images or build cache on the engine (the registry stays), empty Go folders. */
function freshRunner(): void {
  wipeRunner();
  for (const dir of [dirs().GOMODCACHE, dirs().GOCACHE]) {
    if (fs.existsSync(dir)) {
      execFileSync('chmod', ['-R', 'u+w', dir]);
      fs.rmSync(dir, { recursive: true, force: true });
    }
    fs.mkdirSync(dir, { recursive: true });
  }
}

/** The archives act's cache server holds (its bolt.db aside). */
function cacheFiles(): Array<{ file: string; size: number }> {
  const root = path.join(dirs().cache, 'cache');
  if (!fs.existsSync(root)) return [];
  return (fs.readdirSync(root, { recursive: true }) as string[])
    .map(f => path.join(root, f))
    .filter(f => fs.statSync(f).isFile())
    .map(file => ({ file, size: fs.statSync(file).size }));
}

interface ActRun {
  code: number;
  /** act's output, each job's `[workflow/job]   | ` prefix taken off, as the action logged it. */
  log: string;
  raw: string;
  seconds: number;
  /** What the caller workflow wrote to CIB_ACT_RESULT (JSON), if it did. */
  result?: Record<string, string>;
}

/** The environment act (and on the host, every job) runs with: the host's, minus any outer runner's. */
function actEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || /^(GITHUB_|RUNNER_|ACTIONS_|INPUT_|STATE_)/.test(key)) continue;
    env[key] = value;
  }
  const d = dirs();
  return {
    ...env,
    GOMODCACHE: d.GOMODCACHE,
    GOCACHE: d.GOCACHE,
    GOPROXY: process.env.STACK_GOPROXY as string,
    GOSUMDB: 'off',
    NO_PROXY: '127.0.0.1,localhost',
    // Its own docker config: the action's login and logout touch no one else's.
    DOCKER_CONFIG: d.DOCKER_CONFIG,
    CHECKOUT_STAND_IN_REPO: repo,
    CIB_ACT_RESULT: d.result
  };
}

/**
 * GitHub's payload names the default branch; act's own default payload does not. With a payload
 * file, act takes a manual run's inputs from it too.
 */
function defaultPayload(args: string[]): string[] {
  const file = path.join(state, `${args[0]}.json`);
  const inputs = Object.fromEntries(args.flatMap((a, i) => (args[i - 1] === '--input' ? [a.split(/=(.*)/s).slice(0, 2) as [string, string]] : [])));
  fs.writeFileSync(file, JSON.stringify({ ref: 'refs/heads/main', inputs, repository: { full_name: 'acme/hello-svc', default_branch: 'main' } }));
  return ['-e', file];
}

/** What the probe's RUN step printed (BuildKit's `#N 0.123 text` lines), not the echo of its command. */
const probeSaid = (log: string) => [...log.matchAll(/^#\d+ \d+\.\d+ (probe secret: \w+)$/gm)].map(m => m[1]);

async function act(label: string, args: string[]): Promise<ActRun> {
  const d = dirs();
  fs.rmSync(d.result, { force: true });
  const argv = [
    ...args,
    ...(args.includes('-e') ? [] : defaultPayload(args)),
    '-P',
    'ubuntu-latest=-self-hosted',
    '--cache-server-addr',
    '127.0.0.1',
    '--cache-server-port',
    '0',
    '--cache-server-path',
    d.cache,
    '--action-cache-path',
    d.actions,
    '--no-skip-checkout',
    ...standInRefs().flatMap(ref => ['--local-repository', `${ref}=${path.join(STAND_INS, ref.slice('actions/'.length, ref.indexOf('@')))}`]),
    '--local-repository',
    `cached-image-build/cached-image-build@v0=${repo}`,
    '--var',
    `IMAGE=${image}`,
    '--var',
    'REGISTRY_USERNAME=act',
    '--var',
    `NONCE=${label.replace(/[^a-z0-9]+/gi, '-')}-${Date.now()}`,
    '-s',
    `REGISTRY_PASSWORD=${PASSWORD}`,
    '-s',
    `BUILD_SECRETS=probe=${PROBE_SECRET}`
  ];
  const started = Date.now();
  const { code, output } = await new Promise<{ code: number; output: string }>((resolve, reject) => {
    const child = spawn(ACT, argv, { cwd: repo, env: actEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('close', c => {
      resolve({ code: c ?? -1, output });
    });
  });
  const seconds = (Date.now() - started) / 1000;
  times.push([label, seconds]);
  fs.writeFileSync(path.join(state, `${label.replace(/[^a-z0-9]+/gi, '-')}.log`), output);
  const result = fs.existsSync(d.result) ? (JSON.parse(fs.readFileSync(d.result, 'utf8')) as Record<string, string>) : undefined;
  return { code, raw: output, log: unprefix(output), seconds, result };
}

/** `[wf/job]   | text` → `text`, `[wf/job]   ❓  ::group::T` → `::group::T`: the action's own lines. */
function unprefix(output: string): string {
  return output
    .split('\n')
    .map(line => line.replace(/^\[[^\]]+\] {3}(?:\| |❓ {2}|⚙ {2})/, ''))
    .join('\n');
}

/** Outputs act saw set (`::set-output:: name=value`), single-line ones. */
function setOutputs(run: ActRun): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of run.log.matchAll(/^::set-output:: ([a-z-]+)=(.*)$/gm)) out[m[1]] = m[2];
  return out;
}

function expectSuccess(run: ActRun): void {
  if (run.code !== 0) throw new Error(`act exited ${run.code}:\n${run.raw.slice(-6000)}`);
  expect(run.raw).toMatch(/🏁 {2}Job succeeded/);
  // act masks the secrets; they never reach the log.
  expect(run.raw).not.toContain(PASSWORD);
  expect(run.raw).not.toContain(PROBE_SECRET);
}

/**
 * Every reference of GitHub's actions that have a stand-in, as the workflows write them (build.yml
 * pins them by commit, the callers by major version): each is mapped to its stand-in.
 */
function standInRefs(): string[] {
  const workflows = path.join(repo, '.github/workflows');
  const refs = fs
    .readdirSync(workflows)
    .flatMap(file =>
      [...fs.readFileSync(path.join(workflows, file), 'utf8').matchAll(/uses:\s*(actions\/(?:checkout|setup-go)@[^\s#]+)/g)].map(m => m[1])
    );
  return [...new Set(refs)].sort();
}

/** What the caller workflow wrote to CIB_ACT_RESULT; a run that wrote nothing fails here, saying so. */
function outputsOf(run: ActRun): Record<string, string> {
  if (!run.result) throw new Error('the caller workflow wrote no result (CIB_ACT_RESULT)');
  return run.result;
}

const nonFrom = (log: string) => stageBuildSteps(log, 'builder').filter(v => !v.instruction?.startsWith('FROM'));

beforeAll(() => {
  state = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-act-state-'));
  repo = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-act-repo-'));
  fs.cpSync(path.join(ROOT, 'dist'), path.join(repo, 'dist'), { recursive: true });
  fs.copyFileSync(path.join(ROOT, 'action.yml'), path.join(repo, 'action.yml'));
  for (const fixture of ['hello-svc', 'mono']) {
    fs.cpSync(path.join(ROOT, 'test/fixtures', fixture), path.join(repo, 'test/fixtures', fixture), { recursive: true });
  }
  const workflows = path.join(repo, '.github/workflows');
  fs.mkdirSync(workflows, { recursive: true });
  fs.copyFileSync(path.join(ROOT, '.github/workflows/build.yml'), path.join(workflows, 'build.yml'));
  for (const file of fs.readdirSync(path.join(ROOT, 'test/act/workflows'))) {
    fs.copyFileSync(path.join(ROOT, 'test/act/workflows', file), path.join(workflows, file));
  }
  fs.mkdirSync(dirs().DOCKER_CONFIG, { recursive: true });
  // The runner's docker has the buildx plugin, as GitHub's images have it (the CLI looks in DOCKER_CONFIG).
  const buildx = path.join(process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker'), 'cli-plugins/docker-buildx');
  fs.mkdirSync(path.join(dirs().DOCKER_CONFIG, 'cli-plugins'), { recursive: true });
  fs.symlinkSync(buildx, path.join(dirs().DOCKER_CONFIG, 'cli-plugins/docker-buildx'));
  git('init', '-q', '-b', 'main');
  // github.repository comes from the origin remote: a pull request's head repo is compared with it.
  git('remote', 'add', 'origin', 'https://github.com/acme/hello-svc.git');
  git('add', '-A');
  git('commit', '-q', '-m', 'hello-svc');
}, 900_000);

afterAll(() => {
  // Keep act's logs (one file per run) for a look after a failure; drop the bulky runner state.
  for (const dir of [path.join(state, 'home'), dirs().actions, dirs().cache]) {
    if (fs.existsSync(dir)) execFileSync('rm', ['-rf', dir]);
  }
  if (repo) fs.rmSync(repo, { recursive: true, force: true });
  console.log(`act runs (${image}, logs in ${state}):\n${times.map(([l, s]) => `  ${l}: ${s.toFixed(1)} s`).join('\n')}`);
});

describe('the workflows under act', { timeout: 600_000 }, () => {
  let firstSha = '';

  it('act reads every workflow of the project (ci.yml, build.yml) and of the tests', () => {
    for (const dir of [path.join(ROOT, '.github/workflows'), path.join(ROOT, 'test/act/workflows')]) {
      const list = execFileSync(ACT, ['--list', '-W', dir, '-P', 'ubuntu-latest=-self-hosted'], { cwd: repo, env: actEnv(), encoding: 'utf8' });
      expect(list).toMatch(/Job ID/);
    }
  });

  it("push, cold: the image and the builder tag pushed, the Go caches saved into act's cache server", async () => {
    freshRunner();
    firstSha = git('rev-parse', 'HEAD');
    const run = await act('1 push, cold', ['push', '-W', '.github/workflows/push.yml']);
    expectSuccess(run);
    const out = outputsOf(run);
    expect(out['go-cache-hit']).toBe('miss');
    expect(out['builder-cache-hit']).toBe('false');
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.digest).toBe(await manifestDigest(image, firstSha));
    expect(await listTags(image)).toEqual(['builder', 'latest', 'main', firstSha].sort());
    expect(out.tags.split('\n').sort()).toEqual([`${image}:builder`, `${image}:${firstSha}`, `${image}:latest`, `${image}:main`].sort());
    expect(compiledPackages(compileOutput(run.log)).length).toBeGreaterThan(30);
    expect(run.log).toMatch(/^Go caches saved under cached-image-build-go-Linux-X64-go1\.26-[0-9a-f]{64}/m);
    const files = cacheFiles();
    expect(files.length).toBe(1);
    expect(files[0].size).toBeGreaterThan(1_000_000);
    // The action's job summary, as act reports it.
    expect(run.raw).toContain('Summary - <h2>Cached Image Build</h2>');
  });

  it("push again on a fresh runner, no change: latest has the same inputs, so nothing is built: the new tags get latest's image", async () => {
    freshRunner();
    const entriesBefore = cacheFiles().length;
    const latest = await manifestDigest(image, 'latest');
    const sha = commit('second push');
    const run = await act('2 push, fresh runner', ['push', '-W', '.github/workflows/push.yml']);
    expectSuccess(run);
    const out = outputsOf(run);
    expect(out).toMatchObject({ copied: 'true', 'go-cache-hit': 'unneeded', 'builder-cache-hit': 'true', digest: latest });
    expect(run.log).not.toContain('::group::Fill cache mount');
    expect(run.log).not.toMatch(/^\[command\]\S*docker (build|push) /m);
    expect(out.tags.split('\n').sort()).toEqual([`${image}:${sha}`, `${image}:main`].sort());
    expect(await manifestDigest(image, sha)).toBe(latest);
    // Nothing restored, nothing written.
    expect(run.log).not.toContain('Go caches saved');
    expect(cacheFiles().length).toBe(entriesBefore);
  });

  it('workflow_dispatch of build.yml with no-cache: nothing taken from any cache, the image and builder tag pushed afresh', async () => {
    freshRunner();
    const sha = commit('manual rebuild');
    const latestBefore = await manifestDigest(image, 'latest');
    const builderBefore = await manifestDigest(image, 'builder');
    const entriesBefore = cacheFiles().length;
    const run = await act('3 workflow_dispatch, clean rebuild', [
      'workflow_dispatch',
      '-W',
      '.github/workflows/build.yml',
      '--input',
      `image=${image}`,
      '--input',
      'ref=main',
      '--input',
      'no-cache=true',
      '--input',
      'context=test/fixtures/hello-svc',
      '--input',
      'file=Dockerfile.cachemount',
      '--input',
      'network=host'
    ]);
    expectSuccess(run);
    // A run of the default branch building its own commit: in its history, so latest may move.
    expect(run.log).toMatch(
      /event workflow_dispatch, trusted true: push true, no-cache true, go-cache false, latest auto \([0-9a-f]{40} in the default branch's history\), secrets given/
    );
    expect(run.log).toContain(`checkout stand-in: ${sha} (main)`);
    // No layer cache: --no-cache and no --cache-from; no Go caches restored or injected.
    const builds = run.log.split('\n').filter(l => /^\[command\]\S*docker build .*--iidfile/.test(l));
    expect(builds.length).toBe(2);
    for (const line of builds) {
      expect(line).toContain('--no-cache');
      expect(line).not.toContain('--cache-from');
    }
    expect(run.log).toContain('Go caches not used: go-cache: false');
    expect(run.log).not.toContain('::group::Fill cache mount');
    const steps = nonFrom(run.log);
    expect(steps.length).toBeGreaterThan(3);
    expect(steps.every(v => v.status !== 'cached')).toBe(true);
    expect(compiledPackages(compileOutput(run.log)).length).toBeGreaterThan(30);
    expect(setOutputs(run)['builder-cache-hit']).toBe('false');
    // Pushed afresh: the builder tag (the next run's layer cache) and the image.
    const digest = setOutputs(run).digest;
    expect(digest).toBe(await manifestDigest(image, 'latest'));
    expect(digest).toBe(await manifestDigest(image, sha));
    expect(digest).not.toBe(latestBefore);
    expect(await manifestDigest(image, 'builder')).not.toBe(builderBefore);
    expect(run.log).not.toContain('Go caches saved');
    expect(cacheFiles().length).toBe(entriesBefore);
    expect(run.raw).toContain('Summary - ### ' + image);
  });

  it('workflow_dispatch of build.yml with a ref on no branch or tag (a pull request head, by SHA): refused before the build', async () => {
    // As GitHub keeps a pull request's head: under refs/pull/N/head, on no branch of the repository.
    const main = git('rev-parse', 'HEAD');
    const head = commit('a pull request head, on no branch');
    git('update-ref', 'refs/pull/9/head', head);
    git('reset', '-q', '--hard', main);
    git('config', 'uploadpack.allowAnySHA1InWant', 'true');
    const tagsBefore = (await listTags(image)).sort();
    const run = await act('5 workflow_dispatch of a pull request head by SHA', [
      'workflow_dispatch',
      '-W',
      '.github/workflows/build.yml',
      '--input',
      `image=${image}`,
      '--input',
      `ref=${head}`,
      '--input',
      'context=test/fixtures/hello-svc',
      '--input',
      'network=host'
    ]);
    // act's own log in the message: CI keeps no files.
    const said = run.raw.slice(-6000);
    expect(run.code, said).not.toBe(0);
    expect(run.log, said).toContain(`checkout stand-in: ${head} (${head})`);
    // Refused by that step. Its ::error:: line is not asserted here: act (host mode) stops reading a
    // failing step's terminal as soon as the step exits, so that last line is lost now and then.
    // __tests__/build-workflow.test.ts runs the step's script and checks what it prints.
    expect(run.raw, said).toMatch(/❌ {2}Failure - Main Refuse a ref that is on no branch or tag \[/);
    // Refused before the action ran: nothing built, logged in or pushed.
    expect(run.log).not.toMatch(/docker build|docker login|Compare with latest|Probe the environment/);
    expect((await listTags(image)).sort()).toEqual(tagsBefore);
  });

  it('a caller invokes the reusable workflow and reads its outputs (digest, tags)', async () => {
    const sha = commit('through the reusable workflow');
    const run = await act('4 push, reusable workflow', ['push', '-W', '.github/workflows/call.yml']);
    expectSuccess(run);
    expect(run.log).toMatch(/^setup-go stand-in: go1\.26/m);
    const out = outputsOf(run);
    expect(out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(out.digest).toBe(await manifestDigest(image, sha));
    expect(out.digest).toBe(await manifestDigest(image, 'reusable'));
    // The clean rebuild before labelled latest with the same inputs: nothing to build, the new tags
    // get latest's image (latest itself already is it).
    expect(out.tags.split('\n').sort()).toEqual([`${image}:${sha}`, `${image}:reusable`].sort());
    expect(out.digest).toBe(await manifestDigest(image, 'latest'));
    expect(out['go-cache-hit']).toBe('unneeded');
    expect(out['builder-cache-hit']).toBe('true');
  });

  it('a pull request from a fork: builds, pushes nothing, writes no cache', async () => {
    const event = path.join(state, 'pull_request.json');
    // The fork changes a line of Go: the inputs differ from latest's, and the Go caches are read.
    fs.appendFileSync(path.join(repo, 'test/fixtures/hello-svc/internal/greeting/greeting.go'), '\nvar forkMarker = 1\n');
    git('add', '-A');
    const head = commit('from a fork');
    fs.writeFileSync(
      event,
      JSON.stringify({
        action: 'opened',
        number: 7,
        pull_request: {
          number: 7,
          head: { ref: 'feature', sha: head, repo: { full_name: 'someone/hello-svc' } },
          base: { ref: 'main', repo: { full_name: 'acme/hello-svc' } }
        },
        repository: { full_name: 'acme/hello-svc', default_branch: 'main' }
      })
    );
    const tagsBefore = await listTags(image);
    const latestBefore = await manifestDigest(image, 'latest');
    const builderBefore = await manifestDigest(image, 'builder');
    const entriesBefore = cacheFiles().length;
    const run = await act('5 pull_request from a fork', ['pull_request', '-e', event, '-W', '.github/workflows/call.yml']);
    expectSuccess(run);
    expect(run.log).toMatch(/event pull_request, trusted false: push false, no-cache false, go-cache read-only, latest .*, secrets withheld/);
    expect(outputsOf(run).digest).toBe('');
    expect(outputsOf(run).tags).toBe('');
    // The Go caches are read (go.sum is unchanged), never written.
    expect(outputsOf(run)['go-cache-hit']).toBe('exact');
    expect(await listTags(image)).toEqual(tagsBefore);
    expect(await manifestDigest(image, 'latest')).toBe(latestBefore);
    expect(await manifestDigest(image, 'builder')).toBe(builderBefore);
    expect(run.log).not.toContain('Go caches saved');
    expect(cacheFiles().length).toBe(entriesBefore);
    expect(run.log).not.toMatch(/^::group::Push /m);
  });

  describe('what reaches the build: the BuildKit secret and the registry password', () => {
    const probe = `${image}-probe`;
    const probeEvent = (name: string, head: string | null) => {
      const file = path.join(state, `${name}-probe.json`);
      fs.writeFileSync(
        file,
        JSON.stringify({
          action: 'opened',
          number: 8,
          pull_request: {
            number: 8,
            head: { ref: 'patch-1', sha: git('rev-parse', 'HEAD'), repo: head ? { full_name: head } : null },
            base: { ref: 'main', repo: { full_name: 'acme/hello-svc' } }
          },
          repository: { full_name: 'acme/hello-svc', default_branch: 'main' }
        })
      );
      return file;
    };

    it('a trusted push: the secret reaches the build, the job logs in and pushes', async () => {
      commit('probe, trusted');
      const run = await act('6 push, secrets probe', ['push', '-W', '.github/workflows/call-secrets.yml']);
      expectSuccess(run);
      expect(probeSaid(run.log)).toEqual(['probe secret: present']);
      expect(run.log).toMatch(/^::group::Log in to /m);
      expect(outputsOf(run).trusted).toBe('true');
      expect(outputsOf(run).digest).toBe(await manifestDigest(probe, git('rev-parse', 'HEAD')));
    });

    it.each([
      ['pull_request', 'someone/hello-svc'],
      ['pull_request_target', null]
    ])('%s from %s: no secret reaches the build, no login, nothing pushed', async (name, head) => {
      const digests = async (): Promise<Record<string, string | undefined>> =>
        Object.fromEntries(
          await Promise.all(
            (await listTags(probe)).map(async (tag): Promise<[string, string | undefined]> => [tag, await manifestDigest(probe, tag)])
          )
        );
      const before = await digests();
      const run = await act(`7 ${name} from ${head ?? 'a deleted fork'}, secrets probe`, [
        name,
        '-e',
        probeEvent(name, head),
        '-W',
        '.github/workflows/call-secrets.yml'
      ]);
      expectSuccess(run);
      expect(run.log).toMatch(
        new RegExp(`event ${name}, trusted false: push false, no-cache false, go-cache read-only, latest .*, secrets withheld`)
      );
      expect(probeSaid(run.log)).toEqual(['probe secret: absent']);
      expect(run.log).not.toMatch(/^::group::Log in to /m);
      expect(outputsOf(run).trusted).toBe('false');
      expect(outputsOf(run).digest).toBe('');
      // No tag added, none moved.
      expect(await digests()).toEqual(before);
      // The action was handed no password and no BuildKit secret at all.
      expect(run.log).not.toContain(PASSWORD);
      expect(run.log).not.toContain(PROBE_SECRET);
    });
  });

  it('the reusable workflow with images: two services of a monorepo in one job, each pushed, one summary', async () => {
    const sha = commit('two images through the reusable workflow');
    const run = await act('8 push, reusable workflow, images', ['push', '-W', '.github/workflows/call-images.yml']);
    expectSuccess(run);
    const out = outputsOf(run);
    // Several images: no single digest; the images output has each one's.
    expect(out.digest).toBe('');
    const images = JSON.parse(out.images) as Record<string, { image: string; digest: string; built: boolean; tags: string[] }>;
    expect(Object.keys(images).sort()).toEqual(['api', 'worker']);
    for (const [name, entry] of Object.entries(images)) {
      expect(entry.image).toBe(`${image}-${name}`);
      expect(entry.built).toBe(true);
      expect(entry.digest).toBe(await manifestDigest(`${image}-${name}`, sha));
      expect(entry.tags).toContain(`${image}-${name}:${sha}`);
    }
    // One job summary: the action's overview of the two, and the workflow's table with a row per image.
    expect(run.raw).toContain('Summary - <h2>Cached Image Build: 2 images</h2>');
    for (const [name, entry] of Object.entries(images)) expect(run.raw).toContain(`| ${name} | \`${entry.image}\` built, \`${entry.digest}\` |`);
  });
});
