import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInputsOf } from '../src/build-inputs.js';
import { readBuildPlatform } from '../src/build-platform.js';
import { readConfig } from '../src/config.js';
import { hashBuildInputs } from '../src/context-hash.js';
import { environment, inputs, makeWorkspace } from './support/workspace.js';

const AMD64 = { target: 'linux/amd64', build: 'linux/amd64' };
const DIGESTS = {
  '127.0.0.1:5000/base/go:1.26': `sha256:${'1'.repeat(64)}`,
  '127.0.0.1:5000/base/runtime:latest': `sha256:${'2'.repeat(64)}`
};

function config(values: Record<string, string> = {}) {
  const ws = makeWorkspace();
  fs.writeFileSync(path.join(ws, 'go.mod'), 'module x\n');
  return { ws, config: readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws)) };
}

describe('buildInputsOf', () => {
  it("takes the image build's inputs from the config", () => {
    const { ws, config: c } = config({ 'build-args': 'VERSION=2', labels: 'team=api', network: 'host' });
    expect(buildInputsOf(c, { baseDigests: DIGESTS, rules: 'docker-20.10', env: { SOURCE_DATE_EPOCH: '0' } })).toEqual({
      context: ws,
      dockerfile: path.join(ws, 'Dockerfile'),
      buildArgs: ['VERSION=2'],
      target: '',
      builderTarget: 'builder',
      platforms: [],
      labels: ['team=api'],
      network: 'host',
      baseDigests: DIGESTS,
      exclude: [],
      rules: 'docker-20.10',
      prebuild: false,
      env: { SOURCE_DATE_EPOCH: '0' }
    });
  });

  it("leaves out prebuild's output, written after the hash, and needs what go build reads instead (go-build-inputs.test)", async () => {
    const { config: c } = config({ prebuild: './cmd/api', 'builder-target': '' });
    const built = buildInputsOf(c, { baseDigests: DIGESTS, platform: AMD64 });
    expect(built).toMatchObject({ exclude: ['.prebuilt'], prebuild: true, goBuild: undefined });
    expect(await hashBuildInputs(built)).toMatchObject({
      exact: false,
      notes: ['prebuild mode: what go build on the runner reads was not looked at']
    });
  });

  it('holds the platform built for without platforms: DOCKER_DEFAULT_PLATFORM changes the hash, an engine elsewhere makes it inexact', async () => {
    const { ws, config: c } = config();
    const none = path.join(ws, 'no-docker-config');
    const hashOf = (env: Record<string, string>) =>
      hashBuildInputs(buildInputsOf(c, { baseDigests: DIGESTS, platform: readBuildPlatform(c, { DOCKER_CONFIG: none, ...env }) }));
    const native = await hashOf({});
    const arm = await hashOf({ DOCKER_DEFAULT_PLATFORM: 'linux/arm64' });
    expect(native.exact && arm.exact).toBe(true);
    expect(arm.hash).not.toBe(native.hash);
    expect((await hashOf({})).hash).toBe(native.hash);
    expect(await hashOf({ DOCKER_HOST: 'ssh://ci@build-host' })).toMatchObject({
      exact: false,
      notes: [
        "the platform built for is not known (DOCKER_HOST is ssh://ci@build-host, another machine's engine): set platforms (e.g. linux/amd64) so an unchanged commit can be copied"
      ]
    });
    // With platforms, what the engine is does not matter.
    const multi = readConfig(inputs({ image: '127.0.0.1:5000/acme/api', platforms: 'linux/amd64' }), environment(ws));
    expect(
      (await hashBuildInputs(buildInputsOf(multi, { baseDigests: DIGESTS, platform: readBuildPlatform(multi, { DOCKER_HOST: 'ssh://x' }) }))).exact
    ).toBe(true);
  });
});
