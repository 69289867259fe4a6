// The registry's HTTP API client against a registry of the test's own (node:http, on the loopback
// interface): references, token and basic auth with the docker config's credentials and a credential
// helper, indexes, copies byte for byte, and each way a registry fails.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readConfig } from '../src/config.js';
import { copyManifest, getManifest, inspectManifest, manifestExists, parseChallenge, parseRef, tokenRealm } from '../src/registry-api.js';
import { runSteps } from '../src/run/steps.js';
import type { Step } from '../src/plan/types.js';
import { environment, inputs, makeWorkspace } from './support/workspace.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const sha = (body: string | Buffer) => `sha256:${createHash('sha256').update(body).digest('hex')}`;

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body?: string;
  contentType?: string;
}

/** A registry of manifests and blobs by digest, tags naming digests, and the faults a test sets. */
class FakeRegistry {
  manifests = new Map<string, { body: string; type: string }>();
  blobs = new Map<string, string>();
  tags = new Map<string, string>();
  seen: Seen[] = [];
  auth: 'none' | 'bearer' | 'basic' = 'none';
  /** The token service's URL the bearer challenge names; default: this registry's /token. */
  realm?: string;
  /** user:password the token service and basic auth accept. */
  account = 'robot:s3cret';
  fault?: { path: RegExp; kind: 'status' | 'hang' | 'truncate'; status?: number };
  private server?: http.Server;
  port = 0;

  add(repo: string, body: string, type: string, tag?: string): string {
    const digest = sha(body);
    this.manifests.set(`${repo}@${digest}`, { body, type });
    if (tag) this.tags.set(`${repo}:${tag}`, digest);
    return digest;
  }

