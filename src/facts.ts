// What the environment offers, found out once before planning.
import * as os from 'node:os';
import * as path from 'node:path';
import * as fs from 'node:fs';
import * as exec from '@actions/exec';
import * as semver from 'semver';
import type { GoDirs } from './cache/go-cache.js';

export interface Facts {
  dockerClient: string;
  dockerServer: string;
  /** Version of the buildx CLI plugin, when it is installed. */
  buildx?: string;
  /** A private folder for files of this run (iidfiles, secrets). */
  tempDir: string;
  /** When the build started, for the org.opencontainers.image.created label. */
  now: string;
  /** The runner's platform, as the Actions cache keys name it. */
  runner: { os: string; arch: string };
  /** Where the Go caches live on the runner (go env when Go is there, Go's defaults otherwise). */
  goDirs: GoDirs;
  /** Go on the runner, when there is one. */
  go?: { version: string; arch: string };
}

/** The facts that decide whether `docker build` can reach BuildKit at all. */
export function buildkitProblem(facts: Pick<Facts, 'dockerClient' | 'buildx'>): string | undefined {
  const client = semver.coerce(facts.dockerClient);
  // From Docker 23 the CLI runs BuildKit builds through the buildx plugin only.
  if (client && semver.gte(client, '23.0.0') && !facts.buildx) {
    return `the docker CLI ${facts.dockerClient} has no buildx plugin, and it needs one for BuildKit builds: install docker-buildx (docker/setup-buildx-action does)`;
  }
  return undefined;
}

export async function probeFacts(): Promise<Facts> {
  const version = await output(['version', '--format', '{{.Client.Version}} {{.Server.Version}}']);
  if (version.exitCode !== 0) {
    throw new Error(`docker is not usable here (docker version: ${version.stderr.trim() || `exit ${version.exitCode}`}); start the Docker engine or set DOCKER_HOST`);
  }
  const [dockerClient, dockerServer] = version.stdout.trim().split(/\s+/);
  const buildxOut = await output(['buildx', 'version']);
  const buildx = buildxOut.exitCode === 0 ? /v?(\d+\.\d+\.\d+\S*)/.exec(buildxOut.stdout)?.[1] : undefined;
  const base = process.env.RUNNER_TEMP || os.tmpdir();
  fs.mkdirSync(base, { recursive: true });
  const tempDir = fs.mkdtempSync(path.join(base, 'cached-image-build-'));
  const goEnv = await probeGo();
  const home = os.homedir();
  const goDirs = {
    mod: goEnv?.GOMODCACHE || process.env.GOMODCACHE || path.join(home, 'go', 'pkg', 'mod'),
    build: goEnv?.GOCACHE || process.env.GOCACHE || path.join(home, '.cache', 'go-build')
  };
  return {
    dockerClient,
    dockerServer,
    buildx,
    tempDir,
    now: new Date().toISOString(),
    runner: { os: process.env.RUNNER_OS || os.type(), arch: process.env.RUNNER_ARCH || os.arch() },
    goDirs,
    go: goEnv ? { version: goEnv.GOVERSION, arch: goEnv.GOARCH } : undefined
  };
}

async function probeGo(): Promise<Record<'GOMODCACHE' | 'GOCACHE' | 'GOVERSION' | 'GOARCH', string> | undefined> {
  const result = await exec
    .getExecOutput('go', ['env', '-json', 'GOMODCACHE', 'GOCACHE', 'GOVERSION', 'GOARCH'], { silent: true, ignoreReturnCode: true })
    .catch(() => undefined);
  if (!result || result.exitCode !== 0) return undefined;
  return JSON.parse(result.stdout) as Record<'GOMODCACHE' | 'GOCACHE' | 'GOVERSION' | 'GOARCH', string>;
}

async function output(args: string[]): Promise<exec.ExecOutput> {
  return exec.getExecOutput('docker', args, { silent: true, ignoreReturnCode: true }).catch((error: Error) => ({
    exitCode: 127,
    stdout: '',
    stderr: error.message
  }));
}
