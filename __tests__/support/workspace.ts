// A throwaway workspace with a Dockerfile, and an input reader over a plain object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigEnvironment } from '../../src/config.js';

export const SHA = '0123456789abcdef0123456789abcdef01234567';

export const DOCKERFILE = `FROM 127.0.0.1:5000/base/go:1.26 AS builder
RUN --mount=type=secret,id=token true
FROM 127.0.0.1:5000/base/runtime:latest
COPY --from=builder /out /out
`;

export function makeWorkspace(dockerfile = DOCKERFILE): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-ws-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  return dir;
}

export function inputs(values: Record<string, string>): (name: string) => string {
  return name => values[name] ?? '';
}

export function environment(workspace: string, env: Record<string, string> = {}): ConfigEnvironment {
  return { workspace, env: { GITHUB_SHA: SHA, GITHUB_REPOSITORY: 'acme/api', ...env } };
}
