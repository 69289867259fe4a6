// The inputs of the image build a Config describes, for the inputs hash (context-hash.ts): what the
// config says, the digests the build's images resolve to now, whose filter sends the context, the
// platform built for, the environment, and in prebuild mode what go build reads.
import * as path from 'node:path';
import type { BuildPlatform } from './build-platform.js';
import type { Config } from './config.js';
import type { BuildInputs, IgnoreRules } from './context-hash.js';
import type { GoBuildRead } from './go-build-inputs.js';

/** What resolving the images and choosing the client found; without digests the hash is never exact. */
export interface InputsContext {
  /** ref → digest for every ref of baseImageRefs (`docker buildx imagetools inspect`). */
  baseDigests?: Record<string, string>;
  /** Whose filter will send the context (the classic CLI for `docker build` of Docker < 23). */
  rules?: IgnoreRules;
  /** The platform built for without `platforms`, and the builder's (readBuildPlatform). */
  platform?: BuildPlatform;
  /** The action's environment (default process.env). */
  env?: Record<string, string | undefined>;
  /** Prebuild mode: what go build on the runner reads (readGoBuild). */
  goBuild?: GoBuildRead;
}

/** The inputs of the image build a Config describes (prebuild's output left out: it is written after the hash, from what goBuild covers). */
export function buildInputsOf(config: Config, context: InputsContext = {}): BuildInputs {
  const prebuilt = config.goCache.prebuild ? [path.relative(config.context, config.goCache.prebuild.output)] : [];
  return {
    context: config.context,
    dockerfile: config.file,
    buildArgs: config.buildArgs,
    target: '',
    builderTarget: config.builderTarget,
    platforms: config.platforms,
    targetPlatform: context.platform?.target,
    platformProblem: context.platform?.problem,
    buildPlatform: context.platform?.build,
    labels: config.labels,
    network: config.network,
    baseDigests: context.baseDigests ?? {},
    exclude: prebuilt,
    rules: context.rules,
    prebuild: config.goCache.prebuild !== undefined,
    goBuild: context.goBuild,
    env: context.env ?? process.env
  };
}
