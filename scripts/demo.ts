// Runs the action's main job locally, as a runner would, on the bundled example service:
// brings up the stack, runs dist/index.js (main, then post) and prints the outputs and job summary.
//   npm run demo            a build as the next commit would do it
//   npm run demo -- --fresh wipe local Docker state first, as on a fresh CI runner
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { runAction } from '../test/support/action-runner.js';
import { ROOT, stackUp, wipeRunner } from '../test/e2e/support/stack.js';

stackUp();
if (process.argv.includes('--fresh')) wipeRunner();
const workspace = path.join(ROOT, 'test/fixtures/hello-svc');
const sha = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
const run = await runAction({
  workspace,
  sha,
  inputs: { image: `${process.env.STACK_REGISTRY}/demo/hello-svc`, network: 'host' }
});
process.stdout.write(run.main.log);
console.log('\n=== Outputs');
for (const [name, value] of Object.entries(run.outputs)) console.log(`${name}: ${value.replace(/\n/g, ', ')}`);
console.log('\n=== Job summary (markdown)');
console.log(run.summary);
console.log(`main step: ${(run.main.durationMs / 1000).toFixed(1)} s, exit ${run.main.exitCode}`);
process.exit(run.main.exitCode);
