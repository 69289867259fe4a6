// Comparing with latest over a fake process seam: the registry's answers decide, and only an exact
// hash (every image the build pulls resolved to a digest) is ever compared.
import { describe, expect, it, vi } from 'vitest';
import { FakeProcesses } from './support/fake-seam.js';

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
const { compareWithLatest } = await import('../src/compare.js');
const { buildInputsOf } = await import('../src/build-inputs.js');
const { hashBuildInputs } = await import('../src/context-hash.js');
const { readConfig } = await import('../src/config.js');
const { readBuildPlatform } = await import('../src/build-platform.js');
const { environment, inputs, makeWorkspace } = await import('./support/workspace.js');

const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(makeWorkspace()));
const GO = '127.0.0.1:5000/base/go:1.26';
const RUNTIME = '127.0.0.1:5000/base/runtime:latest';
const digest = (n: number) => `sha256:${String(n).repeat(64).slice(0, 64)}`;
const inspect = (d: string, labels: Record<string, string> = {}) => ({
  stdout: JSON.stringify({ manifest: { digest: d }, image: { config: { Labels: labels } } })
});

function registry(images: Record<string, ReturnType<typeof inspect> | 'missing' | 'fails'>): void {
  fake.current = new FakeProcesses().on(/imagetools inspect --format/, r => {
    const answer = images[r.argv.at(-1) as string] ?? 'missing';
    if (answer === 'missing') return { exitCode: 1, lines: [`ERROR: ${r.argv.at(-1)}: not found`] };
    if (answer === 'fails') return { exitCode: 1, lines: ['ERROR: unexpected status: 503 Service Unavailable'] };
    return answer;
  });
}

/** The build's environment: a docker config with nothing in it, so the engine is this machine's. */
const ENV = { DOCKER_CONFIG: `${config.context}/no-docker-config` };
const options = { rules: 'buildx' as const, uses: 'the image is built first', mayMoveLatest: true, env: ENV };
const exactHash = async (digests: Record<string, string>) =>
  (await hashBuildInputs(buildInputsOf(config, { baseDigests: digests, rules: 'buildx', platform: readBuildPlatform(config, ENV), env: ENV }))).hash;

describe('compareWithLatest', () => {
  it('latest built from the same inputs, with the base images where they were: unchanged', async () => {
    const hash = await exactHash({ [GO]: digest(1), [RUNTIME]: digest(2) });
    registry({
      [GO]: inspect(digest(1)),
      [RUNTIME]: inspect(digest(2)),
      [`${config.image.name}:latest`]: inspect(digest(9), { 'io.github.cached-image-build.inputs': hash })
    });
    const { inputs: compared, latest } = await compareWithLatest(config, options);
    expect(compared).toMatchObject({ hash, unchanged: true });
    expect(latest?.digest).toBe(digest(9));
  });

  it("a run's images share their base image look-ups: each base image asked once, latest asked per image", async () => {
    const hash = await exactHash({ [GO]: digest(1), [RUNTIME]: digest(2) });
    registry({
      [GO]: inspect(digest(1)),
      [RUNTIME]: inspect(digest(2)),
      [`${config.image.name}:latest`]: inspect(digest(9), { 'io.github.cached-image-build.inputs': hash })
    });
    const baseLookups = new Map();
    const both = await Promise.all([compareWithLatest(config, { ...options, baseLookups }), compareWithLatest(config, { ...options, baseLookups })]);
    expect(both.map(c => c.inputs.unchanged)).toEqual([true, true]);
    const asked = (ref: string) => fake.current.commands().filter(c => c.endsWith(` ${ref}`)).length;
    expect([asked(GO), asked(RUNTIME), asked(`${config.image.name}:latest`)]).toEqual([1, 1, 2]);
  });

  it('a base image that moved since: the hash differs, a rebuild', async () => {
    const old = await exactHash({ [GO]: digest(1), [RUNTIME]: digest(2) });
    registry({
      [GO]: inspect(digest(3)),
      [RUNTIME]: inspect(digest(2)),
      [`${config.image.name}:latest`]: inspect(digest(9), { 'io.github.cached-image-build.inputs': old })
    });
    const { inputs: compared } = await compareWithLatest(config, options);
    expect(compared.unchanged).toBe(false);
    expect(compared.note).toMatch(/it was built from other inputs/);
  });

  it('a base image that cannot be resolved: the hash is not exact and never compared', async () => {
    registry({
      [GO]: 'fails',
      [RUNTIME]: inspect(digest(2)),
      [`${config.image.name}:latest`]: inspect(digest(9), { 'io.github.cached-image-build.inputs': 'x' })
    });
    const { inputs: compared } = await compareWithLatest(config, options);
    expect(compared.unchanged).toBe(false);
    expect(compared.note).toMatch(/the hash is not exact \(127\.0\.0\.1:5000\/base\/go:1\.26: unexpected status: 503 Service Unavailable/);
  });

  it('latest that cannot be read: a warning, no comparison, and the caller learns why', async () => {
    registry({ [GO]: inspect(digest(1)), [RUNTIME]: inspect(digest(2)), [`${config.image.name}:latest`]: 'fails' });
    const out = await compareWithLatest(config, options);
    expect(out.inputs.unchanged).toBe(false);
    expect(out.latestProblem).toBe('unexpected status: 503 Service Unavailable');
  });
});

describe('compareWithLatest: the platform built for', () => {
  it('FROM lines that name the target platform are resolved for the one built for', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const ws = makeWorkspace('FROM 127.0.0.1:5000/base/go:1.26-${TARGETARCH} AS builder\nFROM scratch\nCOPY --from=builder /out /out\n');
    const c = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(ws));
    const env = { ...ENV, DOCKER_DEFAULT_PLATFORM: 'linux/arm64' };
    registry({ '127.0.0.1:5000/base/go:1.26-arm64': inspect(digest(1)) });
    const { inputs: compared } = await compareWithLatest(c, { ...options, env });
    expect(compared.note).toMatch(/with 1 image digests.*it is not in the registry/);
    const hash = (
      await hashBuildInputs(
        buildInputsOf(c, {
          baseDigests: { '127.0.0.1:5000/base/go:1.26-arm64': digest(1) },
          rules: 'buildx',
          platform: readBuildPlatform(c, env),
          env
        })
      )
    ).hash;
    expect(compared.hash).toBe(hash);
    fs.rmSync(path.join(ws), { recursive: true, force: true });
  });

  it('an engine on another machine: the hash is not exact, and the notice says to set platforms', async () => {
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => (printed.push(...String(chunk).split('\n')), true));
    try {
      const hash = await exactHash({ [GO]: digest(1), [RUNTIME]: digest(2) });
      registry({
        [GO]: inspect(digest(1)),
        [RUNTIME]: inspect(digest(2)),
        [`${config.image.name}:latest`]: inspect(digest(9), { 'io.github.cached-image-build.inputs': hash })
      });
      const { inputs: compared } = await compareWithLatest(config, { ...options, env: { ...ENV, DOCKER_HOST: 'tcp://10.0.0.5:2376' } });
      expect(compared.unchanged).toBe(false);
      expect(printed.filter(l => l.startsWith('::notice::Inputs hash:'))).toEqual([
        "::notice::Inputs hash: the platform built for is not known (DOCKER_HOST is tcp://10.0.0.5:2376, another machine's engine): set platforms (e.g. linux/amd64) so an unchanged commit can be copied"
      ]);
    } finally {
      write.mockRestore();
    }
  });
});

