// The pull path: the seed recipe under BuildKit, with inline cache on a builder tag and on latest.
import * as path from 'node:path';
import { INPUTS_LABEL } from '../build-inputs.js';
import type { Config } from '../config.js';
import type { Facts } from '../facts.js';
import { planGoSteps, type GoCacheState } from './go.js';
import type { Condition, Plan, PlanFile, Refs, Step } from './types.js';

const BUILD_ENV = { DOCKER_BUILDKIT: '1' };

export function refsFor(config: Config): Refs {
  const image = config.image.name;
  const builder = config.builderTarget ? `${image}:${config.builderTarget}` : undefined;
  const latest = `${image}:latest`;
  const commit = `${image}:${config.commit}`;
  const finalTags = unique([commit, latest, ...config.extraTags]);
  return { builder, latest, commit, finalTags, pushed: unique([...(builder ? [builder] : []), ...finalTags]) };
}

export function planPull(config: Config, facts: Facts, go?: GoCacheState): Plan {
  const refs = refsFor(config);
  const notes: string[] = [];
  const steps: Step[] = [];
  const secretFiles = secretFilesFor(config, facts);
  const goSteps = planGoSteps(config, facts, go);

  const useCache = !config.noCache;
  if (!useCache) notes.push('no-cache: every step is built again and the caches are written afresh');
  if (useCache && config.pullPrevious) {
    for (const ref of [refs.builder, refs.latest].filter((r): r is string => r !== undefined)) {
      steps.push({
        id: `pull-${ref === refs.builder ? 'builder' : 'latest'}`,
        phase: 'pull',
        title: `Pull ${ref}`,
        argv: ['docker', 'pull', ref],
        onFailure: 'warn',
        missingIsNormal: true
      });
    }
  }

  steps.push(...goSteps.before);
  const cacheFrom = (...from: Array<string | undefined>) =>
    useCache ? from.flatMap(ref => (ref ? ['--cache-from', ref] : [])) : ['--no-cache'];
  const buildFinal: Step = {
    id: 'build-final',
    phase: 'build-final',
    title: 'Build the image',
    argv: [
      ...buildCommand(config, secretFiles),
      ...cacheFrom(refs.builder, refs.latest),
      ...ociLabels(config, facts).flatMap(label => ['--label', label]),
      ...refs.finalTags.flatMap(tag => ['--tag', tag]),
      '--iidfile',
      path.join(facts.tempDir, 'final.iid'),
      config.context
    ],
    env: BUILD_ENV,
    onFailure: 'stop',
    build: { iidfile: path.join(facts.tempDir, 'final.iid'), stage: '' }
  };
  const builderUnchanged: Condition = { succeeded: 'check-builder' };
  const whenBuilderChanged = {
    condition: { not: builderUnchanged },
    otherwise: `the ${config.builderTarget} stage came whole from the cache and ${refs.builder} is in the registry already`
  };
  if (!refs.builder) steps.push(buildFinal);
  else {
    const builderFirst = !useCache || !facts.inputsUnchanged;
    const firstBuild = builderFirst ? 'build-builder' : 'build-final';
    const buildBuilder: Step = {
      id: 'build-builder',
      phase: 'build-builder',
      title: `Build stage ${config.builderTarget}`,
      argv: [
        ...buildCommand(config, secretFiles),
        '--target',
        config.builderTarget,
        ...cacheFrom(refs.builder),
        '--tag',
        refs.builder,
        '--iidfile',
        path.join(facts.tempDir, 'builder.iid'),
        config.context
      ],
      env: BUILD_ENV,
      onFailure: 'stop',
      build: { iidfile: path.join(facts.tempDir, 'builder.iid'), stage: config.builderTarget },
      ...(builderFirst ? {} : { when: whenBuilderChanged })
    };
    // Two orders. When the registry's latest was built from these very inputs, the image is built
    // first: every step comes from latest's inline cache, and the builder stage is exported (its
    // layers fetched) only if that stage was not answered whole or its tag is missing. Otherwise the
    // builder stage is built first, so that the image's build finds that stage in the engine's own
    // cache: BuildKit takes each cache key from whichever import answers first, and latest's inline
    // cache names the builder stage's keys without holding their layers, so reading both tags for a
    // stage that must partly run misses the builder tag's layers at random (moby/buildkit's
    // combinedCacheManager; measured on the e2e fixture: the module download ran again in 3 of 4 runs).
    steps.push(...(builderFirst ? [buildBuilder, buildFinal] : [buildFinal]));
    if (useCache) steps.push({
      id: 'check-builder',
      phase: 'lookup',
      title: `Look up ${refs.builder} in the registry`,
      argv: ['docker', 'manifest', 'inspect', ...(isLoopback(config.image.registry) ? ['--insecure'] : []), refs.builder],
      onFailure: 'warn',
      missingIsNormal: true,
      when: {
        condition: { stageCached: { step: firstBuild, stage: config.builderTarget } },
        otherwise: `the ${config.builderTarget} stage changed`
      }
    });
    if (!builderFirst) steps.push(buildBuilder);
  }

  if (config.push) {
    for (const ref of refs.pushed) {
      steps.push({
        id: `push-${ref.slice(ref.lastIndexOf(':') + 1)}`,
        phase: 'push',
        title: `Push ${ref}`,
        argv: ['docker', 'push', ref],
        onFailure: 'stop',
        concurrent: true,
        pushRef: ref,
        hint: `check that the registry is reachable and that the credentials (registry-username/registry-password, or an earlier docker login) may push to ${config.image.name}`,
        ...(ref === refs.builder ? { when: whenBuilderChanged } : {})
      });
    }
  } else {
    notes.push('push: false, nothing is pushed');
  }
  steps.push(...goSteps.after);
  return { strategy: 'pull', refs, steps, files: [...secretFiles, ...goSteps.files], notes };
}

