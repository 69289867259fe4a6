// The buildx path: one `docker buildx build` on a builder that exports cache to the registry: every
// stage's layers (mode=max) to the run's cache tag, and the image pushed by BuildKit under its commit
// tag. latest and the extra tags follow (the publish step). Pure.
import * as path from 'node:path';
import { limits, ociLabels, pushHint, refsFor, secretFiles, secretFlags } from './common.js';
import { planGoSteps, type BuildCommand } from './go.js';
import type { PlanInput } from './input.js';
import type { Plan, Step } from './types.js';

/**
 * Registry cache export options: every stage's layers (mode=max), as an OCI image manifest that
 * ECR and other strict registries accept, and a refused export never fails the build.
 */
export const CACHE_EXPORT_OPTIONS = 'mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true';

/** A build on a buildx builder. */
export function builderBuild(name: string): BuildCommand {
  return { argv: ['docker', 'buildx', 'build', '--builder', name], builder: name };
}

export function planBuildx(input: PlanInput): Plan {
  const { config, policy, facts, inputs } = input;
  const builder = facts.builder;
  if (!builder) throw new Error('the buildx path needs a builder, and none was found');
  const refs = refsFor(config, policy, 'buildx', input.unreadable);
  const notes: string[] = [
    `buildx path on builder ${builder.name} (driver ${builder.driver ?? 'unknown'}${builder.endpoint ? `, ${builder.endpoint}` : ''}): registry cache read from ${refs.cacheRead.join(', ') || 'nothing'}, written to ${refs.cacheWrite ?? 'nothing'}`
  ];
  const command = builderBuild(builder.name);
  const secrets = secretFiles(config, policy, facts.tempDir);
  const go = planGoSteps(input, command);

  const useCache = !config.noCache;
  if (!useCache) notes.push('no-cache: every step is built again and the caches are written afresh');
  // Under auto the path is known only now (with cache-strategy: buildx the config said so already).
  if (config.pullPrevious && useCache && config.cacheStrategy === 'auto')
    notes.push('pull-previous is ignored: the buildx path reads the registry cache, it pulls nothing');
  if (!policy.push) notes.push(policy.trusted ? 'push: false, nothing is pushed and no cache is exported' : `nothing is pushed: ${policy.who}`);
  const cacheFrom = useCache ? refs.cacheRead : [];
  const metadataFile = path.join(facts.tempDir, 'final.metadata.json');
  const build: Step = {
    id: 'build-final',
    phase: 'build-final',
    title: 'Build the image',
    argv: [
      ...command.argv,
      '--progress=plain',
      // A tag then names one image manifest, and the digest output is what the registry serves for it.
      '--provenance=false',
      '--file',
      config.file,
      ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
      ...secretFlags(secrets),
      ...(config.network ? ['--network', config.network] : []),
      // RUN steps on the host network need the network.host entitlement on a BuildKit daemon.
      ...(config.network === 'host' ? ['--allow', 'network.host'] : []),
      ...(config.platforms.length ? ['--platform', config.platforms.join(',')] : []),
      ...(useCache ? cacheFrom.flatMap(ref => ['--cache-from', `type=registry,ref=${ref}`]) : ['--no-cache']),
      ...(refs.cacheWrite ? ['--cache-to', `type=registry,ref=${refs.cacheWrite},${CACHE_EXPORT_OPTIONS}`] : []),
      ...ociLabels(config, facts.now, inputs.hash).flatMap(label => ['--label', label]),
      '--tag',
      refs.commit,
      // An image in the builder (pushed or not), so the metadata file has its id and digest.
      '--output',
      `type=image,push=${policy.push}`,
      '--metadata-file',
      metadataFile,
      config.context
    ],
    limit: limits(config).activity,
    onFailure: 'stop',
    // The pull path builds one platform: no fallback to it for several.
    ...(config.cacheStrategy === 'auto' && config.platforms.length === 0 ? { fallback: true } : {}),
    build: { metadataFile, stage: '', cacheFrom, cacheTo: refs.cacheWrite },
    ...(policy.push ? { pushRef: refs.commit, hint: pushHint(config) } : {})
  };
  return {
    strategy: 'buildx',
    refs,
    steps: [...go.before, build],
    readBack: go.after,
    saveGoCaches: go.save,
    saveGoDelta: go.saveDelta,
    files: [...secrets, ...go.files],
    notes
  };
}
