// One bundle serves both steps of the action: the post step finds the mark the main step left.
import * as core from '@actions/core';
import { run } from './main.js';
import { runPost } from './post.js';

const POST_MARK = 'isPost';

if (core.getState(POST_MARK) === 'true') {
  await runPost();
} else {
  core.saveState(POST_MARK, 'true');
  await run();
}
