import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildInputsOf } from '../src/build-inputs.js';
import { readConfig } from '../src/config.js';
import { hashBuildInputs } from '../src/context-hash.js';
import { environment, inputs, makeWorkspace } from './support/workspace.js';

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
    expect(buildInputsOf(c, { baseDigests: DIGESTS, rules: 'docker-20.10' })).toEqual({
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
      rules: 'docker-20.10'
    });
  });

  it("leaves out prebuild's output, written after the hash", async () => {
    const { ws, config: c } = config({ prebuild: './cmd/api', 'builder-target': '' });
    const exclude = buildInputsOf(c).exclude ?? [];
    expect(exclude).toHaveLength(1);
    const first = await hashBuildInputs(buildInputsOf(c, { baseDigests: DIGESTS }));
    fs.mkdirSync(path.join(ws, exclude[0]), { recursive: true });
    fs.writeFileSync(path.join(ws, exclude[0], 'api'), 'binary');
    const second = await hashBuildInputs(buildInputsOf(c, { baseDigests: DIGESTS }));
    expect(first.exact && second.exact).toBe(true);
    expect(second.hash).toBe(first.hash);
  });
});