  image(repo: string, labels: Record<string, string>, tag?: string, platform = 'amd64'): string {
    const config = JSON.stringify({ architecture: platform, os: 'linux', config: { Labels: labels } });
    this.blobs.set(sha(config), config);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
      layers: []
    });
    return this.add(repo, manifest, OCI_MANIFEST, tag);
  }

  async start(): Promise<void> {
    const server = http.createServer((req, res) => void this.handle(req, res));
    this.server = server;
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    this.port = (server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise(resolve => this.server?.close(resolve));
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const url = req.url ?? '';
    this.seen.push({
      method: req.method ?? '',
      url,
      authorization: req.headers.authorization,
      body: chunks.length ? Buffer.concat(chunks).toString('utf8') : undefined,
      contentType: req.headers['content-type']
    });
    if (url.startsWith('/token')) {
      const ok = req.headers.authorization === `Basic ${Buffer.from(this.account).toString('base64')}`;
      res.writeHead(ok ? 200 : 401, { 'content-type': 'application/json' }).end(ok ? JSON.stringify({ token: 'tok-123' }) : '{}');
      return;
    }
    if (url.startsWith('/storage/')) {
      res.writeHead(200).end(this.blobs.get(url.slice('/storage/'.length)) ?? '');
      return;
    }
    if (this.fault && this.fault.path.test(url)) {
      if (this.fault.kind === 'hang') return;
      if (this.fault.kind === 'status') {
        res.writeHead(this.fault.status ?? 500).end('{"errors":[{"code":"UNKNOWN","message":"boom"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': '1000' });
      res.write('{"schemaVersion":2,');
      setTimeout(() => res.destroy(), 20);
      return;
    }
    if (!this.authorized(req)) {
      const challenge =
        this.auth === 'bearer'
          ? `Bearer realm="${this.realm ?? `http://${this.host}/token`}",service="fake-registry",scope="repository:x:pull"`
          : 'Basic realm="fake-registry"';
      res.writeHead(401, { 'www-authenticate': challenge, 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      return;
    }
    const manifest = /^\/v2\/(.+)\/manifests\/([^/]+)$/.exec(url);
    if (manifest) {
      const [, repo, ref] = manifest;
      if (req.method === 'PUT') {
        const body = Buffer.concat(chunks).toString('utf8');
        const digest = this.add(repo, body, req.headers['content-type'] ?? '', ref);
        res.writeHead(201, { 'docker-content-digest': digest }).end();
        return;
      }
      const digest = ref.startsWith('sha256:') ? ref : this.tags.get(`${repo}:${ref}`);
      const found = digest ? this.manifests.get(`${repo}@${digest}`) : undefined;
      if (!found || !digest) {
        res.writeHead(404, { 'content-type': 'application/json' }).end('{"errors":[{"code":"MANIFEST_UNKNOWN","message":"manifest unknown"}]}');
        return;
      }
      res.writeHead(200, { 'content-type': found.type, 'docker-content-digest': digest, 'content-length': Buffer.byteLength(found.body) });
      res.end(req.method === 'HEAD' ? undefined : found.body);
      return;
    }
    const blob = /^\/v2\/(.+)\/blobs\/(sha256:[0-9a-f]{64})$/.exec(url);
    if (blob && this.blobs.has(blob[2])) {
      // As registries on object storage do: the blob is elsewhere, on another host name.
      res.writeHead(307, { location: `http://localhost:${this.port}/storage/${blob[2]}` }).end();
      return;
    }
    res.writeHead(404).end();
  }

  private authorized(req: http.IncomingMessage): boolean {
    if (this.auth === 'none') return true;
    if (this.auth === 'bearer') return req.headers.authorization === 'Bearer tok-123';
    return req.headers.authorization === `Basic ${Buffer.from(this.account).toString('base64')}`;
  }
}

const registry = new FakeRegistry();
const LIMIT = { totalMs: 2000 };
let configDir = '';
let savedEnv: NodeJS.ProcessEnv;

function dockerConfig(config: unknown): void {
  fs.writeFileSync(path.join(configDir, 'config.json'), JSON.stringify(config));
}

beforeAll(() => registry.start());
afterAll(() => registry.stop());
beforeEach(() => {
  savedEnv = { ...process.env };
  configDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-docker-config-'));
  process.env.DOCKER_CONFIG = configDir;
  registry.seen = [];
  registry.auth = 'none';
  registry.realm = undefined;
  registry.fault = undefined;
});
afterEach(() => {
  process.env = savedEnv;
});

describe('parseRef', () => {
  it.each([
    ['ghcr.io/acme/api:v1', { registry: 'ghcr.io', base: 'https://ghcr.io', repository: 'acme/api', reference: 'v1' }],
    ['ghcr.io/acme/api', { registry: 'ghcr.io', base: 'https://ghcr.io', repository: 'acme/api', reference: 'latest' }],
    ['alpine', { registry: 'docker.io', base: 'https://registry-1.docker.io', repository: 'library/alpine', reference: 'latest' }],
    ['docker.io/acme/api:1.2', { registry: 'docker.io', base: 'https://registry-1.docker.io', repository: 'acme/api', reference: '1.2' }],
    ['golang:1.26', { registry: 'docker.io', base: 'https://registry-1.docker.io', repository: 'library/golang', reference: '1.26' }],
    ['127.0.0.1:5000/e2e/hello:latest', { registry: '127.0.0.1:5000', base: 'http://127.0.0.1:5000', repository: 'e2e/hello', reference: 'latest' }],
    ['localhost:5000/a', { registry: 'localhost:5000', base: 'http://localhost:5000', repository: 'a', reference: 'latest' }],
    [
      `golang:1.26@sha256:${'b'.repeat(64)}`,
      { registry: 'docker.io', base: 'https://registry-1.docker.io', repository: 'library/golang', reference: `sha256:${'b'.repeat(64)}` }
    ],
    [
      `registry.example:443/a/b@sha256:${'a'.repeat(64)}`,
      { registry: 'registry.example:443', base: 'https://registry.example:443', repository: 'a/b', reference: `sha256:${'a'.repeat(64)}` }
    ]
  ])('%s', (ref, expected) => {
    expect(parseRef(ref)).toEqual(expected);
  });

  it.each(['Upper/Case', 'ghcr.io/acme/api@sha256:short', ''])('%s is no reference', ref => {
    expect(parseRef(ref)).toBeUndefined();
  });
});

it('parseChallenge reads the scheme and its parameters', () => {
  expect(parseChallenge('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/alpine:pull"')).toEqual({
    scheme: 'bearer',
    params: { realm: 'https://auth.docker.io/token', service: 'registry.docker.io', scope: 'repository:library/alpine:pull' }
  });
  expect(parseChallenge('Basic realm="x"')).toEqual({ scheme: 'basic', params: { realm: 'x' } });
});

describe('look-ups', () => {
  it("an image: the digest of the manifest's bytes and its config's labels (the blob fetched where the registry redirects)", async () => {
    const digest = registry.image('acme/api', { 'org.opencontainers.image.revision': 'abc' }, 'latest');
    expect(await inspectManifest(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({
      ok: { digest, labels: { 'org.opencontainers.image.revision': 'abc' } }
    });
    const blob = registry.seen.find(s => s.url.startsWith('/storage/'));
    expect(blob).toBeDefined();
  });

  it('an index: the labels of the platform that sorts first, the attestation left out; the digest is the index', async () => {
    const arm = registry.image('acme/multi', { arch: 'arm64' }, undefined, 'arm64');
    const amd = registry.image('acme/multi', { arch: 'amd64' }, undefined, 'amd64');
    const attestation = registry.image('acme/multi', { arch: 'none' });
    const index = JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: attestation, platform: { os: 'unknown', architecture: 'unknown' } },
        { mediaType: OCI_MANIFEST, digest: arm, platform: { os: 'linux', architecture: 'arm64' } },
        { mediaType: OCI_MANIFEST, digest: amd, platform: { os: 'linux', architecture: 'amd64' } }
      ]
    });
    const digest = registry.add('acme/multi', index, OCI_INDEX, 'latest');
    expect(await inspectManifest(`${registry.host}/acme/multi:latest`, LIMIT)).toEqual({ ok: { digest, labels: { arch: 'amd64' } } });
    const got = await getManifest(`${registry.host}/acme/multi:latest`, LIMIT);
    expect(got).toEqual({ ok: { digest, mediaType: OCI_INDEX, body: Buffer.from(index) } });
  });

  it("a tag that is not there: missing, with the registry's words", async () => {
    expect(await inspectManifest(`${registry.host}/acme/api:nope`, LIMIT)).toEqual({ missing: 'manifest unknown' });
    expect(await manifestExists(`${registry.host}/acme/api:nope`, LIMIT)).toEqual({ missing: 'manifest unknown' });
    registry.image('acme/api', {}, 'there');
    expect(await manifestExists(`${registry.host}/acme/api:there`, LIMIT)).toEqual({ ok: true });
    expect(registry.seen.filter(s => s.url.endsWith('/there')).map(s => s.method)).toEqual(['HEAD']);
  });
});

