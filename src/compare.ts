// What latest in the registry says of this build: whether it was built from the same inputs (then
// every step comes from the layer cache), and whether its commit already contains this one (then
// this run moves neither latest nor the default branch's cache tags backwards).
import * as core from '@actions/core';
import { buildInputsOf } from './build-inputs.js';
import { readBuildPlatform, type BuildPlatform } from './build-platform.js';
import type { Config } from './config.js';
import { hashBuildInputs, imageRefsOf, readContext, type IgnoreRules } from './context-hash.js';
import { isAncestor } from './git.js';
import { readGoBuild } from './go-build-inputs.js';
import { INPUTS_LABEL, REVISION_LABEL } from './labels.js';
import { limits } from './limits.js';
import type { InputsComparison } from './plan/input.js';
import { inspectImage, tagExists, type Lookup, type RemoteImage } from './registry.js';
import type { Policy } from './trust.js';

export interface Comparison {
  inputs: InputsComparison;
  /** latest as the registry has it, when it was read and is there. */
  latest?: RemoteImage;
  /** Why latest could not be read, when the registry failed (not a missing tag). */
  latestProblem?: string;
}

export interface CompareOptions {
  /** Whose filter sends the context: the classic CLI (docker build before Docker 23) or buildx; may still be being probed. */
  rules: IgnoreRules | Promise<IgnoreRules>;
  /** What uses the answer, for the log; undefined when nothing does. */
  uses?: string;
  /** The run may move latest (or the default branch's cache tags): latest's revision is needed. */
  mayMoveLatest: boolean;
  /** The run's base image look-ups, shared by its images: each image the builds pull is asked once. */
  baseLookups?: Map<string, Promise<Lookup>>;
  /** The environment the build's processes get (default the action's own). */
  env?: Record<string, string | undefined>;
}

/**
 * The hash is labelled on every image; it covers every context entry BuildKit receives, the
 * Dockerfile, the build arguments, the target, the platform built for, the digest each image the
 * build pulls resolves to now, the environment buildx reads, and in prebuild mode what go build reads
 * (context-hash.ts lists it all). latest is read when something uses the answer: the cache-mount mode (its Go caches would be
 * restored for nothing), the pull path (it orders its two builds by it), a run that may move latest
 * (its revision label).
 */
export async function compareWithLatest(config: Config, options: CompareOptions): Promise<Comparison> {
  const started = Date.now();
  const latestRef = `${config.image.name}:latest`;
  const lookup = limits(config).lookup;
  const wanted = options.uses !== undefined || options.mayMoveLatest;
  const env = options.env ?? process.env;
  // From the docker CLI's and buildx's state files: no process asked.
  const platform = readBuildPlatform(config, env);
  // The registry is asked and the context read at once (once the rules are known): the hash needs both.
  const asking = Promise.all([
    resolveImages(config, options.baseLookups, platform),
    wanted ? inspectImage(latestRef, lookup) : Promise.resolve(undefined)
  ]);
  // Rules still being probed are most likely buildx's (every docker CLI since 23): the context is read
  // under them at once, and again only if the probe says otherwise.
  const first: IgnoreRules = options.rules instanceof Promise ? 'buildx' : options.rules;
  const read = readContext(buildInputsOf(config, { rules: first }));
  read.catch(() => undefined);
  const context = Promise.resolve(options.rules).then(rules => (rules === first ? read : readContext(buildInputsOf(config, { rules }))));
  // Awaited only after the registry's answers: a failure meanwhile is not an unhandled rejection.
  context.catch(() => undefined);
  // Prebuild mode: what go build on the runner reads, asked meanwhile too (go env, git, the module's tree).
  const goBuilding = config.goCache.prebuild ? readGoBuild(config, lookup) : undefined;
  goBuilding?.catch(() => undefined);
  const [digests, previous] = await asking;
  const rules = await options.rules;
  const goBuild = await goBuilding;
  const hashed = await hashBuildInputs(buildInputsOf(config, { baseDigests: digests.digests, rules, platform, env, goBuild }), {}, context);
  // What the hash met in the context (its entry bound reached, a file it could not read) is said
  // whatever follows; image digests it lacks are said below, where they matter.
  for (const note of hashed.notes.filter(n => !n.startsWith('no digest for '))) core.notice(`Inputs hash: ${note}`);
  for (const remark of goBuild?.remarks ?? []) core.notice(`Inputs hash: ${remark}`);
  const found = `inputs ${hashed.hash.slice(0, 12)} (${hashed.entries} entries, ${(hashed.bytes / 1e6).toFixed(1)} MB, with ${Object.keys(digests.digests).length} image digests, in ${((Date.now() - started) / 1000).toFixed(1)} s)`;
  // An inexact hash is still labelled (salted: it matches nothing), so a later run never copies this image.
  const hash = hashed.hash;
  const skip = (why: string, latest?: RemoteImage, latestProblem?: string): Comparison => ({
    inputs: { hash, unchanged: false, note: `${found}; not compared with ${latestRef}: ${why}` },
    latest,
    latestProblem
  });
  if (!wanted || !previous) return skip('nothing here uses the answer');
  if ('missing' in previous) return skip(`it is not in the registry (${previous.missing})`);
  if ('problem' in previous) {
    core.warning(`Reading ${latestRef} failed (${previous.problem}); building without its cache, as if it had other inputs`);
    return skip(previous.problem, undefined, previous.problem);
  }
  const latest = previous.image;
  if (config.noCache) return skip('no-cache', latest);
  if (options.uses === undefined) return skip('nothing here uses the answer', latest);
  if (!hashed.exact) return skip(`the hash is not exact (${[...digests.problems, ...hashed.notes].join('; ')})`, latest);
  const theirs = latest.labels[INPUTS_LABEL];
  if (theirs === hash) {
    return {
      inputs: {
        hash,
        unchanged: true,
        note: `${latestRef} was built from the same ${found}: every step should come from the layer cache (${options.uses})`
      },
      latest
    };
  }
  return skip(theirs ? `it was built from other inputs (${theirs.slice(0, 12)})` : `it has no ${INPUTS_LABEL} label`, latest);
}

