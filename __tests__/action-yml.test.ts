// action.yml is what users read: every input the code reads is declared there with a description,
// and every declared input is read; every output the code sets is declared.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '..');
const yml = fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8');

function section(name: string): string[] {
  const body = yml.split(new RegExp(`^${name}:\\n`, 'm'))[1]?.split(/^\S/m)[0] ?? '';
  return [...body.matchAll(/^ {2}([a-z-]+):\n {4}description:/gm)].map(m => m[1]).sort();
}

function sources(): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith('.ts')) files.push(fs.readFileSync(full, 'utf8'));
    }
  };
  walk(path.join(ROOT, 'src'));
  return files.join('\n');
}

describe('action.yml', () => {
  const code = sources();
  it('declares, with a description, exactly the inputs the code reads', () => {
    const read = [
      ...new Set(
        [...code.matchAll(/\binput\('([a-z-]+)'\)|getInput\('([a-z-]+)'\)|readSeconds\(input, '([a-z-]+)'/g)].map(m => m.at(1) ?? m.at(2) ?? m[3])
      )
    ].sort();
    expect(section('inputs')).toEqual(read);
  });
  it('declares exactly the outputs the code sets', () => {
    const set = [...new Set([...code.matchAll(/setOutput\(\s*'([a-z-]+)'/g)].map(m => m[1]))].sort();
    expect(section('outputs')).toEqual(set);
  });
  it('runs on node24, main and post from the one bundle', () => {
    expect(yml).toMatch(/^runs:\n {2}using: node24\n {2}main: dist\/index\.js\n {2}post: dist\/index\.js\n/m);
  });
});
