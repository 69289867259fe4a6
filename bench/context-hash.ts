// npx tsx bench/context-hash.ts [--reps N]
//
// How long hashBuildInputs takes: on test/fixtures/bench-svc, on a made-up context of 20,000 small
// files (200 packages of 50 .go files and 50 .txt files, 11 MB), and on one 512 MiB file (read in
// chunks: the process's peak RSS shows no file is held whole). Median of N runs, after one warm-up
// (the files are in the page cache, as a fresh checkout's are).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseArgs } from 'node:util';
import { hashBuildInputs, type HashOptions } from '../src/context-hash.js';

const { values } = parseArgs({ options: { reps: { type: 'string', default: '5' } } });
const reps = Number(values.reps);
const ROOT = path.resolve(import.meta.dirname, '..');

function smallFiles(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-hash-20k-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /src/\n');
  for (let p = 0; p < 200; p++) {
    const pkg = path.join(dir, `pkg${String(p).padStart(3, '0')}`);
    fs.mkdirSync(path.join(pkg, 'sub'), { recursive: true });
    for (let f = 0; f < 50; f++) {
      fs.writeFileSync(path.join(pkg, `f${f}.go`), `package p${p}\n// file ${f}\n${'x'.repeat(f * 40)}`);
      fs.writeFileSync(path.join(pkg, 'sub', `g${f}.txt`), 'y'.repeat(p + f));
    }
  }
  return dir;
}

function bigFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-hash-big-'));
  fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM scratch\nCOPY . /src/\n');
  const chunk = Buffer.alloc(16 * 1024 * 1024, 7);
  const fd = fs.openSync(path.join(dir, 'big.bin'), 'w');
  for (let i = 0; i < 32; i++) fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return dir;
}

async function measure(name: string, context: string, options: HashOptions = {}): Promise<void> {
  const run = async () => {
    const started = process.hrtime.bigint();
    const result = await hashBuildInputs({ context, dockerfile: path.join(context, 'Dockerfile'), buildArgs: [], baseDigests: {} }, options);
    return { ms: Number(process.hrtime.bigint() - started) / 1e6, result };
  };
  await run();
  const times: number[] = [];
  let last = await run();
  for (let i = 0; i < reps; i++) {
    last = await run();
    times.push(last.ms);
  }
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)];
  const { entries, bytes } = last.result;
  console.log(
    `${name}: ${median.toFixed(0)} ms median of ${reps} (min ${times[0].toFixed(0)}, max ${times[times.length - 1].toFixed(0)}), ` +
      `${entries} entries, ${(bytes / 1e6).toFixed(1)} MB read, peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
  );
}

const made: string[] = [];
try {
  await measure('bench-svc', path.join(ROOT, 'test/fixtures/bench-svc'));
  const small = smallFiles();
  made.push(small);
  await measure('20,000 small files', small);
  await measure('20,000 small files, xattrs not read', small, { xattrs: false });
  const big = bigFile();
  made.push(big);
  await measure('one 512 MiB file', big);
} finally {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
}