describe('credentials', () => {
  it("a bearer token from the challenge's realm, asked with the docker config's credentials and the repository's scope", async () => {
    registry.auth = 'bearer';
    dockerConfig({ auths: { [registry.host]: { auth: Buffer.from(registry.account).toString('base64') } } });
    const digest = registry.image('acme/api', {}, 'latest');
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ ok: true });
    const token = registry.seen.find(s => s.url.startsWith('/token'));
    expect(new URL(token?.url ?? '', 'http://x').searchParams.get('scope')).toBe('repository:acme/api:pull');
    expect(new URL(token?.url ?? '', 'http://x').searchParams.get('service')).toBe('fake-registry');
    expect(await copyManifest(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/api:v2`], LIMIT)).toEqual({ ok: digest });
    const tokens = registry.seen.filter(s => s.url.startsWith('/token')).map(s => new URL(s.url, 'http://x').searchParams.get('scope'));
    expect(tokens).toEqual(['repository:acme/api:pull', 'repository:acme/api:pull,push']);
  });

  it('a token is masked in the log before it is used', async () => {
    registry.auth = 'bearer';
    dockerConfig({ auths: { [registry.host]: { auth: Buffer.from(registry.account).toString('base64') } } });
    registry.image('acme/api', {}, 'latest');
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(chunk => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ ok: true });
    } finally {
      write.mockRestore();
    }
    expect(printed.join('')).toContain('::add-mask::tok-123');
  });

  it('sends no credentials to a token realm that is not https (loopback aside): unsupported, so buildx is asked', async () => {
    registry.auth = 'bearer';
    dockerConfig({ auths: { [registry.host]: { auth: Buffer.from(registry.account).toString('base64') } } });
    registry.image('acme/api', {}, 'latest');
    registry.realm = 'http://auth.example.invalid/token';
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({
      unsupported: 'a token realm that is not https (http://auth.example.invalid): no credentials are sent there'
    });
    registry.realm = 'not a url';
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ unsupported: 'a token realm that is no URL (not a url)' });
    expect(registry.seen.filter(s => s.url.startsWith('/token'))).toEqual([]);
    // On the loopback interface by another name: a registry of the runner's own, plain http is fine.
    registry.realm = `http://localhost:${registry.port}/token`;
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ ok: true });
  });

  it('takes https realms, and plain http ones only on the loopback interface', () => {
    expect(tokenRealm('https://auth.docker.io/token').href).toBe('https://auth.docker.io/token');
    expect(tokenRealm('http://127.0.0.1:5000/token').host).toBe('127.0.0.1:5000');
    expect(tokenRealm('http://[::1]:5000/token').host).toBe('[::1]:5000');
    expect(() => tokenRealm('http://ghcr.io/token')).toThrow(/not https/);
    expect(() => tokenRealm('ftp://127.0.0.1/token')).toThrow(/not https/);
    expect(() => tokenRealm('http://127.0.0.1.example.com/token')).toThrow(/not https/);
  });

  it('the config blob is fetched from another host without the Authorization header', async () => {
    registry.auth = 'bearer';
    dockerConfig({ auths: { [registry.host]: { auth: Buffer.from(registry.account).toString('base64') } } });
    registry.image('acme/api', { a: 'b' }, 'latest');
    expect(await inspectManifest(`${registry.host}/acme/api:latest`, LIMIT)).toMatchObject({ ok: { labels: { a: 'b' } } });
    const blob = registry.seen.find(s => s.url.startsWith('/v2/acme/api/blobs/'));
    const storage = registry.seen.find(s => s.url.startsWith('/storage/'));
    expect(blob?.authorization).toBe('Bearer tok-123');
    expect(storage?.authorization).toBeUndefined();
  });

  it('basic auth with username and password in the config', async () => {
    registry.auth = 'basic';
    const [username, password] = registry.account.split(':');
    dockerConfig({ auths: { [`http://${registry.host}`]: { username, password } } });
    registry.image('acme/api', {}, 'latest');
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ ok: true });
  });

  it("a credential helper asked on its stdin with the registry's host", async () => {
    registry.auth = 'bearer';
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-cred-helper-'));
    const asked = path.join(bin, 'asked');
    const [username, secret] = registry.account.split(':');
    fs.writeFileSync(
      path.join(bin, 'docker-credential-fake'),
      `#!/bin/sh\n[ "$1" = get ] || exit 3\ncat > ${asked}\necho '{"ServerURL":"x","Username":"${username}","Secret":"${secret}"}'\n`,
      { mode: 0o755 }
    );
    process.env.PATH = `${bin}:${process.env.PATH}`;
    dockerConfig({ credHelpers: { [registry.host]: 'fake' } });
    registry.image('acme/api', {}, 'latest');
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ ok: true });
    expect(fs.readFileSync(asked, 'utf8')).toBe(registry.host);
  });

  it.each([
    ['no credentials where the registry wants them', {}],
    ['wrong credentials', { auths: { '127.0.0.1:0': {} } }],
    ['an identity token (buildx knows how to use it)', 'identity']
  ])('%s: unsupported, so buildx is asked', async (_label, config) => {
    registry.auth = 'bearer';
    dockerConfig(config === 'identity' ? { auths: { [registry.host]: { identitytoken: 'x' } } } : config);
    registry.image('acme/api', {}, 'latest');
    expect(await manifestExists(`${registry.host}/acme/api:latest`, LIMIT)).toHaveProperty('unsupported');
  });
});

