import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { readDockerfile } from '../src/dockerfile.js';
import { planBuildx } from '../src/plan/buildx.js';
import { choosePlan } from '../src/plan/choose.js';
import { checkPlatforms, stagesOnTargetPlatform } from '../src/plan/platforms.js';
import { parseIndex } from '../src/registry.js';
import { BUILDX_FACTS, FACTS, environment, inputs, makeWorkspace, planInputOf } from './support/workspace.js';

const FIXTURES = path.resolve(import.meta.dirname, '../test/fixtures/hello-svc');
const multiarch = readDockerfile(fs.readFileSync(path.join(FIXTURES, 'Dockerfile.multiarch'), 'utf8'));
const plain = readDockerfile(fs.readFileSync(path.join(FIXTURES, 'Dockerfile'), 'utf8'));
const amd64Only = { name: 'ci', driver: 'docker-container', platforms: ['linux/amd64', 'linux/amd64/v2', 'linux/386'] };
const withQemu = { ...amd64Only, platforms: [...amd64Only.platforms, 'linux/arm64'] };
const both = ['linux/amd64', 'linux/arm64'];

describe('stages that would run under emulation', () => {
  it('are those with RUN steps whose FROM is not on $BUILDPLATFORM', () => {
    expect(stagesOnTargetPlatform(multiarch)).toEqual([]);
    expect(stagesOnTargetPlatform(plain)).toEqual(['builder']);
  });
  it('cross-compiling needs no warning; emulation is said with the fix; a builder that cannot run the platform is refused', () => {
    expect(checkPlatforms({ platforms: both, dockerfile: multiarch }, amd64Only)).toEqual({});
    expect(checkPlatforms({ platforms: ['linux/amd64'], dockerfile: plain }, amd64Only)).toEqual({});
    expect(checkPlatforms({ platforms: both, dockerfile: plain }, withQemu).warning).toMatch(
      /^stage builder runs RUN steps on the target platform, so for linux\/arm64 it would run under emulation .*\nFROM --platform=\$BUILDPLATFORM golang:1\.26 AS builder\nARG TARGETOS TARGETARCH\nRUN GOOS=\$TARGETOS GOARCH=\$TARGETARCH go build …$/
    );
    expect(checkPlatforms({ platforms: both, dockerfile: plain }, amd64Only).error).toMatch(
      /^Input 'platforms': stage builder [\s\S]*\nand builder ci cannot run linux\/arm64 \(its platforms: linux\/amd64, linux\/amd64\/v2, linux\/386\)$/
    );
  });
});

describe('platforms in the plan', () => {
  const ws = makeWorkspace(fs.readFileSync(path.join(FIXTURES, 'Dockerfile.multiarch'), 'utf8'));
  it('the buildx path builds them all at once, and never falls back to the pull path', () => {
    const plan = planBuildx(planInputOf(ws, { platforms: 'linux/amd64,linux/arm64' }, { facts: BUILDX_FACTS }));
    const argv = plan.steps[0].argv;
    expect(argv.slice(argv.indexOf('--platform'), argv.indexOf('--platform') + 2)).toEqual(['--platform', 'linux/amd64,linux/arm64']);
    expect(plan.steps[0].fallback).toBeUndefined();
    expect(planBuildx(planInputOf(ws, {}, { facts: BUILDX_FACTS })).steps[0].fallback).toBe(true);
  });
  it("auto on the classic store's docker driver cannot build them, and says what to use", () => {
    const facts = { ...FACTS, buildx: '0.29.1', builder: { name: 'default', driver: 'docker', status: 'running' } };
    expect(() => choosePlan(planInputOf(ws, { platforms: 'linux/amd64,linux/arm64' }, { facts }))).toThrow(
      /^Input 'platforms': linux\/amd64, linux\/arm64 need the buildx path, and builder default uses the docker driver.*docker\/setup-buildx-action/
    );
    const containerd = { ...facts, imageStore: 'containerd' as const };
    expect(choosePlan(planInputOf(ws, { platforms: 'linux/amd64,linux/arm64' }, { facts: containerd })).strategy).toBe('buildx');
  });
  it('prebuild mode runs one go build per platform, each into its own folder', () => {
    const only = makeWorkspace(
      'FROM 127.0.0.1:5000/base/runtime:multi\nARG TARGETOS TARGETARCH\nCOPY .prebuilt/${TARGETOS}_${TARGETARCH}/app /app\n'
    );
    const plan = planBuildx(planInputOf(only, { prebuild: './cmd/app', platforms: 'linux/amd64,linux/arm64' }, { facts: BUILDX_FACTS }));
    expect(plan.steps.filter(s => s.phase === 'prebuild').map(s => [s.argv.slice(4, 6), s.env?.GOOS, s.env?.GOARCH])).toEqual([
      [['-o', `${path.join(only, '.prebuilt', 'linux_amd64')}${path.sep}`], 'linux', 'amd64'],
      [['-o', `${path.join(only, '.prebuilt', 'linux_arm64')}${path.sep}`], 'linux', 'arm64']
    ]);
  });
});

describe('the platforms input', () => {
  const ws = makeWorkspace();
  const read = (values: Record<string, string>) => readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws));
  it('takes os/arch[/variant] lists, refuses the rest before any work', () => {
    expect(read({ platforms: 'linux/amd64, linux/arm64\nlinux/arm/v7' }).platforms).toEqual(['linux/amd64', 'linux/arm64', 'linux/arm/v7']);
    expect(() => read({ platforms: 'arm64' })).toThrow("Input 'platforms': 'arm64' is not a platform");
    expect(() => read({ platforms: 'linux/arm64,linux/arm64' })).toThrow("Input 'platforms': 'linux/arm64' is given twice");
    expect(() => read({ platforms: 'linux/arm64', 'cache-strategy': 'pull' })).toThrow(/^Input 'platforms': the pull path .* builds one platform/);
  });
});

describe("an index's platforms", () => {
  it('lists each image manifest, attestations left out', () => {
    const index = JSON.stringify({
      manifests: [
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm64' } },
        { digest: 'sha256:c', platform: { os: 'unknown', architecture: 'unknown' } }
      ]
    });
    expect(parseIndex(index)).toEqual([
      { platform: 'linux/amd64', digest: 'sha256:a' },
      { platform: 'linux/arm64', digest: 'sha256:b' }
    ]);
  });
});
