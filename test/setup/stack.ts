// The e2e runs' stack, brought up once before any test file starts (scripts/stack.sh up-tests:
// the engine STACK_ENGINE names, the registry, the module proxy, the pinned tools, BuildKit's images
// and buildkitd), here in vitest's own process: a tool built from source for minutes never blocks a
// test worker. Its environment (DOCKER_HOST, PATH, DOCKER_CONFIG, STACK_*) goes to every worker.
import { stackUp } from '../e2e/support/stack.js';

export default function setup(): void {
  stackUp('tests');
}
