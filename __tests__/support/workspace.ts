// A throwaway workspace with a Dockerfile, and an input reader over a plain object.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigEnvironment } from '../../src/config.js';
import type { Facts } from '../../src/facts.js';

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

/** What probing finds on a GitHub-hosted runner with Go set up. */
export const FACTS: Facts = {
  dockerClient: '20.10.24',
  dockerServer: '20.10.24',
  tempDir: '/tmp/run',
  now: '2026-11-22T00:00:00.000Z',
  runner: { os: 'Linux', arch: 'X64' },
  goDirs: { mod: '/home/runner/go/pkg/mod', build: '/home/runner/.cache/go-build' },
  go: { version: 'go1.26.8', arch: 'amd64' }
};
