// The pull path: the seed recipe under BuildKit, with inline cache on the builder stage's cache tag
// and on latest, built by the engine's own BuildKit (docker build). Pure.
import * as path from 'node:path';
import { limits, ociLabels, pushHint, refsFor, secretFiles, secretFlags, tagOf } from './common.js';
import { planGoSteps, type BuildCommand } from './go.js';
import type { PlanInput } from './input.js';
import type { Condition, Plan, Step } from './types.js';

/** A build on the engine's own BuildKit. */
export const ENGINE_BUILD: BuildCommand = { argv: ['docker', 'build'], env: { DOCKER_BUILDKIT: '1' } };

export function planPull(input: PlanInput): Plan {
  const { config, policy, facts, inputs } = input;
  const refs = refsFor(config, policy, 'pull', input.unreadable);
  const limit = limits(config);
  const notes: string[] = [];
  const steps: Step[] = [];
  const secrets = secretFiles(config, policy, facts.tempDir);
  const go = planGoSteps(input, ENGINE_BUILD);

  const useCache = !config.noCache;
  if (!useCache) notes.push('no-cache: every step is built again and the caches are written afresh');
  if (useCache && config.pullPrevious) {
    for (const ref of [refs.cacheRead.at(0), refs.latest].filter((r): r is string => r !== undefined)) {
      steps.push({
        id: `pull-${tagOf(ref)}`,
        phase: 'pull',
        title: `Pull ${ref}`,
        argv: ['docker', 'pull', ref],
        limit: limit.activity,
        onFailure: 'warn',
        missingIsNormal: true
      });
    }
  }
  steps.push(...go.before);

  const command = [
    'docker',
    'build',
    '--progress=plain',
    '--file',
    config.file,
    '--build-arg',
    'BUILDKIT_INLINE_CACHE=1',
    ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
    ...secretFlags(secrets),
    ...(config.network ? ['--network', config.network] : [])
  ];
  const cacheFrom = (from: string[]) => (useCache ? from.flatMap(ref => ['--cache-from', ref]) : ['--no-cache']);
  const finalIid = path.join(facts.tempDir, 'final.iid');
  // Local tags for every name the image may get; the publish step pushes latest and the extra ones.
  const finalTags = [refs.commit, ...(refs.moveLatest ? [refs.latest] : []), ...refs.extra];
  const buildFinal: Step = {
    id: 'build-final',
    phase: 'build-final',
    title: 'Build the image',
    argv: [
      ...command,
      ...cacheFrom([...refs.cacheRead, ...(refs.latestReadable ? [refs.latest] : [])]),
      ...ociLabels(config, facts.now, inputs.hash).flatMap(label => ['--label', label]),
      ...finalTags.flatMap(tag => ['--tag', tag]),
      '--iidfile',
      finalIid,
      config.context
    ],
    env: ENGINE_BUILD.env,
    limit: limit.activity,
    onFailure: 'stop',
    build: { iidfile: finalIid, stage: '' }
  };

  // The builder stage is exported and its cache tag pushed unless the tag was in the registry before
  // this build (the look-up before it) and the first build that reached the stage answered it whole.
  const inRegistry = refs.cacheWrite !== undefined && (input.present ?? []).includes(refs.cacheWrite);
  const builderFirst = !useCache || !inputs.unchanged;
  const firstBuild = builderFirst ? 'build-builder' : 'build-final';
  const unlessStageInRegistry =
    inRegistry && useCache
      ? {
          when: {
            condition: { not: { stageCached: { step: firstBuild, stage: config.builderTarget } } } as Condition,
            otherwise: `the ${config.builderTarget} stage came whole from the cache and ${refs.cacheWrite} is in the registry already`
          }
        }
      : {};
  if (!config.builderTarget) steps.push(buildFinal);
  else {
    // Two orders. When latest was built from these very inputs, the image is built first: every step
    // comes from latest's inline cache, and the builder stage is exported (its layers fetched) only if
    // that stage was not answered whole or its cache tag is missing. Otherwise the builder stage is
    // built first, so that the image's build finds it in the engine's own cache: BuildKit takes each
    // cache key from whichever import answers first, and latest's inline cache names the builder
    // stage's keys without holding their layers (moby/buildkit's combinedCacheManager).
    const builderIid = path.join(facts.tempDir, 'builder.iid');
    const buildBuilder: Step = {
      id: 'build-builder',
      phase: 'build-builder',
      title: `Build stage ${config.builderTarget}`,
      argv: [
        ...command,
        '--target',
        config.builderTarget,
        ...cacheFrom(refs.cacheRead),
        ...(refs.cacheWrite ? ['--tag', refs.cacheWrite] : []),
        '--iidfile',
        builderIid,
        config.context
      ],
      env: ENGINE_BUILD.env,
      limit: limit.activity,
      onFailure: 'stop',
      build: { iidfile: builderIid, stage: config.builderTarget },
      ...(builderFirst ? {} : unlessStageInRegistry)
    };
    if (builderFirst) steps.push(buildBuilder, buildFinal);
    // Only a run that writes a cache tag needs the stage exported.
    else steps.push(buildFinal, ...(refs.cacheWrite ? [buildBuilder] : []));
  }

  if (policy.push) {
    // The commit tag and the cache tag first, together: they are different images, whose shared layers
    // the engine uploads once. latest and the extra tags follow once both are in (the publish step).
    steps.push(pushStep(input, refs.commit));
    if (refs.cacheWrite && config.builderTarget) steps.push({ ...pushStep(input, refs.cacheWrite), ...unlessStageInRegistry });
  } else {
    notes.push(policy.trusted ? 'push: false, nothing is pushed' : `nothing is pushed: ${policy.who}`);
  }
  return {
    strategy: 'pull',
    refs,
    steps,
    readBack: go.after,
    saveGoCaches: go.save,
    saveGoDelta: go.saveDelta,
    files: [...secrets, ...go.files],
    notes
  };
}

export function pushStep({ config }: PlanInput, ref: string): Step {
  return {
    id: `push-${tagOf(ref)}`,
    phase: 'push',
    title: `Push ${ref}`,
    argv: ['docker', 'push', ref],
    limit: limits(config).activity,
    onFailure: 'stop',
    retries: 2,
    concurrent: true,
    pushRef: ref,
    hint: pushHint(config)
  };
}
