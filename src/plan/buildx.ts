// The buildx path: one `docker buildx build` on a builder that exports cache to the registry: every
// stage's layers (mode=max) to one cache ref, and the image pushed by BuildKit. Pure.
import * as path from 'node:path';
import type { Config } from '../config.js';
import type { Facts } from '../facts.js';
import { planGoSteps, type BuildCommand, type GoCacheState } from './go.js';
import { ociLabels, refsFor, secretFilesFor } from './pull.js';
import type { Plan, PlanFile, Refs, Step } from './types.js';

/**
 * Registry cache export options: every stage's layers (mode=max), as an OCI image manifest that
 * ECR and other strict registries accept, and a refused export never fails the build.
 */
export const CACHE_EXPORT_OPTIONS = 'mode=max,image-manifest=true,oci-mediatypes=true,ignore-error=true';

export function buildxRefs(config: Config): Refs {
  const base = refsFor(config);
  const image = config.image.name;
  return {
    ...base,
    // mode=max exports the builder stage's layers with the image's: no builder tag, no second build.
    builder: undefined,
    pushed: base.finalTags,
    cache: { final: `${image}:buildcache` }
  };
}

export function planBuildx(config: Config, facts: Facts, go?: GoCacheState): Plan {
  const builder = facts.builder;
  if (!builder) throw new Error('the buildx path needs a builder, and none was found');
  const refs = buildxRefs(config);
  const cache = refs.cache as NonNullable<Refs['cache']>;
  const notes: string[] = [
    `buildx path on builder ${builder.name} (driver ${builder.driver ?? 'unknown'}${builder.endpoint ? `, ${builder.endpoint}` : ''}): registry cache ${cache.final}`
  ];
  const command: BuildCommand = { argv: ['docker', 'buildx', 'build', '--builder', builder.name] };
  const secretFiles = secretFilesFor(config, facts);
  const goSteps = planGoSteps(config, facts, go, command);
  const fallback = config.cacheStrategy === 'auto' ? { fallback: true } : {};

  const useCache = !config.noCache;
  // Like the pull path, which pushes no builder tag: a build that pushes nothing writes no cache.
  const writeCache = config.push;
  if (!useCache) notes.push('no-cache: every step is built again and the caches are written afresh');
  if (!config.push) notes.push('push: false, nothing is pushed and no cache is exported');
  const cacheFrom = (...from: string[]) => (useCache ? from.flatMap(ref => ['--cache-from', `type=registry,ref=${ref}`]) : ['--no-cache']);
  const cacheTo = (ref: string) => (writeCache ? ['--cache-to', `type=registry,ref=${ref},${CACHE_EXPORT_OPTIONS}`] : []);
  const readFrom = (...from: string[]) => (useCache ? from : []);

  const steps: Step[] = [...goSteps.before];
  const metadataFile = path.join(facts.tempDir, 'final.metadata.json');
  steps.push({
    id: 'build-final',
    phase: 'build-final',
    title: 'Build the image',
    argv: [
      ...buildCommand(command, config, secretFiles),
      ...cacheFrom(cache.final),
      ...cacheTo(cache.final),
      ...ociLabels(config, facts).flatMap(label => ['--label', label]),
      ...refs.finalTags.flatMap(tag => ['--tag', tag]),
      // An image in the builder (pushed or not), so the metadata file has its id and digest.
      '--output',
      `type=image,push=${config.push}`,
      '--metadata-file',
      metadataFile,
      config.context
    ],
    onFailure: 'stop',
    ...fallback,
    build: { metadataFile, stage: '', cacheFrom: readFrom(cache.final), cacheTo: writeCache ? cache.final : undefined },
    ...(config.push
      ? {
          pushRef: refs.commit,
          pushedRefs: refs.finalTags,
          hint: `check that the registry is reachable and that the credentials (registry-username/registry-password, or an earlier docker login) may push to ${config.image.name}`
        }
      : {})
  });
  steps.push(...goSteps.after);
  return { strategy: 'buildx', refs, steps, files: [...secretFiles, ...goSteps.files], notes };
}

/**
 * `docker buildx build` with everything both builds share. Provenance is off so a tag names one
 * image manifest, and the digest output is what the registry serves for it. RUN steps on the host
 * network need the network.host entitlement on a BuildKit daemon.
 */
function buildCommand(command: BuildCommand, config: Config, secretFiles: PlanFile[]): string[] {
  return [
    ...command.argv,
    '--progress=plain',
    '--provenance=false',
    '--file',
    config.file,
    ...config.buildArgs.flatMap(arg => ['--build-arg', arg]),
    ...secretFiles.flatMap(file => ['--secret', `id=${file.secretId as string},src=${file.path}`]),
    ...(config.network ? ['--network', config.network] : []),
    ...(config.network === 'host' ? ['--allow', 'network.host'] : [])
  ];
}
