// One bundle serves both steps of the action, and the cache jobs they start: the post step finds
// the mark the main step left; a cache job is told by its environment. Each loads only its own code
// (chunks of the bundle), and this entry loads none of it itself: a post step with nothing to do
// (a run that copied its image) ends without loading any.
import { JOB_VARIABLE } from './cache/job-variable.js';
import { isPostStep, postHasWork } from './step-mark.js';

const job = process.env[JOB_VARIABLE];
if (job) {
  const { cacheJobMain } = await import('./cache/worker.js');
  await cacheJobMain(job);
} else if (isPostStep(process.env)) {
  if (postHasWork(process.env)) {
    const { runPost } = await import('./post.js');
    await runPost();
  }
} else {
  const { run } = await import('./main.js');
  await run();
}
