import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readConfig } from '../src/config.js';
import { readConfigs } from '../src/images.js';
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
      latest: 'auto',
      timeouts: { lookupMs: 30_000, idleMs: 600_000 },
      notes: [],
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

  it('makes bare tags valid for any event, and says so', () => {
    const c = config({ tags: 'feature/login\n7/merge' });
    expect(c.extraTags).toEqual(['ghcr.io/acme/api:feature-login', 'ghcr.io/acme/api:pr-7']);
    expect(c.notes).toEqual([
      "tag 'feature/login' is pushed as 'feature-login' (a tag may hold only letters, digits, '_', '.' and '-')",
      "tag '7/merge' is pushed as 'pr-7' (a tag may hold only letters, digits, '_', '.' and '-')"
    ]);
  });

  it('notes tags on another registry, which the login does not cover', () => {
    expect(config({ tags: 'docker.io/acme/api:v1', 'registry-username': 'u', 'registry-password': 'pw-123456' }).notes).toEqual([
      "tags on docker.io: the action logs in to ghcr.io only; those pushes use the runner's own docker login"
    ]);
  });

  it('notes inputs this combination ignores', () => {
    expect(config({ 'pull-previous': 'true', 'cache-strategy': 'buildx' }).notes).toEqual([
      'pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing'
    ]);
    expect(config({ 'prebuild-output': 'bin' }).notes).toEqual(['prebuild-output is ignored: prebuild is empty']);
    expect(config({ 'pull-previous': 'true', 'no-cache': 'true' }).notes).toEqual([
      'pull-previous is ignored: no-cache reads no cache, so nothing is pulled',
      'copy-unchanged is ignored: no-cache builds every step again'
    ]);
    expect(config({ push: 'false' }).notes).toEqual(['copy-unchanged is ignored: push is false, so there is nothing to copy to']);
    expect(config({ push: 'false', 'copy-unchanged': 'false' }).notes).toEqual([]);
    expect(readConfigs(inputs({ image: 'ghcr.io/acme/api', parallel: '4' }), environment(ws)).flatMap(i => i.config.notes)).toEqual([
      'parallel is ignored: it bounds the builds of several images (the images input)'
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
    [{ tags: '///' }, /Input 'tags': '\/\/\/' cannot be made a valid tag/],
    [{ tags: 'latest' }, /Input 'tags': latest moves by the trust rules: use the input 'latest'/],
    [{ tags: 'builder' }, /Input 'tags': 'builder' is a cache tag of the action/],
    [{ tags: 'buildcache' }, /Input 'tags': 'buildcache' is a cache tag/],
    [{ tags: 'ghcr.io/acme/api:buildcache-main-0123456789abcdef' }, /Input 'tags': .* is a cache tag/],
    [
      { tags: `+${SHA}` },
      /Input 'tags': '\+0123456789abcdef0123456789abcdef01234567' \(pushed as '0123456789abcdef0123456789abcdef01234567'\) has the shape of a commit SHA/
    ],
    [{ tags: 'deadbee' }, /Input 'tags': 'deadbee' has the shape of a commit SHA/],
    [{ tags: 'ghcr.io/acme/other:0123abcd' }, /Input 'tags': 'ghcr\.io\/acme\/other:0123abcd' has the shape of a commit SHA/],
    [{ 'allow-untrusted-on-builder': 'yes' }, /Input 'allow-untrusted-on-builder': 'yes' is not a boolean/],
    [{ latest: 'sometimes' }, /Input 'latest': 'sometimes' is not one of auto, true, false/],
    [{ network: 'my-net' }, /Input 'network': 'my-net' is not one of default, none, host/],
    [{ 'builder-target': '0' }, /Input 'builder-target': '0' is a stage index; name the stage/],
    [{ prebuild: '-ldflags=-X' }, /Input 'prebuild': '-ldflags=-X' starts with '-'/],
    [{ 'build-args': 'A=1\nA=2' }, /Input 'build-args': key 'A' is given twice/],
    [{ 'build-args': 'MY ARG=1' }, /Input 'build-args': key 'MY ARG' is not valid/],
    [{ labels: 'a b=1' }, /Input 'labels': key 'a b' is not valid/],
    [{ labels: 'org.opencontainers.image.revision=x' }, /Input 'labels': 'org.opencontainers.image.revision' is set by the action itself/],
    [{ labels: 'io.github.cached-image-build.inputs=x' }, /Input 'labels': .* is set by the action itself/],
    [{ 'go-cache-dependency-path': '!vendor/**' }, /Input 'go-cache-dependency-path': '!vendor\/\*\*': exclusions are not supported/],
    [{ 'go-cache-dependency-path': '../other/go.sum' }, /Input 'go-cache-dependency-path': '..\/other\/go.sum' is outside the context/],
    [{ 'go-cache-dependency-path': '/etc/go.sum' }, /Input 'go-cache-dependency-path': .* is outside the context/],
    [{ 'go-cache-mounts': 'nope=mod' }, /Input 'go-cache-mounts': 'nope' is not the id of a cache mount in the Dockerfile \(ids: none\)/],
    [{ 'lookup-timeout': 'soon' }, /Input 'lookup-timeout': 'soon' is not a number of seconds/],
    [{ 'idle-timeout': '0' }, /Input 'idle-timeout': '0' is not a number of seconds/],
    [{ secrets: 'a=1\na=2' }, /Input 'secrets': secret id 'a' is given twice/],
    [{ tags: 'ghcr.io/Acme/x:v1' }, /Input 'tags': .* not a valid image reference/],
    [{ push: 'maybe' }, /Input 'push': 'maybe' is not a boolean/],
    [{ 'cache-strategy': 'fast' }, /Input 'cache-strategy': 'fast' is not one of auto, pull, buildx/],
    [{ 'build-args': 'NOVALUE' }, /Input 'build-args': 'NOVALUE' is not KEY=VALUE/],
    [{ secrets: 'bad id=x' }, /Input 'secrets': secret id 'bad id'/],
    [{ 'registry-username': 'bot' }, /Input 'registry-password': registry-username and registry-password go together/]
  ])('rejects %o, naming the input', (values, message) => {
    expect(() => config(values)).toThrow(message);
  });

  it('knows cache mount ids by their exact case', () => {
    const mounts = makeWorkspace('FROM x AS builder\nRUN --mount=type=cache,id=GoMod,target=/go/pkg/mod true\n');
    const read = (v: string) => readConfig(inputs({ image: 'ghcr.io/acme/api', 'go-cache-mounts': v }), environment(mounts));
    expect(read('GoMod=mod').goCache.mounts).toEqual([{ id: 'GoMod', kind: 'mod' }]);
    expect(() => read('gomod=mod')).toThrow("Input 'go-cache-mounts': 'gomod': cache mount ids are case-sensitive; the Dockerfile has 'GoMod'");
  });

  it('keeps prebuild-output inside the context, links resolved', () => {
    const ctx = makeWorkspace();
    fs.symlinkSync('/tmp', path.join(ctx, 'out'));
    const read = (v: string) => readConfig(inputs({ image: 'ghcr.io/acme/api', prebuild: './cmd/app', 'prebuild-output': v }), environment(ctx));
    expect(() => read('out/bin')).toThrow(/Input 'prebuild-output': 'out\/bin' must be a folder inside the context/);
    expect(read('bin').goCache.prebuild?.output).toBe(path.join(ctx, 'bin'));
  });

  it('keeps the context and the Dockerfile inside the workspace, links followed', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-paths-'));
    const workspace = path.join(root, 'ws');
    const outside = path.join(root, 'elsewhere');
    fs.mkdirSync(path.join(workspace, 'svc'), { recursive: true });
    fs.mkdirSync(outside);
    fs.writeFileSync(path.join(workspace, 'Dockerfile'), 'FROM x AS builder\n');
    fs.writeFileSync(path.join(outside, 'Dockerfile'), 'FROM x AS builder\n');
    fs.symlinkSync(outside, path.join(workspace, 'linked'));
    fs.symlinkSync(path.join(outside, 'Dockerfile'), path.join(workspace, 'svc', 'Dockerfile'));
    const read = (values: Record<string, string>) => readConfig(inputs({ image: 'ghcr.io/acme/api', ...values }), environment(workspace));
    expect(read({}).context).toBe(workspace);
    expect(read({}).workspace).toBe(workspace);
    expect(() => read({ context: '..' })).toThrow(/^Input 'context': '.*' is outside the workspace .*\/ws: the build reads only the repository/);
    expect(() => read({ context: outside })).toThrow(/^Input 'context': .* is outside the workspace/);
    expect(() => read({ context: 'linked' })).toThrow(
      new RegExp(`^Input 'context': '.*/ws/linked' \\(${outside}, links followed\\) is outside the workspace`)
    );
    expect(() => read({ file: '../elsewhere/Dockerfile' })).toThrow(/^Input 'file': .* is outside the workspace/);
    expect(() => read({ context: 'svc' })).toThrow(
      /^Input 'file': '.*\/svc\/Dockerfile' \(.*\/elsewhere\/Dockerfile, links followed\) is outside the workspace/
    );
    expect(() => read({ file: 'linked/Dockerfile' })).toThrow(/^Input 'file': .* is outside the workspace/);
    // A workspace reached through a link is the same workspace.
    fs.symlinkSync(workspace, path.join(root, 'ws-link'));
    expect(readConfig(inputs({ image: 'ghcr.io/acme/api' }), environment(path.join(root, 'ws-link'))).file).toBe(
      path.join(root, 'ws-link', 'Dockerfile')
    );
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('says whether the commit came from the commit input; allow-untrusted-on-builder is false unless set', () => {
    expect(config({}).commitGiven).toBe(false);
    expect(config({ commit: 'abcdef0' }).commitGiven).toBe(true);
    expect(config({}).allowUntrustedOnBuilder).toBe(false);
    expect(config({ 'allow-untrusted-on-builder': 'true' }).allowUntrustedOnBuilder).toBe(true);
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
    expect(() => readConfig(inputs({ image: 'ghcr.io/acme/api' }), { workspace: ws, env: {} })).toThrow(/GITHUB_SHA.*is not set/);
  });
});
