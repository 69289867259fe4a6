// Does the builder already hold this key's Go caches? The probe over a fake process seam: what it
// asks, in which order, and what each answer means (any failure only means "no").
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeProcesses, flag } from './support/fake-seam.js';
import type { Facts } from '../src/facts.js';
import type { GoMount } from '../src/cache/go-cache.js';

const fake = vi.hoisted(() => ({ current: undefined as unknown as import('./support/fake-seam.js').FakeProcesses }));
vi.mock('../src/run/process.js', async original => ({
  ...(await original<typeof import('../src/run/process.js')>()),
  runProcess: (request: import('../src/run/process.js').ProcessRequest) => fake.current.run(request)
}));
const { probeMounts } = await import('../src/cache/mount-probe.js');

const KEY = 'cached-image-build-go-Linux-X64-go1.26-abc';
const MOUNTS: GoMount[] = [
  { mount: { stage: 'builder', id: 'gomod', target: '/go/pkg/mod' }, kind: 'mod' },
  { mount: { stage: 'builder', id: 'gobuild', target: '/root/.cache/go-build' }, kind: 'build' }
];
const LIMIT = { idleMs: 60_000 };
let dir = '';
let facts: Facts;

const DU_HEADER = 'ID                                          RECLAIMABLE    SIZE        LAST ACCESSED';

/** The probe build's answer: it writes each mount's marker (or none) where --output points. */
function probeWrites(markers: Array<string | undefined>) {
  return (request: { argv: string[] }) => {
    const out = /dest=(.*)$/.exec(flag(request.argv, '--output'))?.[1] as string;
    fs.mkdirSync(out, { recursive: true });
    const files: Record<string, string> = {};
    markers.forEach((marker, i) => {
      if (marker !== undefined) files[path.join(out, String(i))] = marker;
    });
    return { lines: ['#5 DONE 0.1s'], files };
  };
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-mount-probe-'));
  facts = { tempDir: dir, now: '2026-12-07T23:00:00.000Z' } as Facts;
  fake.current = new FakeProcesses().on(/./, { exitCode: 1, lines: ['unexpected command'] });
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const go = { mounts: MOUNTS, baseImage: '127.0.0.1:5000/base/go:1.26', key: KEY };
const onBuilder = { argv: ['docker', 'buildx', 'build', '--builder', 'ci'], builder: 'ci' };
const onEngine = { argv: ['docker', 'build'] };

describe('probeMounts', () => {
  it('a named builder with no cache mount at all: no, without a probe build', async () => {
    fake.current.on(/^docker buildx du --builder ci --filter type=exec\.cachemount$/, { stdout: `${DU_HEADER}\nReclaimable:\t0B\nTotal:\t0B\n` });
    const result = await probeMounts(go, facts, onBuilder, LIMIT);
    expect(result).toMatchObject({ warm: false, said: 'the builder holds no cache mount yet' });
    expect(fake.current.commands()).toEqual(['docker buildx du --builder ci --filter type=exec.cachemount']);
  });

  it('every mount marked with this key: warm, after one probe build that reads the markers and nothing else', async () => {
    fake.current
      .on(/^docker buildx du/, { stdout: `${DU_HEADER}\nxyz123                                      true           12.5MB      2 minutes ago\n` })
      .on(/^docker buildx build --builder ci --progress=plain/, probeWrites([`${KEY}\n`, `${KEY}\n`]));
    const result = await probeMounts(go, facts, onBuilder, LIMIT);
    expect(result.warm).toBe(true);
    expect(result.said).toBe(`gomod: ${KEY}, gobuild: ${KEY}`);
    const build = fake.current.calls[1].argv;
    // No network, a context of nothing, the markers as local output: the probe can change nothing.
    expect(flag(build, '--network')).toBe('none');
    expect(flag(build, '--output')).toBe(`type=local,dest=${path.join(dir, 'probed-mounts')}`);
    expect(build.at(-1)).toBe(path.join(dir, 'empty-context'));
    const dockerfile = fs.readFileSync(flag(build, '--file'), 'utf8');
    expect(dockerfile).toContain('--mount=type=cache,id=gomod,target=/go/pkg/mod');
    expect(dockerfile).toContain('--mount=type=cache,id=gobuild,target=/root/.cache/go-build');
    // The markers are read and the folder removed.
    expect(fs.existsSync(path.join(dir, 'probed-mounts'))).toBe(false);
  });

  it('one mount of another key, or with no marker: not warm (the restore and the fill run)', async () => {
    fake.current.on(/^docker build /, probeWrites([`${KEY}\n`, 'cached-image-build-go-Linux-X64-go1.26-other\n']));
    expect((await probeMounts(go, facts, onEngine, LIMIT)).warm).toBe(false);
    fake.current.on(/^docker build /, probeWrites([`${KEY}\n`, undefined]));
    const result = await probeMounts(go, facts, onEngine, LIMIT);
    expect(result).toMatchObject({ warm: false, said: `gomod: ${KEY}, gobuild: no marker` });
    // On the engine's own BuildKit nothing is asked before the probe build.
    expect(fake.current.commands().every(c => c.startsWith('docker build '))).toBe(true);
  });

  it('a probe build that fails or runs out of time: not warm, and it says why', async () => {
    fake.current.on(/^docker build /, { exitCode: 1, lines: ['ERROR: failed to solve: base image not found'] });
    expect(await probeMounts(go, facts, onEngine, LIMIT)).toMatchObject({
      warm: false,
      said: 'the probe build failed (ERROR: failed to solve: base image not found)'
    });
    fake.current.on(/^docker build /, { timedOut: 'no output for 60 s' });
    expect((await probeMounts(go, facts, onEngine, LIMIT)).said).toBe('the probe build failed (no output for 60 s)');
  });

  it('a builder whose cache list cannot be read is probed all the same', async () => {
    fake.current
      .on(/^docker buildx du/, { exitCode: 1, lines: ['ERROR: unknown flag: --filter'] })
      .on(/^docker buildx build /, probeWrites([KEY, KEY]));
    expect((await probeMounts(go, facts, onBuilder, LIMIT)).warm).toBe(true);
  });
});
