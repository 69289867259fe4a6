import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { holdBack, latestIsAhead } from '../src/compare.js';
import { REVISION_LABEL } from '../src/labels.js';
import { isMissing, parseInspect } from '../src/registry.js';
import { isMissingImage, isTransientRegistryError } from '../src/run/outcome.js';
import { readConfig } from '../src/config.js';
import { environment, inputs, makeWorkspace, policyFor, pushEvent } from './support/workspace.js';

const config = readConfig(inputs({ image: '127.0.0.1:5000/acme/api' }), environment(makeWorkspace()));

describe("holdBack: an older commit than latest's", () => {
  it("moves neither latest nor the default branch's cache tags, and says why", () => {
    const held = holdBack(policyFor(config), 'b'.repeat(40), 'a'.repeat(40));
    expect(held.latest).toEqual({
      move: false,
      why: `latest is at ${'b'.repeat(12)}, which already contains ${'a'.repeat(12)}: latest never moves backwards`
    });
    expect(held.writeScope).toBeUndefined();
    expect(held.push).toBe(true);
    expect(held.notes.at(-1)).toBe(
      `the default branch's cache tags are not written: latest is at ${'b'.repeat(12)}, which already contains ${'a'.repeat(12)}`
    );
  });
  it("leaves a branch's own cache tags to it", () => {
    const branch = policyFor(config, pushEvent('feature/login'));
    expect(holdBack(branch, 'b'.repeat(40), 'a'.repeat(40)).writeScope).toEqual(branch.writeScope);
  });
});

describe('latestIsAhead: whether latest already holds a newer commit', () => {
  /** A repository of two commits, A then B, and a clone of B alone (what actions/checkout fetches by default). */
  function shallowCheckout(): { dir: string; A: string; B: string } {
    const full = makeWorkspace();
    const git = (dir: string, ...args: string[]) =>
      execFileSync('git', ['-C', dir, '-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { encoding: 'utf8' }).trim();
    git(full, 'init', '-q', '-b', 'main');
    git(full, 'add', '-A');
    git(full, 'commit', '-q', '-m', 'A');
    const A = git(full, 'rev-parse', 'HEAD');
    git(full, 'commit', '-q', '--allow-empty', '-m', 'B');
    const B = git(full, 'rev-parse', 'HEAD');
    const dir = path.join(path.dirname(full), `${path.basename(full)}-shallow`);
    execFileSync('git', ['clone', '-q', '--depth', '1', `file://${full}`, dir]);
    fs.rmSync(full, { recursive: true, force: true });
    return { dir, A, B };
  }
  const latestAt = (revision: string) => ({ ref: 'latest', digest: `sha256:${'1'.repeat(64)}`, labels: { [REVISION_LABEL]: revision } });

  it("a shallow clone cannot tell; a fast-forward push from latest's commit can", async () => {
    const { dir, A, B } = shallowCheckout();
    const shallow = readConfig(inputs({ image: '127.0.0.1:5000/acme/api', commit: B }), environment(dir));
    expect(await latestIsAhead(shallow, latestAt(A), { olderCommits: [] })).toEqual({ revision: A, ahead: undefined });
    expect(await latestIsAhead(shallow, latestAt(A), { olderCommits: [A] })).toEqual({ revision: A, ahead: false });
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe("the registry's answers", () => {
  it.each([
    ['ERROR: 127.0.0.1:5000/x:latest: not found', true],
    ['manifest unknown: manifest unknown', true],
    ['unexpected status from HEAD request: 401 Unauthorized', false],
    ['unauthorized: authentication required', false],
    ['denied: requested access to the resource is denied', false],
    ['unexpected status from HEAD request: 500 Internal Server Error', false],
    ['no answer (still running after 3 s)', false]
  ])('%s → missing: %s', (text, missing) => {
    expect(isMissing(text)).toBe(missing);
  });
  it('reads the digest and labels of an image and of an index', () => {
    const one = JSON.stringify({ manifest: { digest: 'sha256:m' }, image: { config: { Labels: { a: '1' } } } });
    expect(parseInspect('r', one)).toEqual({ ref: 'r', digest: 'sha256:m', labels: { a: '1' } });
    const index = JSON.stringify({
      manifest: { digest: 'sha256:i' },
      image: { 'linux/amd64': { config: { Labels: { b: '2' } } }, 'linux/arm64': {} }
    });
    expect(parseInspect('r', index)).toEqual({ ref: 'r', digest: 'sha256:i', labels: { b: '2' } });
    expect(() => parseInspect('r', '{}')).toThrow('no manifest digest');
  });
});

describe('what docker said of a tag it could not get', () => {
  const hub =
    "pull access denied for acme/api, repository does not exist or may require 'docker login': denied: requested access to the resource is denied";
  it('a refusal is no first build, whatever else it says', () => {
    expect(isMissingImage([hub])).toBe(false);
    expect(isMissingImage(['no such manifest: 127.0.0.1:5000/x:builder'])).toBe(true);
    expect(isMissingImage(['manifest unknown: manifest unknown'])).toBe(true);
  });
  it('tells registry errors that pass from those that do not', () => {
    expect(isTransientRegistryError(['received unexpected HTTP status: 503 Service Unavailable'])).toBe(true);
    expect(isTransientRegistryError(['manifest blob unknown: blob unknown to registry'])).toBe(true);
    expect(isTransientRegistryError(['read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer'])).toBe(true);
    expect(isTransientRegistryError([hub])).toBe(false);
    expect(isTransientRegistryError(['unauthorized: authentication required'])).toBe(false);
    expect(isTransientRegistryError(['toomanyrequests: slow down'])).toBe(true);
  });
});
