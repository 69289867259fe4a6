// The registry's own HTTP API (the OCI distribution spec), for the look-ups and copies a run makes
// before it knows whether to build: a `docker buildx imagetools` process takes 0.1–0.3 s to start on
// a runner, a request to the registry a few milliseconds. Through @actions/http-client (the runner's
// proxy settings, redirects without the credentials). Anything this client cannot do as buildx would
// (a credential it cannot read, TLS or an auth scheme it does not know, a status other than found or
// not found) answers `unsupported`, and the caller asks buildx imagetools, as it did before.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import * as core from '@actions/core';
import { HttpClient } from '@actions/http-client';
import { isLoopbackHost } from './loopback.js';
import { parseRepository, splitTaggedRef } from './reference.js';
import { runProcess, seconds, type TimeLimit } from './run/process.js';

export const MANIFEST_TYPES = [
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v2+json'
];
/** The distribution spec lets a registry refuse manifests over 4 MiB; configs are smaller still. */
const MAX_BODY = 4 * 1024 * 1024;

export type Answer<T> = { ok: T } | { missing: string } | { problem: string } | { unsupported: string };

export interface ApiRef {
  /** As in the reference (docker.io for Docker Hub). */
  registry: string;
  /** The API's base URL: http:// for a registry on the loopback interface (as docker allows), else https://. */
  base: string;
  /** The repository's path in the API (`library/…` for Docker Hub's official images). */
  repository: string;
  /** A tag or a digest. */
  reference: string;
}

/** Pure: a reference as the API addresses it; undefined when it is not one. */
export function parseRef(ref: string): ApiRef | undefined {
  const at = ref.indexOf('@');
  let name: string;
  let reference: string;
  if (at >= 0) {
    // `name:tag@digest` (a pinned FROM): the digest decides, the tag is only a note.
    name = splitTaggedRef(ref.slice(0, at))?.repository ?? ref.slice(0, at);
    reference = ref.slice(at + 1);
    if (!/^sha256:[0-9a-f]{64}$/.test(reference)) return undefined;
  } else {
    const tagged = splitTaggedRef(ref);
    name = tagged?.repository ?? ref;
    reference = tagged?.tag ?? 'latest';
  }
  const repository = parseRepository(name);
  if (!repository) return undefined;
  const hub = repository.registry === 'docker.io';
  let repoPath = name.startsWith(`${repository.registry}/`) ? name.slice(repository.registry.length + 1) : name;
  if (hub && !repoPath.includes('/')) repoPath = `library/${repoPath}`;
  const host = hub ? 'registry-1.docker.io' : repository.registry;
  return { registry: repository.registry, base: `${isLoopbackHost(host) ? 'http' : 'https'}://${host}`, repository: repoPath, reference };
}

export interface Credentials {
  username: string;
  password: string;
}

/**
 * The runner's credentials for a registry, as `docker login` left them: a credential helper
 * (credHelpers, credsStore) asked through its stdin, or the config's `auth`. Undefined: anonymous.
 */
