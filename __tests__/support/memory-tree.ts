// A made-up tree for listTree, from the same entry specs as test/support/context-cases.ts: `dir/` a
// folder, `a -> b` a symlink, `name|` a FIFO, `name*` an executable file, anything else a file.
import type { EntryStat, TreeReader } from '../../src/context-files.js';

interface Node {
  kind: 'file' | 'dir' | 'symlink' | 'fifo';
  mode: number;
  size: number;
  target?: string;
}

export function memoryTree(specs: string[]): TreeReader {
  const nodes = new Map<string, Node>([['', { kind: 'dir', mode: 0o755, size: 0 }]]);
  const addDirs = (p: string) => {
    const parts = p.split('/');
    for (let i = 1; i < parts.length; i++) nodes.set(parts.slice(0, i).join('/'), { kind: 'dir', mode: 0o755, size: 0 });
  };
  for (const spec of specs) {
    const link = /^(.*) -> (.*)$/.exec(spec);
    const name = link ? link[1] : spec.replace(/[/|*]$/, '');
    addDirs(name);
    if (link) nodes.set(name, { kind: 'symlink', mode: 0o777, size: link[2].length, target: link[2] });
    else if (spec.endsWith('/')) nodes.set(name, { kind: 'dir', mode: 0o755, size: 0 });
    else if (spec.endsWith('|')) nodes.set(name, { kind: 'fifo', mode: 0o644, size: 0 });
    else nodes.set(name, { kind: 'file', mode: spec.endsWith('*') ? 0o755 : 0o644, size: spec.length + 1 });
  }
  const get = (p: string): Node => {
    const node = nodes.get(p);
    if (!node) throw Object.assign(new Error(`ENOENT: ${p}`), { code: 'ENOENT' });
    return node;
  };
  return {
    readdir: dir => {
      if (get(dir).kind !== 'dir') throw Object.assign(new Error(`ENOTDIR: ${dir}`), { code: 'ENOTDIR' });
      const prefix = dir ? `${dir}/` : '';
      return [...nodes.keys()]
        .filter(k => k !== '' && k.startsWith(prefix) && !k.slice(prefix.length).includes('/'))
        .map(k => k.slice(prefix.length));
    },
    lstat: entry => stat(get(entry)),
    readlink: entry => get(entry).target ?? ''
  };
}

function stat(node: Node): EntryStat {
  return {
    mode: node.mode,
    size: node.size,
    rdev: 0,
    isFile: () => node.kind === 'file',
    isDirectory: () => node.kind === 'dir',
    isSymbolicLink: () => node.kind === 'symlink',
    isFIFO: () => node.kind === 'fifo',
    isSocket: () => false,
    isCharacterDevice: () => false,
    isBlockDevice: () => false
  };
}
