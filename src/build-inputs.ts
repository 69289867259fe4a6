// Whether the registry's latest was built from this build's inputs: the inputs hash (context-hash.ts)
// is labelled on every image; when latest carries the same one, every step will come from the layer
// cache: restoring and injecting the Go caches would be work for nothing, and the pull path may build
// the image first and leave the builder stage's layers in the registry.
import * as path from 'node:path';
import * as exec from '@actions/exec';
import type { Config } from './config.js';
import { hashBuildInputs, type BuildInputs, type IgnoreRules, type InputsHash } from './context-hash.js';

export const INPUTS_LABEL = 'io.github.cached-image-build.inputs';

/** What resolving the images and choosing the client found; without digests the hash is never exact. */
export interface InputsContext {
  /** ref → digest for every ref of baseImageRefs (`docker buildx imagetools inspect`). */
  baseDigests?: Record<string, string>;
  /** Whose filter will send the context (the classic CLI for `docker build` of Docker < 23). */
  rules?: IgnoreRules;
}

/** The inputs of the image build a Config describes (prebuild's output left out: it is written after the hash). */
export function buildInputsOf(config: Config, context: InputsContext = {}): BuildInputs {
  const prebuilt = config.goCache.prebuild ? [path.relative(config.context, config.goCache.prebuild.output)] : [];
  return {
    context: config.context,
    dockerfile: config.file,
    buildArgs: config.buildArgs,
    target: '',
    builderTarget: config.builderTarget,
    platforms: [],
    labels: config.labels,
    network: config.network,
    baseDigests: context.baseDigests ?? {},
    exclude: prebuilt,
    rules: context.rules
  };
}

/** The hash label of the image at `ref` in the registry, or why it could not be read. */
export async function previousInputs(ref: string): Promise<{ hash?: string; problem?: string }> {
  const result = await exec
    .getExecOutput('docker', ['buildx', 'imagetools', 'inspect', '--format', '{{json .Image.Config.Labels}}', ref], {
      silent: true,
      ignoreReturnCode: true
    })
    .catch((error: Error) => ({ exitCode: -1, stdout: '', stderr: error.message }));
  if (result.exitCode !== 0) return { problem: lastLine(result.stderr) || `exit ${result.exitCode}` };
  try {
    const labels = (JSON.parse(result.stdout || 'null') ?? {}) as Record<string, string>;
    return labels[INPUTS_LABEL] ? { hash: labels[INPUTS_LABEL] } : { problem: `${ref} has no ${INPUTS_LABEL} label` };
  } catch {
    return { problem: `unreadable labels: ${result.stdout.slice(0, 200)}` };
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').pop()?.trim() ?? '';
}

export interface InputsCheck {
  /** The hash of this build's inputs, labelled on the image; none when hashing failed. */
  hash?: string;
  /** The registry's latest was built from the same inputs: every step should come from the layer cache. */
  unchanged: boolean;
  /** What was found, for the log and the summary. */
  note: string;
}

/**
 * The hash is labelled on every image. It is compared with latest's only when something uses the
 * answer (`uses`, or undefined when nothing does): the cache-mount mode, whose Go caches would be
 * restored and copied into BuildKit for nothing, and the pull path, which orders its two builds by it.
 */
export async function checkInputs(
  config: Config,
  latest: string,
  buildx: boolean,
  uses: string | undefined,
  context: InputsContext = {}
): Promise<InputsCheck> {
  const started = Date.now();
  const inputs: InputsHash = await hashBuildInputs(buildInputsOf(config, context));
  const { hash } = inputs;
  const found = `inputs ${hash.slice(0, 12)} (${inputs.entries} entries, ${inputs.bytes} bytes hashed in ${((Date.now() - started) / 1000).toFixed(1)} s)`;
  const skip = (why: string): InputsCheck => ({ hash, unchanged: false, note: `${found}; not compared with ${latest}: ${why}` });
  if (!inputs.exact) return skip(`the hash is not exact (${inputs.notes.join('; ')})`);
  if (config.noCache) return skip('no-cache');
  if (!uses) return skip('nothing here uses the answer');
  if (!buildx) return skip('reading its labels needs the buildx plugin');
  const previous = await previousInputs(latest);
  if (previous.hash === hash) {
    return { hash, unchanged: true, note: `${latest} was built from the same ${found}: every step should come from the layer cache (${uses})` };
  }
  return skip(previous.hash ? `it was built from other inputs (${previous.hash.slice(0, 12)})` : (previous.problem ?? 'unknown'));
}
