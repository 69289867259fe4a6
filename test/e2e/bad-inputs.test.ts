// Bad input is answered before any work starts, with the input's name: the bundled action, for real.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/action-runner.js';
import { copyFixture, fakeSha } from './support/stack.js';

const workspace = copyFixture('hello-svc');
const image = '127.0.0.1:5000/e2e/never-built';

describe('bad inputs fail fast', () => {
  it.each([
    [{ image: 'Not/Valid' }, "Input 'image'"],
    [{ image, file: 'Dockerfile.nope' }, "Input 'file'"],
    [{ image, 'builder-target': 'compile' }, "Input 'builder-target'"],
    [{ image, tags: 'has space' }, "Input 'tags'"],
    [{ image, 'build-args': 'NOEQUALS' }, "Input 'build-args'"],
    [{ image, push: 'perhaps' }, "Input 'push'"]
  ])('%o', async (inputs, named) => {
    const run = await runAction({ workspace, sha: fakeSha(9), inputs });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toContain(`::error::${named}`);
    // Nothing ran: the environment was not even probed.
    expect(run.main.log).not.toContain('Probe the environment');
    expect(run.post.exitCode).toBe(0);
  });

  it('refuses to run outside a workflow, without GITHUB_SHA', async () => {
    const run = await runAction({ workspace, sha: '', inputs: { image } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toContain('GITHUB_SHA');
    expect(fs.existsSync(path.join(workspace, 'Dockerfile'))).toBe(true);
  });
});
