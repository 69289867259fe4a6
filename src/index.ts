// One bundle serves both steps of the action, and the cache jobs they start: the post step finds
// the mark the main step left; a cache job is told by its environment.
import * as core from '@actions/core';
import { cacheJobMain, JOB_VARIABLE } from './cache/worker.js';
import { run } from './main.js';
import { runPost } from './post.js';

const POST_MARK = 'isPost';

const job = process.env[JOB_VARIABLE];
if (job) {
  await cacheJobMain(job);
} else if (core.getState(POST_MARK) === 'true') {
  await runPost();
} else {
  core.saveState(POST_MARK, 'true');
  await run();
}
