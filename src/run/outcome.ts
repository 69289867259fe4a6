// Reading what a finished command means from its output. Pure.

/** Registries say "manifest unknown" or "not found" for a tag that does not exist (yet); never for a 401. */
export function isMissingImage(lines: string[]): boolean {
  const text = lines.join('\n');
  if (/unauthori[sz]ed|denied|forbidden|authentication required|\b40[13]\b/i.test(text)) return false;
  return /manifest unknown|not found|does not exist|no such manifest/i.test(text);
}

/** `docker push` ends with `TAG: digest: sha256:… size: N`: the digest the registry stored. */
export function pushedDigest(lines: string[]): string | undefined {
  for (const line of [...lines].reverse()) {
    const match = /digest: (sha256:[0-9a-f]{64})/.exec(line);
    if (match) return match[1];
  }
  return undefined;
}

/** The line that says why a build failed, and where in the Dockerfile when BuildKit says so. */
export function buildFailure(lines: string[]): { message: string; line?: number } {
  const reason =
    [...lines].reverse().find(line => /failed to solve|^ERROR|^error:/i.test(line.trim())) ??
    [...lines].reverse().find(line => line.trim() !== '') ??
    'the build failed';
  const where = lines.map(line => /^Dockerfile[^:\s]*:(\d+)$/.exec(line.trim())).find(Boolean);
  return { message: reason.trim(), line: where ? Number(where[1]) : undefined };
}

/**
 * Failures of the infrastructure (the buildx builder, its connection, its driver), not of the
 * Dockerfile: the builder does not answer, its driver cannot export cache, an entitlement is missing.
 * The pull path, on the engine's own BuildKit, can build then.
 */
const INFRASTRUCTURE_FAILURES = [
  /context deadline exceeded/i,
  /connection refused|connection reset|failed to dial|dial (unix|tcp)|no such host|transport is closing|error reading from server/i,
  /no builder .* found|failed to find instance|failed to find driver|is not running|builder .* is stopped/i,
  /cache export is not supported|cache export feature is currently not supported/i,
  // e.g. --allow network.host on a builder started without that entitlement
  /entitlement .* is not allowed|not allowed by build daemon configuration/i
];

/** Why a failed build is the infrastructure's fault; undefined when a Dockerfile step failed or the cause is elsewhere. */
export function infrastructureFailure(message: string, failedDockerfileStep: boolean, timedOut = false): string | undefined {
  if (failedDockerfileStep) return undefined;
  // A builder that accepts and never answers is killed by its limit: the engine's BuildKit may answer.
  if (timedOut) return message;
  return INFRASTRUCTURE_FAILURES.some(pattern => pattern.test(message)) ? message : undefined;
}

/**
 * Registry errors that pass: a 5xx, a dropped connection, a blob the registry has not made visible
 * yet, too many requests. Not 401/403 (credentials) nor 404 (a name that is wrong).
 */
export function isTransientRegistryError(lines: string[]): boolean {
  const text = lines.slice(-10).join('\n');
  if (/unauthori[sz]ed|denied|forbidden|authentication required|\b40[13]\b/i.test(text)) return false;
  return /\b5\d\d\b|internal server error|bad gateway|service unavailable|gateway time-?out|too ?many ?requests|\b429\b|connection reset|broken pipe|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|blob unknown|server misbehaving|connection refused/i.test(
    text
  );
}

/** What buildx's `--metadata-file` holds for a build (the keys the action reads). */
export interface BuildMetadata {
  imageId?: string;
  digest?: string;
  cacheManifest?: string;
}

export function readBuildMetadata(json: string): BuildMetadata {
  const data = JSON.parse(json) as Record<string, unknown>;
  const text = (key: string) => (typeof data[key] === 'string' ? data[key] : undefined);
  let cacheManifest: string | undefined;
  const cache = text('cache.manifest');
  if (cache) {
    try {
      cacheManifest = (JSON.parse(cache) as { digest?: string }).digest ?? cache;
    } catch {
      cacheManifest = cache;
    }
  }
  return { imageId: text('containerimage.config.digest'), digest: text('containerimage.digest'), cacheManifest };
}
