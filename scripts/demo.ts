// Runs the action's main job locally, as a runner would, on the bundled example service: brings up
// the stack and a local Actions cache service, runs dist/index.js (main, then post) and prints the
// outputs and the job summary.
//   npm run demo            a build as the next commit would do it
//   npm run demo -- --fresh wipe local Docker state and the runner's Go folders first (a fresh CI runner)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../test/support/action-runner.js';
import { startCacheServer } from '../test/support/cache-server/server.js';
import { ROOT, commitAll, git, stackUp, wipeRunner } from '../test/e2e/support/stack.js';
import { removeTree } from '../src/files.js';

stackUp();
const state = path.join(process.env.STACK_DIR ?? path.join(ROOT, '.stack'), 'demo');
const goDirs = { GOMODCACHE: path.join(state, 'runner/go/pkg/mod'), GOCACHE: path.join(state, 'runner/.cache/go-build') };
if (process.argv.includes('--fresh')) {
  wipeRunner();
  for (const dir of Object.values(goDirs)) await removeTree(dir);
}
fs.mkdirSync(path.join(state, 'cache-service'), { recursive: true });
const cacheService = await startCacheServer({ dir: path.join(state, 'cache-service'), host: '127.0.0.1' });

// The service as a runner checks it out: a repository of its own (kept in the demo's folder), each
// run a new commit of it, as a push brings one. The action reads who it builds for from it.
const workspace = path.join(state, 'workspace');
fs.cpSync(path.join(ROOT, 'test/fixtures/hello-svc'), workspace, { recursive: true });
if (!fs.existsSync(path.join(workspace, '.git'))) git(workspace, 'init', '-q', '-b', 'main');
const sha = commitAll(workspace, 'demo run');
const run = await runAction({
  workspace,
  sha,
  inputs: { image: `${process.env.STACK_REGISTRY}/demo/hello-svc`, file: 'Dockerfile.cachemount', network: 'host' },
  env: { ...cacheService.env('v2'), GITHUB_SERVER_URL: 'https://github.com', RUNNER_OS: 'Linux', RUNNER_ARCH: 'X64', ...goDirs }
});
await cacheService.close();
process.stdout.write(run.main.log);
process.stdout.write(run.post.log);
console.log('\n=== Outputs');
for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value.replace(/\n/g, ', ')}`);
console.log('\n=== Job summary (markdown)');
console.log(run.summary);
console.log(
  `main step: ${(run.main.durationMs / 1000).toFixed(1)} s, post step: ${(run.post.durationMs / 1000).toFixed(1)} s, exit ${run.main.exitCode}`
);
process.exit(run.main.exitCode);
