// The e2e runs' stack, brought up once before any test file starts (scripts/stack.sh up-tests:
// the engine STACK_ENGINE names, the registry, the module proxy, the pinned tools, BuildKit's images
// and buildkitd), here in vitest's own process: a tool built from source for minutes never blocks a
// test worker. Its environment (DOCKER_HOST, PATH, DOCKER_CONFIG, STACK_*) goes to every worker.
//
// STACK_LANES=N (scripts/test.sh sets 2 for every engine): N test files run side by side, each
// lane on an engine of its own of the same kind (docker28, docker28-lane2, …), with its own buildkitd;
// the registry and the module proxy are shared (names and module-proxy scopes keep the files apart).
// Lane 1 is STACK_ENGINE itself; the others' environments reach their workers through test/setup/lane.ts.
import type { TestProject } from 'vitest/node';
import { stackLanes } from '../e2e/support/lanes.js';
import { stackUp, stackUpOther } from '../e2e/support/stack.js';

export default function setup(project: TestProject): void {
  stackUp('tests');
  const engine = process.env.STACK_ENGINE || 'docker28';
  const others: Array<Record<string, string>> = [];
  for (let lane = 2; lane <= stackLanes(); lane++) others.push(stackUpOther(`${engine}-lane${lane}`));
  project.provide('stackLanes', others);
}
