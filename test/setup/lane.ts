// Before each e2e file, in its worker: the environment of the lane the worker is (VITEST_POOL_ID,
// 1…STACK_LANES). Lane 1 keeps the environment it inherited; lane N takes its engine's (DOCKER_HOST,
// PATH, DOCKER_CONFIG, BUILDKITD_DIR, STACK_ENGINE), brought up by test/setup/stack.ts.
import { inject } from 'vitest';

const lane = Number(process.env.VITEST_POOL_ID ?? '1');
if (lane > 1) {
  const env = inject('stackLanes').at(lane - 2);
  if (!env) throw new Error(`worker ${lane} has no lane: STACK_LANES is ${process.env.STACK_LANES ?? 'unset'}`);
  Object.assign(process.env, env);
}
