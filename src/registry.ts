// What the registry holds: an image's digest and labels, whether a tag is there, an index's platforms.
// Asked through the registry's HTTP API first (registry-api.ts), and through `docker buildx imagetools`
// (the runner's docker login, its own auth and TLS settings) when that client cannot answer. A missing
// tag and a registry that fails are told apart: only the first is a first build.
import * as core from '@actions/core';
import { getManifest, inspectManifest, manifestExists, parseIndex, type Answer, type PlatformManifest } from './registry-api.js';
import { lastLine, runProcess, type TimeLimit } from './run/process.js';

export interface RemoteImage {
  ref: string;
  /** The digest of the manifest (or index) the tag names. */
  digest: string;
  /** The image config's labels (of the first platform, for an index). */
  labels: Record<string, string>;
}

export type Lookup = { image: RemoteImage } | { missing: string } | { problem: string };

/** `not found` / `manifest unknown`: the tag is not there; anything else is the registry failing. */
export function isMissing(text: string): boolean {
  if (/unauthori[sz]ed|denied|forbidden|\b40[13]\b|authentication required/i.test(text)) return false;
  return /manifest unknown|: not found\b|\bnot found$|404 Not Found|no such manifest/i.test(text);
}

/** The API's answer, or undefined when it could not give one (buildx is asked then). */
function answered<T>(ref: string, answer: Answer<T>): Exclude<Answer<T>, { unsupported: string }> | undefined {
  if (!('unsupported' in answer)) return answer;
  core.debug(`${ref}: the registry's HTTP API could not answer (${answer.unsupported}); asking docker buildx imagetools`);
  return undefined;
}

export async function inspectImage(ref: string, limit: TimeLimit): Promise<Lookup> {
  const api = answered(ref, await inspectManifest(ref, limit));
  if (api) return 'ok' in api ? { image: { ref, ...api.ok } } : api;
  const result = await runProcess({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--format', '{{json .}}', ref], limit, captureStdout: true });
  if (result.exitCode !== 0) {
    const why = result.timedOut ? `no answer (${result.timedOut})` : lastLine(result.tail).replace(/^ERROR:\s*/, '');
    return isMissing(why) ? { missing: why } : { problem: why };
  }
  try {
    return { image: parseInspect(ref, result.stdout) };
  } catch (error) {
    return { problem: `unreadable answer: ${(error as Error).message}` };
  }
}

/** Pure: `imagetools inspect --format '{{json .}}'` output. */
export function parseInspect(ref: string, json: string): RemoteImage {
  const data = JSON.parse(json) as { manifest?: { digest?: string }; image?: unknown };
  const digest = data.manifest?.digest;
  if (!digest) throw new Error('no manifest digest');
  // A single image has its config here; an index has one per platform.
  const image = data.image as
    { config?: { Labels?: Record<string, string> } } | Record<string, { config?: { Labels?: Record<string, string> } }> | undefined;
  let labels: Record<string, string> = {};
  if (image && 'config' in image) labels = (image.config as { Labels?: Record<string, string> } | undefined)?.Labels ?? {};
  else if (image) labels = Object.values(image as Record<string, { config?: { Labels?: Record<string, string> } }>)[0]?.config?.Labels ?? {};
  return { ref, digest, labels };
}

/** Whether a tag is there, by its raw manifest (a registry cache manifest is no image to inspect). */
export async function tagExists(ref: string, limit: TimeLimit): Promise<{ found: true } | { missing: string } | { problem: string }> {
  const api = answered(ref, await manifestExists(ref, limit));
  if (api) return 'ok' in api ? { found: true } : api;
  const result = await runProcess({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--raw', ref], limit });
  if (result.exitCode === 0) return { found: true };
  const why = result.timedOut ? `no answer (${result.timedOut})` : lastLine(result.tail).replace(/^ERROR:\s*/, '');
  return isMissing(why) ? { missing: why } : { problem: why };
}

export { parseIndex, type PlatformManifest } from './registry-api.js';

/** The image manifests an index holds, one per platform (attestations left out). */
export async function platformManifests(ref: string, limit: TimeLimit): Promise<PlatformManifest[] | { problem: string }> {
  const api = answered(ref, await getManifest(ref, limit));
  let json: string;
  if (api) {
    if (!('ok' in api)) return { problem: 'missing' in api ? api.missing : api.problem };
    json = api.ok.body.toString('utf8');
  } else {
    const result = await runProcess({ argv: ['docker', 'buildx', 'imagetools', 'inspect', '--raw', ref], limit, captureStdout: true });
    if (result.exitCode !== 0) return { problem: result.timedOut ?? lastLine(result.tail) };
    json = result.stdout;
  }
  try {
    return parseIndex(json);
  } catch (error) {
    return { problem: `unreadable index: ${(error as Error).message}` };
  }
}