export async function credentialsFor(registry: string, limit: TimeLimit): Promise<Credentials | undefined | { unsupported: string }> {
  const config = readDockerConfig();
  if (!config) return undefined;
  const keys =
    registry === 'docker.io'
      ? ['https://index.docker.io/v1/', 'index.docker.io', 'docker.io', 'registry-1.docker.io']
      : [registry, `https://${registry}`, `http://${registry}`];
  const helper = keys.map(key => config.credHelpers?.[key]).find(Boolean) ?? config.credsStore;
  if (helper) {
    const server = registry === 'docker.io' ? keys[0] : registry;
    const result = await runProcess({ argv: [`docker-credential-${helper}`, 'get'], stdin: server, limit, captureStdout: true });
    if (result.exitCode === 0) {
      try {
        const found = JSON.parse(result.stdout) as { Username?: string; Secret?: string };
        if (found.Username === '<token>') return { unsupported: `an identity token from docker-credential-${helper}` };
        if (found.Username !== undefined && found.Secret !== undefined) return { username: found.Username, password: found.Secret };
      } catch {
        return { unsupported: `docker-credential-${helper} answered something else than JSON` };
      }
    } else if (!result.tail.some(line => /credentials not found/i.test(line))) {
      return { unsupported: `docker-credential-${helper} failed` };
    }
  }
  for (const key of keys) {
    const entry = config.auths?.[key] ?? config.auths?.[`${key}/`];
    if (!entry) continue;
    if (entry.identitytoken) return { unsupported: 'an identity token in the docker config' };
    if (entry.username !== undefined && entry.password !== undefined) return { username: entry.username, password: entry.password };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
  }
  return undefined;
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

function readDockerConfig(): DockerConfig | undefined {
  const dir = process.env.DOCKER_CONFIG || path.join(os.homedir(), '.docker');
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
}

const basic = ({ username, password }: Credentials) => `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

/** Pure: `Bearer realm="…",service="…",scope="…"` into its scheme and parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const scheme = header.trim().split(/\s+/, 1)[0]?.toLowerCase() ?? '';
  const params: Record<string, string> = {};
  for (const match of header.slice(scheme.length).matchAll(/([A-Za-z_]+)="([^"]*)"/g)) params[match[1].toLowerCase()] = match[2];
  return { scheme, params };
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

class Unsupported extends Error {}
class Timeout extends Error {}

/** One exchange with a registry: the repository's scope, the credentials, a token once the registry asks for one. */
class Session {
  private readonly client: HttpClient;
  private authorization?: string;
  private credentials?: Credentials;
  private credentialsRead = false;

  constructor(
    private readonly ref: ApiRef,
    private readonly actions: string,
    private readonly limit: TimeLimit,
    timeoutMs: number
  ) {
    this.client = new HttpClient('cached-image-build', [], {
      allowRedirects: true,
      maxRedirects: 5,
      allowRetries: false,
      keepAlive: false,
      socketTimeout: timeoutMs
    });
  }

  async send(method: 'GET' | 'HEAD' | 'PUT', url: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Reply> {
    let reply = await this.once(method, url, headers, body);
    if (reply.status === 401 && !this.authorization) {
      this.authorization = await this.authorize(reply.headers['www-authenticate'] ?? '');
      reply = await this.once(method, url, headers, body);
    }
    return reply;
  }

  private async once(method: string, url: string, headers: Record<string, string>, body?: Buffer): Promise<Reply> {
    const all = { ...headers, ...(this.authorization ? { Authorization: this.authorization } : {}) };
    let response;
    try {
      response = await this.client.request(method, url, body ? body.toString('utf8') : null, all);
    } catch (error) {
      throw new Unsupported((error as Error).message);
    }
    const status = response.message.statusCode ?? 0;
    return { status, headers: response.message.headers, body: method === 'HEAD' ? Buffer.alloc(0) : await readCapped(response.message, MAX_BODY) };
  }

  /** The Authorization header a 401's challenge asks for: a bearer token from its realm, or basic credentials. */
  private async authorize(challenge: string): Promise<string> {
    const { scheme, params } = parseChallenge(challenge);
    const credentials = await this.readCredentials();
    if (scheme === 'basic') {
      if (!credentials) throw new Unsupported('the registry asks for credentials and the docker config has none for it');
      return basic(credentials);
    }
    if (scheme !== 'bearer' || !params.realm) throw new Unsupported(`an authentication scheme this client does not speak (${scheme || 'none'})`);
    const url = tokenRealm(params.realm);
    if (params.service) url.searchParams.set('service', params.service);
    url.searchParams.set('scope', `repository:${this.ref.repository}:${this.actions}`);
    const headers: Record<string, string> = credentials ? { Authorization: basic(credentials) } : {};
    let response;
    try {
      response = await this.client.request('GET', url.toString(), null, headers);
    } catch (error) {
      throw new Unsupported(`the token service: ${(error as Error).message}`);
    }
    const text = (await readCapped(response.message, MAX_BODY)).toString('utf8');
    if (response.message.statusCode !== 200) throw new Unsupported(`the token service answered ${response.message.statusCode}`);
    try {
      const answer = JSON.parse(text) as { token?: string; access_token?: string };
      const token = answer.token ?? answer.access_token;
      if (!token) throw new Error('no token');
      // Masked before anything could print it (an error that quotes a header, a debug line).
      core.setSecret(token);
      return `Bearer ${token}`;
    } catch {
      throw new Unsupported('the token service answered without a token');
    }
  }

  private async readCredentials(): Promise<Credentials | undefined> {
    if (!this.credentialsRead) {
      this.credentialsRead = true;
      const found = await credentialsFor(this.ref.registry, this.limit);
      if (found && 'unsupported' in found) throw new Unsupported(found.unsupported);
      this.credentials = found;
    }
    return this.credentials;
  }
}

/**
 * Pure: the token service's URL from a challenge's realm, when credentials may go there: https, or
 * plain http on the loopback interface (a registry of the runner's own). Any other realm (http to
 * another host, a URL that does not parse) is a scheme this client does not take: buildx is asked.
 */
export function tokenRealm(realm: string): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new Unsupported(`a token realm that is no URL (${realm})`);
  }
  if (url.protocol === 'https:' || (url.protocol === 'http:' && isLoopbackHost(url.host))) return url;
  throw new Unsupported(`a token realm that is not https (${url.origin}): no credentials are sent there`);
}

/** A response body, whole, up to `max` bytes; a body cut short is an error, not a shorter body. */
function readCapped(message: IncomingMessage, max: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    message.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > max) {
        message.destroy();
        reject(new Unsupported(`an answer over ${max} bytes`));
      } else chunks.push(chunk);
    });
    message.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    message.on('aborted', () => {
      reject(new Unsupported('the answer was cut short'));
    });
    message.on('error', error => {
      reject(new Unsupported(error.message));
    });
  });
}

/**
 * Runs `work` with a session for the reference, bounded by the limit: past it, `problem` (no answer),
 * as a process past its limit is. Unsupported parts answer `unsupported`.
 */
async function withSession<T>(
  ref: string,
  actions: string,
  limit: TimeLimit,
  work: (session: Session, api: ApiRef) => Promise<Answer<T>>
): Promise<Answer<T>> {
  const api = parseRef(ref);
  if (!api) return { unsupported: `not a reference this client reads: ${ref}` };
  const timeoutMs = limit.totalMs ?? limit.idleMs ?? 30_000;
  const session = new Session(api, actions, limit, timeoutMs);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Timeout());
    }, timeoutMs);
  });
  try {
    return await Promise.race([work(session, api), timeout]);
  } catch (error) {
    if (error instanceof Timeout) return { problem: `no answer (still running after ${seconds(timeoutMs)})` };
    if (error instanceof Unsupported) return { unsupported: error.message };
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
}

const manifestUrl = (api: ApiRef, reference = api.reference) => `${api.base}/v2/${api.repository}/manifests/${reference}`;

/** A status that is neither found nor not found: buildx may know better (its own auth, its retries). */
function otherStatus(reply: Reply, what: string): Unsupported {
  return new Unsupported(`${what}: the registry answered ${reply.status}`);
}

function missing(reply: Reply): { missing: string } {
  let text = `${reply.status} Not Found`;
  try {
    const errors = (JSON.parse(reply.body.toString('utf8')) as { errors?: Array<{ message?: string }> }).errors;
    if (errors?.[0]?.message) text = errors[0].message;
  } catch {
    // a body that is no JSON: the status says it
  }
  return { missing: text };
}

async function fetchManifest(session: Session, api: ApiRef, reference: string): Promise<{ ok: Manifest } | { missing: string }> {
  const reply = await session.send('GET', manifestUrl(api, reference), { Accept: MANIFEST_TYPES.join(', ') });
  if (reply.status === 404) return missing(reply);
  if (reply.status !== 200) throw otherStatus(reply, `manifest ${reference}`);
  const digest = `sha256:${createHash('sha256').update(reply.body).digest('hex')}`;
  if (reference.startsWith('sha256:') && digest !== reference) throw new Unsupported(`manifest ${reference}: the body's digest is ${digest}`);
  const header = (reply.headers['content-type'] ?? '').split(';')[0].trim();
  let mediaType = header;
  if (!MANIFEST_TYPES.includes(mediaType)) {
    try {
      mediaType = (JSON.parse(reply.body.toString('utf8')) as { mediaType?: string }).mediaType ?? '';
    } catch {
      mediaType = '';
    }
  }
  if (!MANIFEST_TYPES.includes(mediaType))
    throw new Unsupported(`manifest ${reference}: a media type this client does not know (${header || 'none'})`);
  return { ok: { digest, mediaType, body: reply.body } };
}