/** The digest each image the build pulls resolves to now: a moved base image means a rebuild. */
export async function resolveImages(
  config: Config,
  lookups = new Map<string, Promise<Lookup>>(),
  platform?: BuildPlatform
): Promise<{ digests: Record<string, string>; problems: string[] }> {
  // The refs the hash will look for: FROM lines may name the platforms.
  const refs = imageRefsOf(buildInputsOf(config, { platform }), config.dockerfile);
  const lookUp = (ref: string) => {
    if (!lookups.has(ref)) lookups.set(ref, inspectImage(ref, limits(config).lookup));
    return lookups.get(ref) as Promise<Lookup>;
  };
  const found = await Promise.all(refs.map(async ref => ({ ref, answer: await lookUp(ref) })));
  const digests: Record<string, string> = {};
  const problems: string[] = [];
  for (const { ref, answer } of found) {
    if ('image' in answer) digests[ref] = answer.image.digest;
    else problems.push(`${ref}: ${'missing' in answer ? answer.missing : answer.problem}`);
  }
  return { digests, problems };
}

/**
 * Whether latest's commit already contains `commit` (this run is older): no when the event shows
 * latest's commit to be older (a fast-forward push from it or past it), else as git answers, asked of
 * the workspace's repository (what is checked out), never of a context's own .git; undefined when git
 * cannot tell (a shallow clone).
 */
export async function latestIsAhead(
  config: Config,
  latest: RemoteImage | undefined,
  policy: Pick<Policy, 'olderCommits'>
): Promise<{ ahead?: boolean; revision?: string }> {
  const revision = latest?.labels[REVISION_LABEL];
  if (!revision || revision === config.commit || policy.olderCommits.includes(revision)) return { revision, ahead: false };
  return { revision, ahead: await isAncestor(config.workspace, config.commit, revision, limits(config).lookup) };
}

/** Why latest stays when git cannot say whether its commit contains this one: never backwards, so never on a guess. */
export function cannotTellWhy(revision: string, commit: string): string {
  return `git cannot tell whether latest's commit ${revision.slice(0, 12)} contains ${commit.slice(0, 12)} (a shallow clone: actions/checkout with fetch-depth: 0 lets it): latest stays where it is`;
}

/**
 * An older commit (a re-run, a manual rebuild of an old ref) moves neither latest nor the default
 * branch's cache tags: they hold a newer commit's build.
 */
export function holdBack(policy: Policy, revision: string, commit: string): Policy {
  const why = `latest is at ${revision.slice(0, 12)}, which already contains ${commit.slice(0, 12)}: latest never moves backwards`;
  const defaultScope = policy.writeScope?.suffix === '';
  return {
    ...policy,
    latest: policy.latest.move ? { move: false, why } : policy.latest,
    writeScope: defaultScope ? undefined : policy.writeScope,
    notes: [
      ...policy.notes,
      ...(defaultScope ? [`the default branch's cache tags are not written: ${why.replace(': latest never moves backwards', '')}`] : [])
    ]
  };
}

/**
 * The cache tags the build would read, asked first with a short limit: one the registry fails to
 * answer for (5xx, 401, no answer) is left out, with a warning that names it, rather than letting
 * BuildKit wait on it or take a refusal for a first build.
 */
export async function lookUpCacheTags(config: Config, refs: string[]): Promise<{ unreadable: string[]; present: string[] }> {
  const answers = await Promise.all(refs.map(async ref => ({ ref, answer: await tagExists(ref, limits(config).lookup) })));
  const unreadable: string[] = [];
  const present: string[] = [];
  for (const { ref, answer } of answers) {
    if ('problem' in answer) {
      core.warning(`Cache tag ${ref} could not be read (${answer.problem}); building without it`);
      unreadable.push(ref);
    } else if ('missing' in answer) core.info(`Cache tag ${ref} is not in the registry yet (a first build of this branch)`);
    else present.push(ref);
  }
  return { unreadable, present };
}
