import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readTextBounded, realInside, replaceTree } from '../src/files.js';

describe('replaceTree', () => {
  const tree = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-tree-'));
    fs.mkdirSync(path.join(dir, 'old/sub'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'old/sub/a'), 'old');
    fs.mkdirSync(path.join(dir, 'new'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'new/b'), 'new');
    return dir;
  };
  it('swaps the new tree in whole and removes the old one', async () => {
    const dir = tree();
    await replaceTree(path.join(dir, 'new'), path.join(dir, 'old'));
    expect(fs.readdirSync(path.join(dir, 'old'))).toEqual(['b']);
    expect(fs.readdirSync(dir)).toEqual(['old']);
  });
  it("leaves the runner's folder as it was when the new tree is not there", async () => {
    const dir = tree();
    await expect(replaceTree(path.join(dir, 'missing'), path.join(dir, 'old'))).rejects.toThrow(/ENOENT/);
    expect(fs.readFileSync(path.join(dir, 'old/sub/a'), 'utf8')).toBe('old');
  });
  it('puts the tree in place where nothing was', async () => {
    const dir = tree();
    await replaceTree(path.join(dir, 'new'), path.join(dir, 'fresh/deeper'));
    expect(fs.readFileSync(path.join(dir, 'fresh/deeper/b'), 'utf8')).toBe('new');
  });
});

describe('readTextBounded', () => {
  it('reads a file up to the bound, says the size of a bigger one, and nothing of one it cannot read', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-bounded-'));
    fs.writeFileSync(path.join(dir, 'small'), 'module x\n');
    fs.writeFileSync(path.join(dir, 'big'), 'x'.repeat(101));
    expect(readTextBounded(path.join(dir, 'small'), 100)).toEqual({ text: 'module x\n' });
    expect(readTextBounded(path.join(dir, 'big'), 100)).toEqual({ tooBig: 101 });
    expect(readTextBounded(path.join(dir, 'big'), 101)).toEqual({ text: 'x'.repeat(101) });
    expect(readTextBounded(path.join(dir, 'missing'), 100)).toBeUndefined();
    expect(readTextBounded(dir, 100)).toBeUndefined();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});

describe('realInside', () => {
  it('follows links on both sides, and takes paths that do not exist yet by their deepest parent', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-inside-'));
    fs.mkdirSync(path.join(dir, 'ws'));
    fs.symlinkSync(path.join(dir, 'ws'), path.join(dir, 'ws-link'));
    fs.symlinkSync(os.tmpdir(), path.join(dir, 'ws', 'out'));
    expect(realInside(path.join(dir, 'ws-link'), path.join(dir, 'ws', 'new', 'deeper'))).toBe(true);
    expect(realInside(path.join(dir, 'ws'), path.join(dir, 'ws'))).toBe(false);
    expect(realInside(path.join(dir, 'ws'), path.join(dir, 'ws-link'), { orSame: true })).toBe(true);
    expect(realInside(path.join(dir, 'ws'), path.join(dir, 'ws', 'out', 'x'))).toBe(false);
    expect(realInside(path.join(dir, 'ws'), path.join(dir, 'ws2'))).toBe(false);
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
