import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hashBuildInputs } from '../src/build-inputs.js';
import { readConfig } from '../src/config.js';
import { environment, inputs, makeWorkspace } from './support/workspace.js';

/** A context with a few files and a .dockerignore, and a hash function over it. */
function context(dockerignore = 'docs\n*.md\n') {
  const ws = makeWorkspace();
  fs.mkdirSync(path.join(ws, 'cmd/api'), { recursive: true });
  fs.mkdirSync(path.join(ws, 'docs'), { recursive: true });
  fs.writeFileSync(path.join(ws, 'go.mod'), 'module x\n');
  fs.writeFileSync(path.join(ws, 'cmd/api/main.go'), 'package main\n');
  fs.writeFileSync(path.join(ws, 'docs/guide.txt'), 'guide\n');
  fs.writeFileSync(path.join(ws, 'README.md'), 'readme\n');
  fs.writeFileSync(path.join(ws, '.dockerignore'), dockerignore);
  const hash = async (values: Record<string, string> = {}) =>
    (await hashBuildInputs(readConfig(inputs({ image: '127.0.0.1:5000/acme/api', ...values }), environment(ws)))).hash;
  return { ws, hash };
}

describe('hashBuildInputs', () => {
  it('is the same for the same inputs, whatever the files\' times', async () => {
    const { ws, hash } = context();
    const first = await hash();
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    fs.utimesSync(path.join(ws, 'go.mod'), new Date(0), new Date(0));
    expect(await hash()).toBe(first);
  });

  it('changes with a file of the context, its executable bit, the Dockerfile or a build arg', async () => {
    const { ws, hash } = context();
    const seen = new Set([await hash()]);
    fs.appendFileSync(path.join(ws, 'cmd/api/main.go'), '// one line\n');
    seen.add(await hash());
    fs.chmodSync(path.join(ws, 'go.mod'), 0o755);
    seen.add(await hash());
    fs.appendFileSync(path.join(ws, 'Dockerfile'), 'LABEL a=b\n');
    seen.add(await hash());
    seen.add(await hash({ 'build-args': 'VERSION=2' }));
    fs.writeFileSync(path.join(ws, 'cmd/api/new.go'), 'package main\n');
    seen.add(await hash());
    expect(seen.size).toBe(6);
  });

  it('leaves out what .dockerignore leaves out, as BuildKit does', async () => {
    const { ws, hash } = context();
    const first = await hash();
    fs.appendFileSync(path.join(ws, 'README.md'), 'more\n');
    fs.writeFileSync(path.join(ws, 'docs/other.txt'), 'x\n');
    expect(await hash()).toBe(first);
  });

  it('walks an ignored folder when a ! rule brings a file back', async () => {
    const { ws, hash } = context('docs\n!docs/guide.txt\n');
    const first = await hash();
    fs.writeFileSync(path.join(ws, 'docs/other.txt'), 'x\n');
    expect(await hash()).toBe(first);
    fs.appendFileSync(path.join(ws, 'docs/guide.txt'), 'changed\n');
    expect(await hash()).not.toBe(first);
  });

  it('prefers the Dockerfile\'s own .dockerignore beside it', async () => {
    const { ws, hash } = context('');
    const first = await hash();
    fs.writeFileSync(path.join(ws, 'Dockerfile.dockerignore'), 'README.md\n');
    const own = await hash();
    expect(own).not.toBe(first);
    fs.appendFileSync(path.join(ws, 'README.md'), 'more\n');
    expect(await hash()).toBe(own);
  });

  it('leaves out the folders it is told to (prebuild output, written after the hash)', async () => {
    const { ws } = context();
    const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(ws));
    const first = (await hashBuildInputs(config, ['.prebuilt'])).hash;
    fs.mkdirSync(path.join(ws, '.prebuilt'));
    fs.writeFileSync(path.join(ws, '.prebuilt/api'), 'binary');
    expect((await hashBuildInputs(config, ['.prebuilt'])).hash).toBe(first);
    expect((await hashBuildInputs(config)).hash).not.toBe(first);
  });
});
