// What the Go cache e2e files share (go-cache-mounts.test.ts, the core scenario every engine runs,
// and go-cache.test.ts, the rest): a runner home with stable Go folders, a fresh runner, the
// action run with the Go runner environment and timed, an Actions cache service of each
// describe's own, and the times printed when the file is done.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { runAction, type ActionRun } from '../../support/action-runner.js';
import { startCacheServer, type CacheServer } from '../../support/cache-server/server.js';
import { stageBuildSteps, stageBuildTitle, stepOutput } from './log.js';
import { goRunnerEnv } from './go-runner.js';
import { moduleProxyScope, wipeRunner, type ModuleProxyScope } from './stack.js';

export const COMPILE = /^RUN .*go build/;
/** What the compile printed, in the first build that reached the builder stage. */
export const compileOutput = (log: string) => stepOutput(log, stageBuildTitle(log, 'builder'), COMPILE);
export const OWN = ['example.com/hello-svc/internal/greeting', 'example.com/hello-svc/cmd/hello-svc'];

export interface GoCacheHarness {
  /** The Actions cache service of the describe running (set by withOwnCacheService's beforeAll). */
  server(): CacheServer;
  /** The runner's home folder (set in beforeAll). */
  runnerHome(): string;
  /** The runner's Go folders: stable paths (the cache version hashes them), emptied for a fresh runner. */
  goDirs(): Record<string, string>;
  freshRunner(): void;
  build(label: string, workspace: string, sha: string, inputs: Record<string, string>, protocol?: 'v1' | 'v2'): Promise<ActionRun>;
  /** Each describe gets an empty Actions cache service of its own, as a new repository would. */
  withOwnCacheService(): void;
  /** Records BuildKit's time for the compile step of `run`, printed in afterAll. */
  compileSeconds(label: string, run: ActionRun): void;
  /** The module proxy as this file's builds reach it (GOPROXY, in the build and on the runner): its counts are theirs alone. */
  moduleProxy(): ModuleProxyScope;
}

/**
 * Registers the file's hooks (beforeAll: the stack up and a runner home; afterAll: the times
 * printed) and returns the helpers. Call it once, at the top level of a test file.
 */
export function goCacheHarness(): GoCacheHarness {
  let server: CacheServer | undefined;
  let runnerHome = '';
  let proxy: ModuleProxyScope | undefined;
  const times: Array<[string, number]> = [];
  const compileTimes: Array<[string, number | undefined]> = [];
  /** The last run of the test running: its log is printed if the test fails (CI keeps no files). */
  let last: { label: string; run: ActionRun } | undefined;

  function currentServer(): CacheServer {
    if (!server) throw new Error('no cache service: call withOwnCacheService() in the describe');
    return server;
  }

  function goDirs(): Record<string, string> {
    return { GOMODCACHE: path.join(runnerHome, 'go/pkg/mod'), GOCACHE: path.join(runnerHome, '.cache/go-build') };
  }

  function freshRunner(): void {
    wipeRunner();
    for (const dir of Object.values(goDirs())) {
      if (fs.existsSync(dir)) {
        fs.chmodSync(dir, 0o755);
        fs.rmSync(dir, { recursive: true, force: true, maxRetries: 2 });
      }
    }
  }

  async function build(
    label: string,
    workspace: string,
    sha: string,
    inputs: Record<string, string>,
    protocol: 'v1' | 'v2' = 'v2'
  ): Promise<ActionRun> {
    const goproxy = moduleProxy().url;
    const run = await runAction({
      workspace,
      sha,
      measureMemory: true,
      inputs: { network: 'host', 'build-args': `GOPROXY=${goproxy}`, ...inputs },
      env: { ...goRunnerEnv(currentServer(), runnerHome, protocol), GOPROXY: goproxy }
    });
    times.push([label, run.main.durationMs + run.post.durationMs]);
    last = { label, run };
    // E2E_LOG_DIR: every run's main and post log kept there, to read after a failure.
    if (process.env.E2E_LOG_DIR) {
      fs.mkdirSync(process.env.E2E_LOG_DIR, { recursive: true });
      fs.writeFileSync(path.join(process.env.E2E_LOG_DIR, `${label.replace(/[^\w-]+/g, '_')}.log`), `${run.main.log}\n# post\n${run.post.log}`);
    }
    if (run.main.exitCode !== 0) throw new Error(`${label}: the action failed:\n${run.main.log.slice(-5000)}`);
    expect(run.post.exitCode).toBe(0);
    return run;
  }

  function withOwnCacheService(): void {
    beforeAll(async () => {
      server = await startCacheServer({ dir: fs.mkdtempSync(path.join(os.tmpdir(), 'cib-cache-')), host: '127.0.0.1' });
    });
    afterAll(async () => {
      await server?.close();
    });
  }

  function moduleProxy(): ModuleProxyScope {
    proxy ??= moduleProxyScope('go-cache');
    return proxy;
  }

  function compileSeconds(label: string, run: ActionRun): void {
    compileTimes.push([label, stageBuildSteps(run.main.log, 'builder').find(v => COMPILE.test(v.instruction ?? ''))?.seconds]);
  }

  beforeAll(() => {
    runnerHome = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-runner-home-'));
  }, 900_000);

  afterEach(context => {
    const failed = context.task.result?.state === 'fail';
    if (failed && last) {
      // The build's steps and the lines the action wrote, without BuildKit's digests and layer pulls.
      const lines = last.run.main.log.split('\n').filter(l => !/^#\d+ (sha256:|pulling |extracting |resolve )/.test(l));
      console.error(`--- ${last.label}: the main step's log (last 200 lines)\n${lines.slice(-200).join('\n')}\n---`);
    }
    last = undefined;
  });

  afterAll(() => {
    console.log(`go cache times (main + post):\n${times.map(([l, ms]) => `  ${l}: ${(ms / 1000).toFixed(1)} s`).join('\n')}`);
    console.log(`compile step (BuildKit's time for RUN go build):\n${compileTimes.map(([l, s]) => `  ${l}: ${s?.toFixed(1)} s`).join('\n')}`);
  });

  return { server: currentServer, runnerHome: () => runnerHome, goDirs, freshRunner, build, withOwnCacheService, compileSeconds, moduleProxy };
}
