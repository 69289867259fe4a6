// Bad input is answered before any work starts, with the input's name: the bundled action, for real.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAction } from '../support/action-runner.js';
import { copyFixture, fakeSha } from './support/stack.js';

const workspace = copyFixture('hello-svc');
const image = '127.0.0.1:5000/e2e/never-built';
// A folder of the workspace that is a link to one outside it, with a Dockerfile there.
const outside = fs.mkdtempSync(path.join(path.dirname(workspace), 'cib-outside-'));
fs.copyFileSync(path.join(workspace, 'Dockerfile'), path.join(outside, 'Dockerfile'));
fs.symlinkSync(outside, path.join(workspace, 'linked'));

describe('bad inputs fail fast', () => {
  it.each([
    [{ image: 'Not/Valid' }, "Input 'image'"],
    [{ image, file: 'Dockerfile.nope' }, "Input 'file'"],
    [{ image, 'builder-target': 'compile' }, "Input 'builder-target'"],
    [{ image, tags: '///' }, "Input 'tags'"],
    [{ image, 'build-args': 'NOEQUALS' }, "Input 'build-args'"],
    [{ image, push: 'perhaps' }, "Input 'push'"],
    [{ image, latest: 'sometimes' }, "Input 'latest'"],
    [{ image, tags: 'latest' }, "Input 'tags'"],
    // A tag shaped like a commit SHA would overwrite (or pass for) a commit's own tag.
    [{ image, tags: '0123abcd' }, "Input 'tags'"],
    [{ image, tags: 'deadbeef'.repeat(5) }, "Input 'tags'"],
    // What is built must be the workspace's: not a folder beside it, nor one a link leads to.
    [{ image, context: '..' }, "Input 'context'"],
    [{ image, context: 'linked' }, "Input 'context'"],
    [{ image, file: 'linked/Dockerfile' }, "Input 'file'"],
    [{ image, tags: 'builder' }, "Input 'tags'"],
    [{ image, network: 'bridge0' }, "Input 'network'"],
    [{ image, labels: 'org.opencontainers.image.revision=x' }, "Input 'labels'"],
    [{ image, 'build-args': 'A=1\nA=2' }, "Input 'build-args'"],
    [{ image, 'builder-target': '0' }, "Input 'builder-target'"],
    [{ image, prebuild: '-toolexec=x' }, "Input 'prebuild'"],
    [{ image, 'go-cache-mounts': 'GOMOD=mod' }, "Input 'go-cache-mounts'"],
    [{ image, 'go-cache-dependency-path': '../go.sum' }, "Input 'go-cache-dependency-path'"],
    [{ image, 'buildkit-endpoint': 'tcp://192.0.2.1:1234' }, "Input 'buildkit-endpoint'"],
    [{ image, 'idle-timeout': 'forever' }, "Input 'idle-timeout'"]
  ])('%o', async (inputs, named) => {
    const run = await runAction({ workspace, sha: fakeSha(9), inputs });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toContain(`::error::${named}`);
    // Nothing ran: neither the registry nor the environment was asked.
    expect(run.main.log).not.toMatch(/Compare with latest|Probe the environment/);
    expect(run.post.exitCode).toBe(0);
  });

  it('masks every secret before it checks them: a bad secrets line never shows its value', async () => {
    const run = await runAction({
      workspace,
      sha: fakeSha(9),
      inputs: { image, secrets: 'token=abc-secret-value\nthis-line-is-a-secret-too\nkey<<EOF\nPEM-LINE-1\nPEM-LINE-2\nEOF' }
    });
    expect(run.main.exitCode).toBe(1);
    const lines = run.main.log.split('\n');
    const masks = lines.filter(l => l.startsWith('::add-mask::')).map(l => l.slice('::add-mask::'.length));
    expect(masks).toEqual(['abc-secret-value', 'this-line-is-a-secret-too', 'PEM-LINE-1', 'PEM-LINE-2']);
    const error = lines.find(l => l.startsWith('::error::')) ?? '';
    expect(error).toBe("::error::Input 'secrets': line 2 is not ID=VALUE nor ID<<EOF (25 characters, not shown)");
    expect(lines.findIndex(l => l.startsWith('::error::'))).toBeGreaterThan(lines.findIndex(l => l.startsWith('::add-mask::PEM-LINE-2')));
  });

  it('refuses to run outside a workflow, without GITHUB_SHA', async () => {
    const run = await runAction({ workspace, sha: '', inputs: { image } });
    expect(run.main.exitCode).toBe(1);
    expect(run.main.log).toContain('GITHUB_SHA');
    expect(fs.existsSync(path.join(workspace, 'Dockerfile'))).toBe(true);
  });
});
