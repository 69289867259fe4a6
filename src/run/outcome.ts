// Reading what a finished command means from its output. Pure.

/** Registries say "manifest unknown" or "not found" for a tag that does not exist (yet). */
export function isMissingImage(lines: string[]): boolean {
  return lines.some(line => /manifest unknown|not found|does not exist|no such manifest/i.test(line));
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