describe('compareWithLatest: the # syntax= frontend', () => {
  it('is resolved with the base images: a moved frontend digest changes the hash, one that does not resolve makes it inexact', async () => {
    const ws = makeWorkspace('# syntax=docker/dockerfile:1\nFROM scratch AS builder\nCOPY . /src/\n');
    const c = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(ws));
    const hashWith = async (frontend: ReturnType<typeof inspect> | 'fails') => {
      registry({ 'docker/dockerfile:1': frontend });
      return (await compareWithLatest(c, options)).inputs;
    };
    const one = await hashWith(inspect(digest(1)));
    expect(fake.current.commands()).toContain('docker buildx imagetools inspect --format {{json .}} docker/dockerfile:1');
    expect((await hashWith(inspect(digest(1)))).hash).toBe(one.hash);
    expect((await hashWith(inspect(digest(2)))).hash).not.toBe(one.hash);
    // Not resolved: salted, so equal to nothing, not even the next run's.
    expect((await hashWith('fails')).hash).not.toBe((await hashWith('fails')).hash);
  });
});

describe('compareWithLatest: rules still being probed', () => {
  it("the context is read under buildx's rules at once, and again under the classic CLI's when the probe says so", async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const ws = makeWorkspace();
    // The classic CLI's fsutil reads **bar as bar only; buildx's also drops foobar.
    fs.writeFileSync(path.join(ws, '.dockerignore'), '**bar\n');
    fs.writeFileSync(path.join(ws, 'foobar'), 'x');
    const c = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(ws));
    registry({ [GO]: inspect(digest(1)), [RUNTIME]: inspect(digest(2)) });
    const hashOf = async (rules: import('../src/dockerignore.js').IgnoreRules | Promise<import('../src/dockerignore.js').IgnoreRules>) =>
      (await compareWithLatest(c, { ...options, rules })).inputs.hash;
    const classic = await hashOf('docker-20.10');
    const buildx = await hashOf('buildx');
    expect(classic).not.toBe(buildx);
    expect(await hashOf(Promise.resolve('docker-20.10'))).toBe(classic);
    expect(
      await hashOf(
        new Promise(resolve => {
          setTimeout(() => {
            resolve('buildx');
          }, 20);
        })
      )
    ).toBe(buildx);
    fs.rmSync(ws, { recursive: true, force: true });
  });
});

describe('compareWithLatest: what the hash met is said', () => {
  it('a name in the context the hash cannot be exact about is a notice, even when latest is not there to compare with', async () => {
    const fs = await import('node:fs');
    const path = await import('node:path');
    const odd = path.join(config.context, 'odd-\uFFFD.txt');
    fs.writeFileSync(odd, 'x');
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => (printed.push(...String(chunk).split('\n')), true));
    try {
      registry({ [GO]: inspect(digest(1)), [RUNTIME]: inspect(digest(2)) });
      const { inputs: compared } = await compareWithLatest(config, options);
      expect(compared.unchanged).toBe(false);
      expect(printed.filter(l => l.startsWith('::notice::Inputs hash:'))).toEqual([expect.stringContaining('the name is not valid UTF-8')]);
    } finally {
      write.mockRestore();
      fs.rmSync(odd, { force: true });
    }
  });
});