/** The manifest (or index) a reference names, as the registry serves it, bytes and all. */
export async function getManifest(ref: string, limit: TimeLimit): Promise<Answer<Manifest>> {
  return withSession(ref, 'pull', limit, (session, api) => fetchManifest(session, api, api.reference));
}

/** Whether a tag is there (HEAD on its manifest). */
export async function manifestExists(ref: string, limit: TimeLimit): Promise<Answer<true>> {
  return withSession<true>(ref, 'pull', limit, async (session, api) => {
    const reply = await session.send('HEAD', manifestUrl(api), { Accept: MANIFEST_TYPES.join(', ') });
    if (reply.status === 200) return { ok: true as const };
    if (reply.status === 404) return { missing: 'manifest unknown' };
    throw otherStatus(reply, `manifest ${api.reference}`);
  });
}

interface ImageManifest {
  config?: { digest?: string };
  manifests?: unknown[];
}

export interface PlatformManifest {
  platform: string;
  digest: string;
}

/** Pure: an OCI index or Docker manifest list's platforms (the `unknown/unknown` attestation entries left out). */
export function parseIndex(json: string): PlatformManifest[] {
  const index = JSON.parse(json) as { manifests?: Array<{ digest: string; platform?: { os?: string; architecture?: string; variant?: string } }> };
  return (index.manifests ?? [])
    .filter(m => m.platform?.os && m.platform.os !== 'unknown')
    .map(m => ({ platform: [m.platform?.os, m.platform?.architecture, m.platform?.variant].filter(Boolean).join('/'), digest: m.digest }));
}

