// Several target platforms in one image: Go cross-compiles, so nothing needs emulation when the stages
// that RUN something run on the build platform (FROM --platform=$BUILDPLATFORM). Say so before
// building when a stage would run under emulation, with the fix; refuse when the builder cannot run
// that platform at all. Pure.
import type { Config } from '../config.js';
import type { DockerfileFacts } from '../dockerfile.js';
import type { BuilderFacts } from '../facts.js';

export const CROSS_COMPILE_FIX = [
  'FROM --platform=$BUILDPLATFORM golang:1.26 AS builder',
  'ARG TARGETOS TARGETARCH',
  'RUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build …'
].join('\n');

/** Stages with RUN steps that run on the target platform (their FROM is not on $BUILDPLATFORM). */
export function stagesOnTargetPlatform(dockerfile: DockerfileFacts): string[] {
  const runs = new Set(dockerfile.instructions.filter(i => /^RUN\b/i.test(i.text)).map(i => i.stage));
  return dockerfile.stages.filter(s => runs.has(s.name) && !/^\$\{?BUILDPLATFORM\}?$/.test(s.platform ?? '')).map(s => s.name);
}

/** os/arch of a platform (the variant left out), for comparing with the builder's own. */
function osArch(platform: string): string {
  return platform.split('/').slice(0, 2).join('/');
}

export interface PlatformCheck {
  /** Said before building: a stage will run under emulation. */
  warning?: string;
  /** The build cannot work: raised before any command. */
  error?: string;
}

export function checkPlatforms(config: Pick<Config, 'platforms' | 'dockerfile'>, builder: BuilderFacts | undefined): PlatformCheck {
  if (config.platforms.length === 0) return {};
  const native = builder?.platforms?.[0] ?? 'linux/amd64';
  const foreign = config.platforms.filter(p => osArch(p) !== osArch(native));
  const emulated = stagesOnTargetPlatform(config.dockerfile);
  if (foreign.length === 0 || emulated.length === 0) return {};
  const runnable = new Set((builder?.platforms ?? []).map(osArch));
  const cannot = foreign.filter(p => !runnable.has(osArch(p)));
  const what = `stage${emulated.length > 1 ? 's' : ''} ${emulated.join(', ')} run${emulated.length > 1 ? '' : 's'} RUN steps on the target platform, so for ${foreign.join(', ')} ${emulated.length > 1 ? 'they' : 'it'} would run under emulation (a go build many times slower). Cross-compile on the build platform instead:\n${CROSS_COMPILE_FIX}`;
  if (cannot.length) {
    return {
      error: `Input 'platforms': ${what}\nand builder ${builder?.name ?? '?'} cannot run ${cannot.join(', ')} (its platforms: ${builder?.platforms?.join(', ') ?? 'unknown'})`
    };
  }
  return { warning: what };
}
