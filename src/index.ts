// One bundle serves both steps of the action, and the cache jobs they start: the post step finds
// the mark the main step left; a cache job is told by its environment. Each loads only its own code
// (chunks of the bundle): a post step with nothing to save starts in a fraction of the main step's time.
import * as core from '@actions/core';
import { JOB_VARIABLE } from './cache/job-variable.js';

const POST_MARK = 'isPost';

const job = process.env[JOB_VARIABLE];
if (job) {
  const { cacheJobMain } = await import('./cache/worker.js');
  await cacheJobMain(job);
} else if (core.getState(POST_MARK) === 'true') {
  const { runPost } = await import('./post.js');
  await runPost();
} else {
  core.saveState(POST_MARK, 'true');
  const { run } = await import('./main.js');
  await run();
}