describe('copies', () => {
  it("puts the source's exact bytes under each tag, with its media type: the same digest", async () => {
    // Spacing a serializer would not keep: the bytes must go as they are.
    const body = '{"schemaVersion":2,  "mediaType":"application/vnd.oci.image.manifest.v1+json","config":{},"layers":[]}';
    const digest = registry.add('acme/api', body, OCI_MANIFEST);
    expect(
      await copyManifest(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/api:c0ffee`, `${registry.host}/acme/api:v1`], LIMIT)
    ).toEqual({ ok: digest });
    const puts = registry.seen.filter(s => s.method === 'PUT');
    expect(puts.map(p => [p.url, p.body, p.contentType])).toEqual([
      ['/v2/acme/api/manifests/c0ffee', body, OCI_MANIFEST],
      ['/v2/acme/api/manifests/v1', body, OCI_MANIFEST]
    ]);
    expect(registry.tags.get('acme/api:v1')).toBe(digest);
  });

  it('a tag in another repository or a source named by tag: unsupported before any request', async () => {
    const digest = registry.image('acme/api', {});
    expect(await copyManifest(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/other:v1`], LIMIT)).toHaveProperty('unsupported');
    expect(await copyManifest(`${registry.host}/acme/api:latest`, [`${registry.host}/acme/api:v1`], LIMIT)).toHaveProperty('unsupported');
    expect(registry.seen).toEqual([]);
  });

  it('a PUT the registry refuses: unsupported (buildx tries, with its retries)', async () => {
    const digest = registry.image('acme/api', {});
    registry.fault = { path: /\/manifests\/v1$/, kind: 'status', status: 500 };
    expect(await copyManifest(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/api:v1`], LIMIT)).toEqual({
      unsupported: 'tag v1: the registry answered 500'
    });
  });
});

describe('a registry that fails', () => {
  it.each([
    [500, 'manifest latest: the registry answered 500'],
    [403, 'manifest latest: the registry answered 403'],
    [503, 'manifest latest: the registry answered 503'],
    [401, 'an authentication scheme this client does not speak (none)']
  ])('status %s: unsupported, so buildx is asked and says it in its words', async (status, why) => {
    registry.fault = { path: /manifests\/latest$/, kind: 'status', status };
    expect(await inspectManifest(`${registry.host}/acme/api:latest`, LIMIT)).toEqual({ unsupported: why });
  });

  it('no answer: a problem once the limit passes, named as a process past its limit is', async () => {
    registry.fault = { path: /manifests\/latest$/, kind: 'hang' };
    const started = Date.now();
    expect(await manifestExists(`${registry.host}/acme/api:latest`, { totalMs: 300 })).toEqual({ problem: 'no answer (still running after 0.3 s)' });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a body cut short: unsupported, never a shorter manifest', async () => {
    registry.fault = { path: /manifests\/latest$/, kind: 'truncate' };
    expect(await getManifest(`${registry.host}/acme/api:latest`, LIMIT)).toHaveProperty('unsupported');
  });

  it('nothing listening: unsupported', async () => {
    expect(await manifestExists('127.0.0.1:1/acme/api:latest', LIMIT)).toHaveProperty('unsupported');
  });

  it('a digest the body does not have: unsupported', async () => {
    const digest = registry.image('acme/api', {});
    const other = `sha256:${'0'.repeat(64)}`;
    registry.manifests.set(`acme/api@${other}`, registry.manifests.get(`acme/api@${digest}`) as { body: string; type: string });
    expect(await getManifest(`${registry.host}/acme/api@${other}`, LIMIT)).toHaveProperty('unsupported');
  });
});

describe('a copy step (runSteps)', () => {
  const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(makeWorkspace()));
  const marker = path.join(os.tmpdir(), `cib-copy-argv-${process.pid}`);
  const step = (source: string, targets: string[]): Step => ({
    id: 'copy',
    phase: 'copy',
    title: 'Tag',
    // What runs when the API cannot copy: leaves a mark.
    argv: ['sh', '-c', `echo ran > ${marker}`],
    registryCopy: { source, targets },
    limit: { totalMs: 5000 },
    onFailure: 'stop',
    pushRef: targets[0]
  });
  beforeEach(() => {
    fs.rmSync(marker, { force: true });
  });

  it('done by the API: the digest reported, argv never run', async () => {
    const digest = registry.image('acme/api', {});
    const result = await runSteps([step(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/api:abc`])], [], config);
    expect(result.failed).toBeUndefined();
    expect(result.outcomes[0]).toMatchObject({ status: 'ok', digest });
    expect(registry.tags.get('acme/api:abc')).toBe(digest);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('the API cannot (another repository): argv runs', async () => {
    const digest = registry.image('acme/api', {});
    const result = await runSteps([step(`${registry.host}/acme/api@${digest}`, [`${registry.host}/acme/elsewhere:abc`])], [], config);
    expect(result.outcomes[0].status).toBe('ok');
    expect(fs.readFileSync(marker, 'utf8')).toBe('ran\n');
  });
});
