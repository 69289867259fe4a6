import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { SHA, environment, inputs, makeWorkspace } from './support/workspace.js';

const ws = makeWorkspace();
const config = (values: Record<string, string>, env?: Record<string, string>) =>
  readConfig(inputs({ image: 'ghcr.io/acme/api', ...values }), environment(ws, env));

describe('readConfig', () => {
  it('gives the defaults a user expects', () => {
    const c = config({});
    expect(c).toMatchObject({
      image: { name: 'ghcr.io/acme/api', registry: 'ghcr.io' },
      context: ws,
      file: path.join(ws, 'Dockerfile'),
      builderTarget: 'builder',
      extraTags: [],
      push: true,
      pullPrevious: false,
      noCache: false,
      cacheStrategy: 'auto',
      commit: SHA,
      source: 'https://github.com/acme/api'
    });
    expect(c.login).toBeUndefined();
  });

  it('puts bare extra tags on the image and keeps full references', () => {
    expect(config({ tags: 'v1.2.3, stable\nghcr.io/acme/other:v1' }).extraTags).toEqual([
      'ghcr.io/acme/api:v1.2.3',
      'ghcr.io/acme/api:stable',
      'ghcr.io/acme/other:v1'
    ]);
  });

  it('logs in to the registry of the image', () => {
    expect(config({ 'registry-username': 'bot', 'registry-password': 's3cret' }).login).toEqual({
      registry: 'ghcr.io',
      username: 'bot',
      password: 's3cret'
    });
  });

  it.each([
    [{ image: '' }, /Input 'image': is required/],
    [{ image: 'ghcr.io/acme/api:v1' }, /Input 'image': .* has a tag or digest/],
    [{ image: 'GHCR.io/Acme/API' }, /Input 'image': .* not a valid repository/],
    [{ context: 'nowhere' }, /Input 'context': .* is not a directory/],
    [{ file: 'Dockerfile.missing' }, /Input 'file': .* does not exist/],
    [{ 'builder-target': 'compile' }, /Input 'builder-target': .* defines no stage 'compile' \(named stages: builder\)/],
    [{ tags: 'bad tag!' }, /Input 'tags': 'bad tag!' is not a valid tag/],
    [{ tags: 'ghcr.io/Acme/x:v1' }, /Input 'tags': .* not a valid image reference/],
    [{ push: 'maybe' }, /Input 'push': 'maybe' is not a boolean/],
    [{ 'cache-strategy': 'fast' }, /Input 'cache-strategy': 'fast' is not one of auto, pull, buildx/],
    [{ 'build-args': 'NOVALUE' }, /Input 'build-args': 'NOVALUE' is not KEY=VALUE/],
    [{ secrets: 'bad id=x' }, /Input 'secrets': secret id 'bad id'/],
    [{ 'registry-username': 'bot' }, /Input 'registry-password': registry-username and registry-password go together/]
  ])('rejects %o, naming the input', (values, message) => {
    expect(() => config(values)).toThrow(message);
  });

  it('takes the commit from the commit input over GITHUB_SHA', () => {
    expect(config({ commit: 'abcdef0123456789abcdef0123456789abcdef01' }).commit).toBe('abcdef0123456789abcdef0123456789abcdef01');
    expect(() => config({ commit: 'main' })).toThrow(/Input 'commit': 'main' is not a commit SHA/);
  });

  it('reads go-cache as true, false or read-only', () => {
    expect(config({}).goCache).toMatchObject({ save: true });
    expect(config({ 'go-cache': 'read-only' }).goCache).toMatchObject({ save: false });
    expect(() => config({ 'go-cache': 'sometimes' })).toThrow(/Input 'go-cache': 'sometimes' is not one of true, false, read-only/);
  });

  it('refuses to run without a commit, outside a workflow', () => {
    expect(() => readConfig(inputs({ image: 'ghcr.io/acme/api' }), { workspace: ws, env: {} })).toThrow(
      /GITHUB_SHA.*is not set/
    );
  });
});