/** BuildKit secrets go to the build as files (mode 0600, removed after the run), never on a command line. */
export function secretFilesFor(config: Config, facts: Facts): PlanFile[] {
  return config.secrets.map(secret => ({ secretId: secret.id, path: path.join(facts.tempDir, `secret-${secret.id}`) }));
}

/** `docker login` by stdin, when the config has credentials. */
export function loginSteps(config: Config): Step[] {
  if (!config.login) return [];
  return [
    {
      id: 'login',
      phase: 'login',
      title: `Log in to ${config.login.registry}`,
      argv: ['docker', 'login', config.login.registry, '--username', config.login.username, '--password-stdin'],
      stdin: 'registry-password',
      onFailure: 'stop',
      hint: 'check registry-username and registry-password'
    }
  ];
}

/** `docker build` with everything both builds share; the inline cache goes into every image. */
function buildCommand(config: Config, secretFiles: PlanFile[]): string[] {
  return [
    'docker',
    'build',
    '--progress=plain',
    '--file',
    config.file,
    '--build-arg',
    'BUILDKIT_INLINE_CACHE=1',
    ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
    ...secretFiles.flatMap(file => ['--secret', `id=${file.secretId as string},src=${file.path}`]),
    ...(config.network ? ['--network', config.network] : [])
  ];
}

export function ociLabels(config: Config, facts: Facts): string[] {
  return [
    `org.opencontainers.image.revision=${config.commit}`,
    `org.opencontainers.image.created=${facts.now}`,
    ...(config.source ? [`org.opencontainers.image.source=${config.source}`] : []),
    ...(facts.inputsHash ? [`${INPUTS_LABEL}=${facts.inputsHash}`] : []),
    ...config.labels
  ];
}

/** Registries the engine trusts over plain HTTP by default (127.0.0.0/8, localhost); the CLI must be told. */
function isLoopback(registry: string): boolean {
  const host = registry.replace(/:\d+$/, '');
  return host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host) || host === '[::1]';
}

export function unique(items: string[]): string[] {
  return [...new Set(items)];
}