/**
 * A reference's digest and its image config's labels; for an index, those of the platform that sorts
 * first (as `imagetools inspect --format '{{json .}}'` lists them), attestations left out.
 */
export async function inspectManifest(ref: string, limit: TimeLimit): Promise<Answer<{ digest: string; labels: Record<string, string> }>> {
  return withSession(ref, 'pull', limit, async (session, api) => {
    const top = await fetchManifest(session, api, api.reference);
    if ('missing' in top) return top;
    let manifest = JSON.parse(top.ok.body.toString('utf8')) as ImageManifest;
    if (manifest.manifests) {
      const platforms = parseIndex(top.ok.body.toString('utf8')).sort((a, b) => (a.platform < b.platform ? -1 : a.platform > b.platform ? 1 : 0));
      if (platforms.length === 0) return { ok: { digest: top.ok.digest, labels: {} } };
      const child = await fetchManifest(session, api, platforms[0].digest);
      if ('missing' in child) throw new Unsupported(`the index names ${platforms[0].digest}, which the registry does not have`);
      manifest = JSON.parse(child.ok.body.toString('utf8')) as ImageManifest;
    }
    const configDigest = manifest.config?.digest;
    if (!configDigest) throw new Unsupported('a manifest without a config');
    const reply = await session.send('GET', `${api.base}/v2/${api.repository}/blobs/${configDigest}`);
    if (reply.status !== 200) throw otherStatus(reply, `config ${configDigest}`);
    const config = JSON.parse(reply.body.toString('utf8')) as { config?: { Labels?: Record<string, string> | null } };
    return { ok: { digest: top.ok.digest, labels: config.config?.Labels ?? {} } };
  });
}

/**
 * Tags of the source's repository made to name the source's manifest: the same bytes put under each
 * tag, so the same digest (what `imagetools create --prefer-index=false` does), no blob moved.
 */
export async function copyManifest(source: string, targets: string[], limit: TimeLimit): Promise<Answer<string>> {
  const from = parseRef(source);
  const to = targets.map(parseRef);
  if (!from || !from.reference.startsWith('sha256:')) return { unsupported: `the source is not named by its digest: ${source}` };
  if (to.some(t => !t || t.base !== from.base || t.repository !== from.repository || t.reference.startsWith('sha256:'))) {
    return { unsupported: 'a tag in another repository: its blobs would have to be copied' };
  }
  return withSession(source, 'pull,push', limit, async (session, api) => {
    const manifest = await fetchManifest(session, api, from.reference);
    if ('missing' in manifest) throw new Unsupported(`${source}: ${manifest.missing}`);
    for (const target of to as ApiRef[]) {
      const reply = await session.send('PUT', manifestUrl(api, target.reference), { 'Content-Type': manifest.ok.mediaType }, manifest.ok.body);
      if (reply.status !== 201 && reply.status !== 200) throw otherStatus(reply, `tag ${target.reference}`);
      const answered = reply.headers['docker-content-digest'];
      if (answered && answered !== manifest.ok.digest) throw new Unsupported(`tag ${target.reference}: the registry stored ${String(answered)}`);
    }
    return { ok: manifest.ok.digest };
  });
}
