// A test run's temporary folder: every folder the tests, the action under test and its children
// make with os.tmpdir() goes in it (TMPDIR, inherited by the test workers), and it goes when the
// run ends, whatever the tests left behind. Daemons the stack starts never get this TMPDIR.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export default function setup(): () => void {
  const outer = process.env.TMPDIR;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cib-test-run-'));
  process.env.TMPDIR = dir;
  return () => {
    if (outer === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = outer;
    fs.rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
  };
}
