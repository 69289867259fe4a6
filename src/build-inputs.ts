// What the build is made of, hashed: the files BuildKit would receive as the context (by the
// .dockerignore rules), the Dockerfile, the build arguments and the target. The hash goes into a label
// of the image; when the registry's latest carries the same hash, every step will come from the layer
// cache: restoring and injecting the Go caches would be work for nothing, and the pull path may build
// the image first and leave the builder stage's layers in the registry.
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import dockerignore from '@balena/dockerignore';
import type { Config } from './config.js';
import { toPosix } from './files.js';

// A CommonJS module whose typings say `export default`: take the function whichever way it arrives.
const ignore = ((dockerignore as unknown as { default?: unknown }).default ?? dockerignore) as unknown as typeof dockerignore.default;

/** Bump when what a hash covers changes, so an old image never matches a new meaning. */
const SCHEME = 'v1';

/** The hash of the build's inputs; `exclude` holds context-relative paths left out (prebuild's output). */
export async function hashBuildInputs(config: Config, exclude: string[] = []): Promise<{ hash: string; files: number }> {
  const ignored = contextIgnore(config);
  const excluded = new Set(exclude.map(p => toPosix(p).replace(/\/+$/, '')));
  const files = (await contextFiles(config.context, ignored)).filter(f => !isUnder(f, excluded));
  const hash = createHash('sha256');
  hash.update(`${SCHEME}\0file ${toPosix(path.relative(config.context, config.file))}\0builder ${config.builderTarget}\0`);
  hash.update(`dockerfile\0${fs.readFileSync(config.file)}\0`);
  for (const arg of [...config.buildArgs].sort()) hash.update(`arg\0${arg}\0`);
  for (const file of files) {
    const full = path.join(config.context, file);
    const stat = fs.lstatSync(full);
    if (stat.isSymbolicLink()) hash.update(`link\0${file}\0${fs.readlinkSync(full)}\0`);
    else hash.update(`file\0${file}\0${stat.mode & 0o111 ? 'x' : '-'}\0${await fileHash(full)}\0`);
  }
  return { hash: hash.digest('hex'), files: files.length };
}

/** BuildKit's rules: `<Dockerfile>.dockerignore` beside the Dockerfile wins over the context's `.dockerignore`. */
function contextIgnore(config: Config): Ignored {
  const own = `${config.file}.dockerignore`;
  const file = fs.existsSync(own) ? own : path.join(config.context, '.dockerignore');
  const patterns = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').split(/\r?\n/) : [];
  const rules = ignore().add(patterns);
  return { ignores: relative => rules.ignores(relative), reincludes: patterns.some(p => p.trim().startsWith('!')) };
}

interface Ignored {
  ignores: (relative: string) => boolean;
  /** A `!` rule can bring back a file inside an ignored folder, which then must be walked. */
  reincludes: boolean;
}

/** Every file of the context BuildKit would send, sorted, as POSIX paths relative to it. */
async function contextFiles(root: string, ignored: Ignored): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await fs.promises.readdir(path.join(root, dir), { withFileTypes: true });
    for (const entry of entries) {
      const relative = dir ? `${dir}/${entry.name}` : entry.name;
      if (entry.isDirectory()) {
        if (ignored.reincludes || !ignored.ignores(relative)) await walk(relative);
      } else if (!ignored.ignores(relative)) found.push(relative);
    }
  };
  await walk('');
  return found.sort();
}

async function fileHash(file: string): Promise<string> {
  const hash = createHash('sha256');
  await pipeline(fs.createReadStream(file), hash);
  return hash.digest('hex');
}

function isUnder(file: string, folders: Set<string>): boolean {
  for (const folder of folders) if (file === folder || file.startsWith(`${folder}/`)) return true;
  return false;
}

