import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { replaceTree } from '../src/files.js';

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
